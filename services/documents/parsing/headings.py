"""Recognise the labels of Vietnamese administrative headings and cut their titles.

The labels follow the usual hierarchy of party and state documents: Phần > A > I > 1 > 1.1
> 1.1.1 > a.  Everything that merely looks numbered (quantities such as ``9.052 người`` where
'.' is the thousands separator, dates, "(1)" items, footnotes, bullets) is rejected here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import first_sentence_end, is_caps, starts_upper

ORDINAL_WORDS = {
    "nhất": 1,
    "một": 1,
    "hai": 2,
    "ba": 3,
    "tư": 4,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
VIETNAMESE = "ABCDĐEGHIKLMNOPQRSTUVXY"

_PART = re.compile(
    r"^(?P<word>phần|chương)\s+(?:thứ\s+(?P<ord>[^\W\d_]+)|(?P<roman>[IVXLC]+)\b|(?P<num>\d{1,2})\b)"
    r"\s*(?P<punct>[:.\-–—]?)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_ROMAN_SUB = re.compile(r"^(?P<roman>[IVX]+)\.(?P<sub>\d{1,2})\.?\s+(?P<rest>\S.*)$")
_ROMAN = re.compile(r"^(?P<roman>[IVXLC]+)\s*[.\-–—)]\s*(?P<rest>\S.*)$")
_UPPER = re.compile(r"^(?P<letter>[A-ZĐ])\s*[.\-–—)]\s*(?P<rest>\S.*)$")
_ARABIC = re.compile(
    r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})(?![\d,])(?P<dot>\.?)"
    r"(?P<sep>\s*[-–—]\s*|\s+|(?<=\.)(?=[^\W\d_]))(?P<rest>\S.*)$"
)
_LOWER = re.compile(r"^(?P<letter>[a-zđ])\s?(?P<punct>[).])\s+(?P<rest>\S.*)$")
_COLON = re.compile(r":(?:\s|$)")
_FIGURE = re.compile(r"^[\"“(]?\d")
_EMPHASIS = re.compile(r"^[*_]+|[*_]+$")


@dataclass(frozen=True)
class Label:
    """A recognised heading label.

    ``kind`` is one of part, chapter, upper, roman, roman_sub, arabicN (N = number of
    components), lower, or styledN for unlabelled .docx Heading N paragraphs.
    """

    kind: str
    number: str
    ordinal: int
    parts: tuple[int, ...] = ()
    rest: str = ""
    alt_kind: str | None = None
    alt_ordinal: int = 0


def roman_value(text: str) -> int:
    """Value of a Roman numeral, or 0 when the letters do not form a canonical one."""
    total = 0
    prev = 0
    for char in reversed(text):
        value = _ROMAN_VALUES.get(char, 0)
        if not value:
            return 0
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total if to_roman(total) == text else 0


def to_roman(value: int) -> str:
    """Canonical Roman numeral (used to validate and to generate test documents)."""
    out = []
    for number, symbol in (
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while value >= number:
            out.append(symbol)
            value -= number
    return "".join(out)


def letter_ordinal(letter: str) -> int:
    """Position of a letter label; Đ sits between D and E as in Vietnamese lists."""
    upper = letter.upper()
    if upper == "Đ":
        return 4
    return LATIN.index(upper) + 1 if upper in LATIN else 0


def letter_follows(prev: str, cur: str) -> bool:
    """Whether ``cur`` is the letter after ``prev`` in the Latin or Vietnamese alphabet."""
    prev, cur = prev.upper(), cur.upper()
    for alphabet in (LATIN, VIETNAMESE):
        if prev in alphabet and cur in alphabet and alphabet.index(cur) == alphabet.index(prev) + 1:
            return True
    return False


def _part_label(match: re.Match[str]) -> Label | None:
    rest = match.group("rest").strip()
    punct = match.group("punct")
    if rest and not punct and not is_caps(rest):
        return None  # "Phần thứ hai của báo cáo ..." in running text
    word = "Phần" if match.group("word").lower() == "phần" else "Chương"
    kind = "part" if word == "Phần" else "chapter"
    if match.group("ord"):
        ordinal_word = match.group("ord").lower()
        ordinal = ORDINAL_WORDS.get(ordinal_word, 0)
        if not ordinal:
            return None
        number = f"{word} thứ {ordinal_word}"
    elif match.group("roman"):
        roman = match.group("roman").upper()
        ordinal = roman_value(roman)
        if not ordinal:
            return None
        number = f"{word} {roman}"
    else:
        ordinal = int(match.group("num"))
        number = f"{word} {ordinal}"
    return Label(kind, number, ordinal, (ordinal,), rest)


def _starts_figure(text: str) -> bool:
    """Text that begins with a figure ("85% số xã", "1.200 tỷ đồng")."""
    return bool(_FIGURE.match(text))


def figure_label(text: str) -> Label | None:
    """A numbered item whose text begins with a figure ("3. 85% số xã đạt …").

    Alone it cannot be told from a number in running text; the caller decides by the
    numbering sequence around it.  None when ``text`` is no such item (or a plain heading).
    """
    if recognise(text) is not None:
        return None
    return _recognise(text, figure_ok=True)


def recognise(text: str) -> Label | None:
    """The heading label that starts ``text`` (already cleaned), or None for body text."""
    return _recognise(text, figure_ok=False)


def _recognise(text: str, figure_ok: bool) -> Label | None:
    def opens(rest: str) -> bool:
        return starts_upper(rest) or (figure_ok and _starts_figure(rest))

    text = _EMPHASIS.sub("", text).strip()
    if not text:
        return None
    match = _PART.match(text)
    if match:
        return _part_label(match)
    match = _ROMAN_SUB.match(text)
    if match and opens(match.group("rest")):
        roman = match.group("roman")
        value = roman_value(roman)
        if value:
            sub = int(match.group("sub"))
            return Label("roman_sub", f"{roman}.{sub}", sub, (value, sub), match.group("rest"))
    match = _ROMAN.match(text)
    if match and opens(match.group("rest")):
        roman = match.group("roman")
        value = roman_value(roman) if roman_value(roman) < 40 else 0
        if len(roman) == 1 and roman in "LC":
            return Label("upper", roman, letter_ordinal(roman), rest=match.group("rest"))
        if value:
            alt = "upper" if len(roman) == 1 else None
            return Label(
                "roman",
                roman,
                value,
                (value,),
                match.group("rest"),
                alt_kind=alt,
                alt_ordinal=letter_ordinal(roman) if alt else 0,
            )
    match = _UPPER.match(text)
    if match and opens(match.group("rest")):
        letter = match.group("letter")
        return Label("upper", letter, letter_ordinal(letter), rest=match.group("rest"))
    match = _ARABIC.match(text)
    if match and opens(match.group("rest")):
        parts = tuple(int(p) for p in match.group("num").split("."))
        if len(parts) == 1 and not match.group("dot") and not match.group("sep").strip():
            return None  # "23 Theo số liệu…" is a footnote, "12" a page number
        if 0 in parts:
            return None
        return Label(
            f"arabic{len(parts)}", ".".join(map(str, parts)), parts[-1], parts, match.group("rest")
        )
    match = _LOWER.match(text)
    if match:
        rest = match.group("rest")
        if match.group("punct") == "." and not opens(rest):
            return None
        letter = match.group("letter")
        return Label("lower", letter, letter_ordinal(letter), rest=rest)
    return None


def split_title(rest: str) -> tuple[str, str]:
    """Title of a heading and the body text that runs on after it on the same line.

    The title stops at a colon followed by body text ("Cây lương thực: Tập trung …"); a
    numbered item written as a whole paragraph takes its first sentence as the title.
    """
    rest = _EMPHASIS.sub("", rest).strip()
    sentence_end = first_sentence_end(rest)
    colon = _COLON.search(rest)
    early = colon is not None and (sentence_end < 0 or colon.start() < sentence_end)
    if colon and early and _balanced(rest[: colon.start()]):
        title = rest[: colon.start()].strip()
        body = rest[colon.end() :].strip()
        if title:
            return title, body
    if sentence_end >= 0:
        return rest[:sentence_end].strip(), rest[sentence_end + 1 :].strip()
    return rest.rstrip(" .;,").strip(), ""


def _balanced(text: str) -> bool:
    """A colon inside an open parenthesis does not end a title."""
    return text.count("(") <= text.count(")")
