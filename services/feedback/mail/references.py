"""Find the places where a message names a section by its label.

Citizens write "mục 1.3 phần thứ hai", "điểm 2.2, mục I, Phần thứ nhất", "phần V",
"tiểu mục 1.3", "Muc II- phan thu hai", "mục 1.2 và 1.3".  Matching runs on a folded copy
of the text (same offsets, no diacritics); the original is consulted where folding would
confuse words ("mức" is not "mục", "phân" is not "phần", "thu năm" is not "thứ năm").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

from .text import fold_same_length

Key = tuple[str, object]

ORDINALS = {
    "nhat": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6,
    "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
}  # fmt: skip
_KEYWORDS = {
    "tieu muc": "mục", "muc": "mục", "phan": "phần", "diem": "điểm", "khoan": "khoản",
    "chuong": "chương", "tiet": "tiết", "tieu phan": "phần",
}  # fmt: skip
_KW = r"(?P<kw>tieu\s+muc|tieu\s+phan|muc|phan|diem|khoan|chuong|tiet)"
_ORD = r"thu\s+(?:nhat|mot|hai|ba|tu|bon|nam|sau|bay|tam|chin|muoi|\d{1,2})"
_NUMERIC = r"[ivxl]{1,5}\.\d{1,2}|\d{1,2}(?:\.\d{1,2}){0,3}"
_LABEL_AFTER_KW = rf"(?P<label>{_ORD}|{_NUMERIC}|[ivxlc]{{1,6}}|[a-z])"
_ATOM = re.compile(
    rf"(?<![\w.]){_KW}\s*(?:so\s+)?{_LABEL_AFTER_KW}(?![\w])(?![.,]\d)"
    rf"|(?<![\w.])(?P<bare>[ivxl]{{1,5}}\.\d{{1,2}}|\d{{1,2}}(?:\.\d{{1,2}}){{1,3}}|[ivxl]{{1,5}})"
    r"(?![\w])(?![.,]\d)"
)
_GAP = re.compile(r"^[ \t,;:\-–—(/]*(?:(?:va|cua|thuoc|trong|tai|o|ve)\b[ \t,;:\-–—(/]*)*$")
_GAP_TO_PART = re.compile(r"^[ \t]*[.)]?[ \t]*$|^[ \t]*:[ \t]*\n[ \t\-–•*+]*$")
_AND = re.compile(r"\bva\b|,")
_QUANTITY = re.compile(
    r"^\s*(?:%|ty\b|trieu\b|nghin\b|ngan\b|nam\b|ngay\b|thang\b|nguoi\b|ha\b|km\b|lan\b|dong\b)"
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(text: str) -> int:
    """Value of a canonical Roman numeral, else 0."""
    total = prev = 0
    for char in reversed(text.upper()):
        value = _ROMAN_VALUES.get(char, 0)
        if not value:
            return 0
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total if _to_roman(total) == text.upper() else 0


def _to_roman(value: int) -> str:
    out = []
    for number, symbol in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"),
                           (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while value >= number:
            out.append(symbol)
            value -= number
    return "".join(out)


def label_keys(number: str) -> set[Key]:
    """Comparable keys of a heading label as the catalogue writes it."""
    text = " ".join(fold_same_length(number).split()).strip(" .:-)")
    match = re.fullmatch(r"(phan|chuong)\s+thu\s+(\w+)", text)
    if match:
        word = match.group(2)
        value = ORDINALS.get(word) or (int(word) if word.isdigit() else 0)
        return {("part", value)} if value else set()
    match = re.fullmatch(r"(phan|chuong)\s+(\w+)", text)
    if match:
        word = match.group(2)
        value = int(word) if word.isdigit() else roman_value(word)
        return {("part", value)} if value else set()
    match = re.fullmatch(r"phu\s+luc(?:\s+(?:so\s+)?(\w+))?", text)
    if match:
        return {("appendix", _appendix_number(match.group(1)))}
    if re.fullmatch(r"[ivxl]{1,5}\.\d{1,2}", text):
        roman, sub = text.split(".")
        key = f"{roman_value(roman)}.{int(sub)}"
        return {("romansub", key), ("arabic", key)}
    if re.fullmatch(r"\d{1,2}(?:\.\d{1,2}){0,3}", text):
        return {("arabic", ".".join(str(int(p)) for p in text.split(".")))}
    keys: set[Key] = set()
    if re.fullmatch(r"[ivxlc]{1,6}", text) and number.strip(" .").isupper():
        value = roman_value(text)
        if value:
            keys.add(("roman", value))
    if len(text) == 1 and text.isalpha():
        keys.add(("upper" if number.strip(" .)").isupper() else "lower", text))
    return keys


def _appendix_number(word: str | None) -> object:
    if not word:
        return ""
    if word.isdigit():
        return int(word)
    return roman_value(word) or word


@dataclass(frozen=True)
class Token:
    """One label of a reference and the keys it may stand for."""

    text: str
    keys: frozenset[Key]
    shape: str


@dataclass(frozen=True)
class LabelReference:
    """A chain of labels naming one section, at ``start``-``end`` of the text."""

    start: int
    end: int
    tokens: tuple[Token, ...]

    @property
    def display(self) -> str:
        return ", ".join(t.text for t in self.tokens)


def _keyword_ok(original: str) -> bool:
    """The keyword as written is one of ours, with or without its diacritics."""
    word = " ".join(original.lower().split())
    return word in {"tiểu mục", "tieu muc", "mục", "muc", "phần", "phan", "điểm", "diem",
                    "khoản", "khoan", "chương", "chuong", "tiết", "tiet", "tiểu phần",
                    "tieu phan"}  # fmt: skip


def _token(match: re.Match[str], original: str, plain: bool) -> Token | None:
    """The token of one atom, or None when the atom is not a reference after all."""
    kw_folded = " ".join((match.group("kw") or "").split())
    if kw_folded and not _keyword_ok(original[match.start("kw") : match.end("kw")]):
        return None
    if kw_folded:
        label = match.group("label")
        label_orig = original[match.start("label") : match.end("label")]
    else:
        label = match.group("bare")
        label_orig = original[match.start("bare") : match.end("bare")]
    kind = _KEYWORDS.get(kw_folded, "")
    part = kind in ("phần", "chương")
    keys: set[Key] = set()
    if label.startswith("thu"):
        if not (label_orig.lower().startswith("thứ") or plain):
            return None
        word = label.split()[-1]
        value = ORDINALS.get(word) or (int(word) if word.isdigit() else 0)
        keys = {("part", value)} if part else {("arabic", str(value)), ("roman", value)}
        shape = "part" if part else "ord"
        text = f"{kind or 'mục'} {label_orig}"
        return Token(text, frozenset(keys), shape)
    if re.fullmatch(r"[ivxl]{1,5}\.\d{1,2}", label):
        roman, sub = label.split(".")
        value = roman_value(roman)
        if not value:
            return None
        key = f"{value}.{int(sub)}"
        return Token(label_orig, frozenset({("romansub", key), ("arabic", key)}), "romansub")
    if label[0].isdigit():
        parts = label.split(".")
        if len(parts) == 1:
            if not kw_folded:
                return None
            value = int(parts[0])
            if _QUANTITY.match(fold_same_length(original[match.end() : match.end() + 12])):
                return None
            keys = {("part", value), ("arabic", str(value))} if part else {("arabic", str(value))}
            shape = "part" if part else "arabic1"
        else:
            keys = {("arabic", ".".join(str(int(p)) for p in parts))}
            shape = f"arabic{len(parts)}"
        return Token(f"{kind} {label_orig}".strip(), frozenset(keys), shape)
    value = roman_value(label)
    if not kw_folded and (not value or not label_orig.isupper()):
        return None
    if value and (label_orig.isupper() or kw_folded):
        keys.add(("roman", value))
        if part:
            keys.add(("part", value))
    if len(label) == 1 and kw_folded:
        # "mục B" is a lettered Part, "điểm b" a lettered item; "phần a" still means Part A.
        if label_orig.isupper() or part:
            keys.add(("upper", label))
        if label_orig.islower() or (not part and kind != "mục"):
            keys.add(("lower", label))
    if not keys:
        return None
    shape = "roman" if value and len(label) > 1 else "letter"
    return Token(f"{kind} {label_orig}".strip(), frozenset(keys), shape)


def find_label_references(original: str, folded: str | None = None) -> list[LabelReference]:
    """Every chain of section labels in ``original``, enumerations expanded."""
    folded = fold_same_length(original) if folded is None else folded
    plain = sum(1 for c in original if not c.isascii()) < len(original) * 0.02
    atoms: list[tuple[int, int, Token, bool]] = []
    for match in _ATOM.finditer(folded):
        token = _token(match, original, plain)
        if token is not None:
            atoms.append((match.start(), match.end(), token, bool(match.group("kw"))))
    chains: list[list[tuple[int, int, Token, bool]]] = []
    for atom in atoms:
        if chains:
            last = chains[-1][-1]
            gap = folded[last[1] : atom[0]]
            if len(gap) <= 25 and _joins(last[2], atom[2], gap):
                chains[-1].append(atom)
                continue
        chains.append([atom])
    references = []
    for chain in chains:
        if not any(has_kw for *_, has_kw in chain):
            continue
        for tokens in _expand([t for _, _, t, _ in chain]):
            references.append(LabelReference(chain[0][0], chain[-1][1], tokens))
    return references


def _joins(previous: Token, current: Token, gap: str) -> bool:
    """'và' links only labels of one shape (an enumeration); other links build a path.

    A full stop or a line break ends a reference, except "mục II. Phần thứ nhất" and a
    "Phần thứ hai:" line introducing a list of its items.
    """
    if not _GAP.match(gap):
        if current.shape == "part" and _GAP_TO_PART.match(gap):
            return True
        return previous.shape == "part" and ":" in gap and bool(_GAP_TO_PART.match(gap))
    if re.search(r"\bva\b", gap):
        return previous.shape == current.shape
    return True


def _expand(tokens: list[Token]) -> list[tuple[Token, ...]]:
    """Split runs of same-shape labels ("mục 1.2, 1.3") into one reference each."""
    groups: list[list[Token]] = []
    for token in tokens:
        if groups and groups[-1][-1].shape == token.shape:
            groups[-1].append(token)
        else:
            groups.append([token])
    return [tuple(choice) for choice in product(*groups)]
