"""Turn physical source lines into logical lines (paragraphs, footnotes, tables).

In PDF extracts a line ending mid-sentence joins the next one; elsewhere each line is a
paragraph, except that a line starting in lowercase continues an unfinished previous one.
The logical line keeps the number of its first physical line so that a heading's ``line``
still points into the source.
"""

from __future__ import annotations

import re

from .headings import figure_label, recognise
from .lines import LogLine, RawLine
from .tables import FoundTable
from .text import ends_terminal, starts_lower, starts_upper

_BULLET = re.compile(r"^(?:[-+*•–]\s|\(\d{1,2}\)|(?:Một|Hai|Ba|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười) là,)")


def opens_item(text: str) -> bool:
    """Lines that start a new paragraph by their look: headings, bullets, "Một là," items."""
    return bool(_BULLET.match(text)) or recognise(text) is not None


def _join_wrapped(prev: str, nxt: str, width: float) -> bool:
    """Whether a PDF-extract line continues the paragraph of the previous line."""
    full = len(prev) >= 0.8 * width
    terminal = ends_terminal(prev)
    if opens_item(nxt):
        return full and not terminal
    if terminal and figure_label(nxt) is not None:
        return False  # "3. 85% số xã …" after a finished sentence: maybe an item, decided later
    if not terminal:
        return full or not starts_upper(nxt)
    if starts_lower(nxt):
        return True
    if prev.rstrip().endswith((":", ";")):
        return False
    return len(prev) >= 0.9 * width


def _join_plain(prev: str, nxt: str) -> bool:
    """Outside PDF extracts only a lowercase start continues an unfinished line.

    A heading line is complete there, so the paragraph after it is never glued on.
    """
    return (
        not ends_terminal(prev)
        and starts_lower(nxt)
        and not opens_item(nxt)
        and recognise(prev) is None
    )


def reflow(
    lines: list[RawLine], tables: list[FoundTable], wrapped: bool, width: float
) -> list[LogLine]:
    """Logical lines in document order."""
    table_at = {found.start: found for found in tables}
    out: list[LogLine] = []
    pending: list[LogLine] = []
    current: LogLine | None = None
    last_physical = ""
    blank_run = 0

    def flush() -> None:
        nonlocal current
        if current is not None:
            out.append(current)
            current = None
        out.extend(pending)
        pending.clear()

    for line in lines:
        if line.no - 1 in table_at:
            flush()
            found = table_at[line.no - 1]
            out.append(LogLine("", line.no, "table", found.table))
            continue
        if line.in_table:
            continue
        if not line.text:
            blank_run += 1
            continue
        if line.footnote:
            if line.note_start or not pending:
                pending.append(LogLine(line.text, line.no, "footnote"))
            else:
                pending[-1].text += line.glue + line.text
            continue
        if current is not None:
            if line.joins is not None:
                join = line.joins  # decided from the page layout (PDF)
            elif wrapped:
                join = _join_wrapped(last_physical, line.text, width)
            else:
                join = blank_run <= 2 and _join_plain(current.text, line.text)
            if join:
                current.text += line.glue + line.text
                last_physical = line.text
                blank_run = 0
                continue
        flush()
        current = LogLine(line.text, line.no)
        last_physical = line.text
        blank_run = 0
    flush()
    return out
