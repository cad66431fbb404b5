"""Which section a message is about, and its text cut into one comment per section.

Explicit labels ("mục 1.3 phần thứ hai") resolve against the catalogue's paths; a label
that fits several sections is narrowed by the context (the subject, or a Part named
earlier in the message).  Quoted titles and phrases, long titles written out and appendix
indicators by name are found too.  An explicit reference that fits no section, or several,
is a problem for a clerk; weak signals (a title or phrase found in several places) are not.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass, field
from itertools import permutations

from .catalogue import Catalogue, CatalogueEntry
from .references import (
    LabelReference,
    Token,
    find_label_references,
    label_keys,
    roman_value,
)
from .text import fold_same_length

_QUOTED = re.compile(r"[“\"«„]([^”\"»“\n]{8,300})[”\"»“]")
_LEADING_LABEL = re.compile(r"^(?:(?:phan|muc|diem)\s+)?(?:[ivxl]+|\d+(?:\.\d+)*|[a-z])[.)\-–:]\s*")
_APPENDIX = re.compile(
    r"\bphu luc(?:\s+(?:so\s+)?(\d{1,2}|[ivxl]{1,5}|[a-z])\b)?|\bbieu so\s+(\d{1,2})\b"
)
_INDICATOR_CUE = re.compile(r"chi tieu|phu luc|bieu|bang|so lieu")
_MIN_PREAMBLE = 150


@dataclass
class Mention:
    """A place in the text that names one or more sections."""

    start: int
    display: str
    entries: list[CatalogueEntry]
    explicit: bool


@dataclass
class Resolution:
    """Comments by section (None: the whole document) or the problems a clerk must settle."""

    comments: list[tuple[CatalogueEntry | None, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _skipped(catalogue: Catalogue, index: int, tokens: tuple[Token, ...]) -> int | None:
    """Levels of the section's path the reference leaves unnamed, or None if it does not fit.

    One token names the section itself, every other one a distinct ancestor.
    """
    keys = catalogue.path_keys[index]
    if not keys:
        return None
    own, ancestors = keys[-1], keys[:-1]
    for i, token in enumerate(tokens):
        if not token.keys & own:
            continue
        rest = tokens[:i] + tokens[i + 1 :]
        if len(rest) > len(ancestors):
            continue
        if not rest:
            return len(ancestors)
        for chosen in permutations(range(len(ancestors)), len(rest)):
            if all(t.keys & ancestors[a] for t, a in zip(rest, chosen, strict=True)):
                return len(ancestors) - len(rest)
    return None


def _label_candidates(
    catalogue: Catalogue, ref: LabelReference, following: str
) -> list[CatalogueEntry]:
    """Sections the reference fits, fewest unnamed levels first; a title after it decides."""
    indices = {i for t in ref.tokens for k in t.keys for i in catalogue.by_own_key.get(k, ())}
    fits = []
    for index in sorted(indices):
        skipped = _skipped(catalogue, index, ref.tokens)
        if skipped is not None:
            fits.append((skipped, catalogue.entries[index]))
    if len(fits) > 1:
        titled = [(n, e) for n, e in fits if _starts_with_title(following, e.folded_title)]
        if len(titled) == 1:
            return [titled[0][1]]
    if not fits:
        return []
    fewest = min(n for n, _ in fits)
    return [e for n, e in fits if n == fewest]


def _starts_with_title(following: str, title: str) -> bool:
    """Whether the words after a reference repeat the section's title ("mục 3.4 Lĩnh vực…")."""
    text = following.lstrip(' :.-–—,"“(')
    shared = len(os.path.commonprefix([title, text[: len(title) + 5]]))
    return len(title) >= 5 and shared >= min(len(title), 15)


def _narrow(
    catalogue: Catalogue, candidates: list[CatalogueEntry], context: list[CatalogueEntry]
) -> list[CatalogueEntry]:
    """Candidates under the nearest context section that leaves exactly one."""
    for ancestor in context:
        inside = [c for c in candidates if catalogue.is_within(c, ancestor) and c != ancestor]
        if len(inside) == 1:
            return inside
    return candidates


def _with_ancestors(catalogue: Catalogue, entries: list[CatalogueEntry]) -> list[CatalogueEntry]:
    """Each entry followed by its ancestors, nearest first: the context to narrow by."""
    by_path = {e.path: e for e in catalogue.entries}
    out: list[CatalogueEntry] = []
    for entry in entries:
        for depth in range(len(entry.path), 0, -1):
            ancestor = by_path.get(entry.path[:depth])
            if ancestor is not None and ancestor not in out:
                out.append(ancestor)
    return out


def _where(entries: list[CatalogueEntry]) -> str:
    return "; ".join(" › ".join(e.path) for e in entries[:5])


def _phrase(text: str) -> str:
    folded = " ".join(fold_same_length(text).split()).strip(" .,;:!?…-")
    return _LEADING_LABEL.sub("", folded)


def _quoted_mentions(catalogue: Catalogue, text: str) -> list[Mention]:
    mentions = []
    for match in _QUOTED.finditer(text):
        phrase = _phrase(match.group(1))
        if len(phrase) < 8:
            continue
        titles = [
            e
            for e in catalogue.entries
            if e.folded_title
            and (e.folded_title == phrase or (len(phrase) >= 15 and phrase in e.folded_title))
        ]
        display = match.group(1).strip()
        exact = [e for e in titles if e.folded_title == phrase]
        titles = exact or titles
        if titles:
            mentions.append(Mention(match.start(), display, titles, explicit=True))
            continue
        if len(phrase) >= 20:
            bodies = [e for e in catalogue.entries if phrase in e.folded_text]
            if len(bodies) == 1:
                mentions.append(Mention(match.start(), display, bodies, explicit=True))
    return mentions


def _title_mentions(catalogue: Catalogue, folded: str) -> list[Mention]:
    """Long section titles written out without quotes; kept only where unique."""
    mentions = []
    flat = folded.replace("\n", " ")
    for entry in catalogue.long_titles:
        at = flat.find(entry.folded_title)
        if at >= 0:
            mentions.append(Mention(at, entry.title, [entry], explicit=False))
    by_title: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_title.setdefault(mention.entries[0].folded_title, []).append(mention)
    return [m[0] for m in by_title.values() if len(m) == 1]


_HEADING_COPY = re.compile(
    r"^[ \t>*•+\-–]*(?:(?:mục|muc|phần|phan|điểm|diem)\s+)?"
    r"(?P<label>[IVXLC]{1,6}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ])\s*[.)\-–:]\s*(?P<rest>\S.{9,})$",
    re.MULTILINE | re.IGNORECASE,
)


def _heading_copy_mentions(catalogue: Catalogue, text: str) -> list[Mention]:
    """A line that starts with a heading copied from the draft ("1.3. Tập trung đầu tư…")."""
    mentions = []
    for match in _HEADING_COPY.finditer(text):
        keys = label_keys(match.group("label"))
        rest = " ".join(fold_same_length(match.group("rest")).split())
        found = []
        for index in sorted({i for k in keys for i in catalogue.by_own_key.get(k, ())}):
            title = catalogue.entries[index].folded_title
            shared = len(os.path.commonprefix([title, rest]))
            if len(title) >= 10 and shared >= min(len(title), 20):
                found.append(catalogue.entries[index])
        if len(found) == 1:
            mentions.append(Mention(match.start("label"), found[0].title, found, explicit=False))
    return mentions


def _appendix_mentions(catalogue: Catalogue, folded: str) -> list[Mention]:
    mentions = []
    for match in _APPENDIX.finditer(folded):
        word = match.group(1) or match.group(2)
        number: object = ""
        if word:
            number = int(word) if word.isdigit() else (roman_value(word) or word)
        named = [
            e
            for i, e in enumerate(catalogue.entries)
            if any(k[0] == "appendix" and (not number or k[1] == number)
                   for k in (catalogue.path_keys[i][-1] if catalogue.path_keys[i] else ()))
        ]  # fmt: skip
        if not named and len(catalogue.with_tables) == 1 and number in ("", 1):
            named = list(catalogue.with_tables)
        display = f"phụ lục {word}" if word else "phụ lục"
        if named or number:
            mentions.append(Mention(match.start(), display, named, explicit=bool(number)))
    if _INDICATOR_CUE.search(folded):
        flat = folded.replace("\n", " ")
        for name, entry in catalogue.indicators:
            at = flat.find(name)
            if at >= 0:
                mentions.append(Mention(at, name, [entry], explicit=False))
    return mentions


def find_mentions(
    catalogue: Catalogue, text: str, context: list[CatalogueEntry] | None = None
) -> list[Mention]:
    """Every mention of a section in ``text``, in order, labels narrowed by context."""
    folded = fold_same_length(text)
    context = list(context or [])
    mentions: list[Mention] = []
    for ref in find_label_references(text, folded):
        following = " ".join(folded[ref.end : ref.end + 120].split())
        candidates = _label_candidates(catalogue, ref, following)
        if len(candidates) > 1:
            nearby = [m.entries[0] for m in reversed(mentions) if len(m.entries) == 1]
            candidates = _narrow(
                catalogue, candidates, _with_ancestors(catalogue, nearby + context)
            )
        mentions.append(Mention(ref.start, ref.display, candidates, explicit=True))
    mentions += _quoted_mentions(catalogue, text)
    mentions += _appendix_mentions(catalogue, folded)
    mentions += _title_mentions(catalogue, folded)
    mentions += _heading_copy_mentions(catalogue, text)
    mentions.sort(key=lambda m: m.start)
    return mentions


def problems_of(mentions: list[Mention]) -> list[str]:
    """Vietnamese reasons for explicit references that fit no section or several."""
    problems = []
    for m in mentions:
        if not m.explicit or len(m.entries) == 1:
            continue
        if not m.entries:
            problems.append(f"Không tìm thấy “{m.display}” trong dự thảo.")
        else:
            problems.append(
                f"“{m.display}” có thể là {len(m.entries)} mục khác nhau ({_where(m.entries)})."
            )
    return problems


def resolve_sections(catalogue: Catalogue, subject: str, text: str) -> Resolution:
    """Cut ``text`` into comments by the sections it names (the subject's if it names none)."""
    subject_mentions = find_mentions(catalogue, subject)
    subject_entries = _unique([m.entries[0] for m in subject_mentions if len(m.entries) == 1])
    body = find_mentions(catalogue, text, context=subject_entries)
    problems = problems_of(body)
    if not any(len(m.entries) == 1 for m in body):
        problems = problems or problems_of(subject_mentions)
    if problems:
        return Resolution(problems=problems)
    resolved = [m for m in body if len(m.entries) == 1]
    named = [m.entries[0] for m in subject_mentions if m.explicit and len(m.entries) == 1]
    if named and not any(m.explicit for m in resolved):
        # The subject names the section; a title or indicator met in the body only counts
        # when it lies inside what the subject names.
        resolved = [m for m in resolved if any(catalogue.is_within(m.entries[0], e) for e in named)]
    if not resolved:
        if not subject_entries:
            return Resolution(comments=[(None, text)])
        return Resolution(comments=[(e, text) for e in subject_entries])
    if len(_unique([m.entries[0] for m in resolved])) == 1:
        return Resolution(comments=[(resolved[0].entries[0], text)])
    return Resolution(comments=_split(catalogue, text, resolved))


def _unique(entries: list[CatalogueEntry]) -> list[CatalogueEntry]:
    seen: list[CatalogueEntry] = []
    for entry in entries:
        if entry not in seen:
            seen.append(entry)
    return seen


_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[\"“(\-–]?[A-ZĐÀ-Ỹ0-9])")


def _units(text: str, mentions: list[Mention]) -> list[tuple[str, int, str]]:
    """Lines, and the sentences of a line that names more than one section.

    Each unit is (text, offset in ``text``, what joins it to the unit before).
    """
    units: list[tuple[str, int, str]] = []
    offset = 0
    for line in text.split("\n"):
        end = offset + len(line)
        named = {m.entries[0].id for m in mentions if offset <= m.start < end}
        pieces: list[tuple[str, int]] = [(line, offset)]
        if len(named) > 1:
            pieces, at = [], 0
            for cut in _SENTENCE.finditer(line):
                pieces.append((line[at : cut.start()], offset + at))
                at = cut.end()
            pieces.append((line[at:], offset + at))
        for i, (piece, start) in enumerate(pieces):
            units.append((piece, start, " " if i else "\n"))
        offset = end + 1
    return units


def _split(
    catalogue: Catalogue, text: str, mentions: list[Mention]
) -> list[tuple[CatalogueEntry | None, str]]:
    """One comment per section: each line (or sentence) goes to the section named last."""
    units = _units(text, mentions)
    starts = [start for _, start, _ in units]
    named_in: dict[int, list[CatalogueEntry]] = {}
    for m in mentions:
        row = bisect.bisect_right(starts, m.start) - 1
        if m.entries[0] not in named_in.setdefault(row, []):
            named_in[row].append(m.entries[0])
    segments: list[tuple[tuple[CatalogueEntry, ...], list[tuple[str, str]]]] = [((), [])]
    for row, (unit, _, joiner) in enumerate(units):
        named = tuple(named_in.get(row, ()))
        if named and named != segments[-1][0]:
            segments.append((named, []))
            joiner = "\n"
        segments[-1][1].append((joiner, unit))
    texts = ["".join(j + u for j, u in seg).strip() for _, seg in segments]
    preamble = texts[0]
    kept = []
    for i in range(1, len(segments)):
        named, body = segments[i][0], texts[i]
        following = segments[i + 1][0] if i + 1 < len(segments) else ()
        is_heading = len(body) < 60 and body.count("\n") <= 1
        if (
            is_heading
            and following
            and all(catalogue.is_within(f, n) for f in following for n in named)
        ):
            continue  # "Phần thứ hai:" introducing its own sub-sections
        kept.append((named, body))
    by_entry: dict[str, tuple[CatalogueEntry, list[str]]] = {}
    for named, body in kept:
        for entry in named:
            by_entry.setdefault(entry.id, (entry, []))[1].append(body)
    comments: list[tuple[CatalogueEntry | None, str]] = []
    if len(preamble) >= _MIN_PREAMBLE:
        comments.append((None, preamble))
    comments += [(entry, "\n\n".join(bodies)) for entry, bodies in by_entry.values()]
    return comments
