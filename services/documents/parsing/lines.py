"""Source lines of a plain-text draft: PDF-extract detection and footnote spotting.

PDF extracts (seed-style) break every ~80 characters with a blank line between physical
lines; pages end with a rule of spaces followed by the page's footnotes, and a new page
starts with a line indented by one space right after a text line.  Footnotes are body text,
never headings, and must not split the paragraph they interrupt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Table
from .text import clean, ends_terminal, starts_lower, starts_upper

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_START = re.compile(rf"^([{_SUPERSCRIPTS}]+)\s*\S")
_PLAIN_NOTE = re.compile(r"^\(?(\d{1,3})\)?\s*(\S.*)$")
_GLUED_MARK = re.compile(r"[^\W\d_](\d{1,2})(?=[\s,.;:)]|$)|\w\((\d{1,2})\)")
_RULE_MIN = 10


@dataclass
class RawLine:
    """One physical line of the source."""

    no: int
    raw: str
    text: str
    footnote: bool = False
    note_start: bool = False
    in_table: bool = False
    joins: bool | None = None
    glue: str = " "


@dataclass
class LogLine:
    """One logical line (a reflowed paragraph, a footnote or a rebuilt table)."""

    text: str
    line: int
    kind: str = "text"
    table: Table | None = None
    style_level: int | None = None
    emphasis: bool = False


def split_source(text: str) -> list[RawLine]:
    """Physical lines numbered from 1, as an editor shows them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [RawLine(i + 1, raw, clean(raw)) for i, raw in enumerate(text.split("\n"))]


def superscript_value(text: str) -> int:
    """Numeric value of leading superscript digits (¹³ → 13), 0 if none."""
    match = _SUPER_START.match(text)
    if not match:
        return 0
    return int("".join(str(_SUPERSCRIPTS.index(c)) for c in match.group(1)))


def is_wrapped(lines: list[RawLine]) -> bool:
    """Whether the text is a PDF extract with hard line breaks inside paragraphs."""
    texts = [ln.text for ln in lines if len(ln.text) >= 15]
    if len(texts) < 20:
        return False
    lengths = sorted(len(t) for t in texts)
    if lengths[int(len(lengths) * 0.9)] > 140:
        return False
    nonblank = [ln.text for ln in lines if ln.text]
    runs = sum(
        1
        for prev, nxt in zip(nonblank, nonblank[1:], strict=False)
        if not ends_terminal(prev) and starts_lower(nxt)
    )
    return runs >= 0.25 * len(nonblank)


def typical_width(lines: list[RawLine]) -> float:
    """The usual length of a full physical line (75th percentile)."""
    lengths = sorted(len(ln.text) for ln in lines if len(ln.text) >= 20 and not ln.footnote)
    return float(lengths[int(len(lengths) * 0.75)]) if lengths else 80.0


def _page_start(lines: list[RawLine], i: int) -> bool:
    """A line indented by a space right after a text line opens a new PDF page."""
    return (
        i > 0
        and lines[i].raw[:1] in (" ", "\u00a0")
        and bool(lines[i].text)
        and bool(lines[i - 1].text)
    )


def _is_rule(line: RawLine) -> bool:
    return not line.text and len(line.raw) >= _RULE_MIN and line.raw.strip(" ") == ""


def mark_footnotes(lines: list[RawLine], wrapped: bool) -> None:
    """Flag footnote lines: page-bottom blocks in PDF extracts, ``¹³ …`` and ``23 Theo …``."""
    if wrapped:
        _mark_page_notes(lines)
    last = 0
    marks: set[int] = set()
    prev = ""
    for line in lines:
        if line.text and not line.in_table:
            before, prev = prev, line.text
        else:
            before = prev
        if line.footnote:
            match = _PLAIN_NOTE.match(line.text)
            if line.note_start and match:
                last = max(last, int(match.group(1)))
            continue
        if not line.text or line.in_table:
            continue
        value = superscript_value(line.text)
        if value:
            line.footnote = line.note_start = True
            last = max(last, value)
            continue
        match = _PLAIN_NOTE.match(line.text)
        if match and not line.text.startswith("(") and starts_upper(match.group(2)):
            number = int(match.group(1))
            expected = number == last + 1 or (number > last and number in marks)
            if expected and (not wrapped or ends_terminal(before)):
                line.footnote = line.note_start = True
                last = number
                continue
        for glued in _GLUED_MARK.finditer(line.text):
            marks.add(int(glued.group(1) or glued.group(2)))


def _mark_page_notes(lines: list[RawLine]) -> None:
    """Everything between a rule of spaces and the next page's first line is footnotes."""
    i = 0
    while i < len(lines):
        if not _is_rule(lines[i]):
            i += 1
            continue
        end = next((j for j in range(i + 1, min(len(lines), i + 80)) if _page_start(lines, j)), -1)
        if end < 0:
            end = i + 1
            while end < min(len(lines), i + 12) and (not lines[end].text or _note_like(lines[end])):
                end += 1
        for j in range(i + 1, end):
            if lines[j].text:
                lines[j].footnote = True
                lines[j].note_start = _note_like(lines[j])
        i = max(end, i + 1)


def _note_like(line: RawLine) -> bool:
    """A line that opens a footnote: a small number or ``(n)`` followed by text."""
    return bool(superscript_value(line.text)) or bool(
        re.match(r"^\(?\d{1,3}\)?\s*[^\W\d_]", line.text)
    )
