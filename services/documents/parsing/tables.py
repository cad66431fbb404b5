"""Rebuild appendix tables that text extraction flattened to one cell per line.

A table starts at its "STT"/"TT" header cell (sometimes split one letter per line); the
header cells give the column count.  Rows are then cut at the next expected row label
(A, B …; I, II …; 1, 2 … continuing across groups) and, inside a group, every
column-count cells, so that each indicator row can be cited later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .headings import letter_follows, recognise, roman_value
from .lines import RawLine
from .model import Table

_HEADER_START = re.compile(r"^(?:STT|TT|Số\s*TT)\.?$", re.IGNORECASE)
_END_WORDS = re.compile(r"góp ý|đóng góp|ý kiến|Nơi nhận|Trên đây|Kính gửi", re.IGNORECASE)


@dataclass
class FoundTable:
    """A rebuilt table and the source lines it covered (0-based, end exclusive)."""

    start: int
    end: int
    table: Table


def find_tables(lines: list[RawLine]) -> list[FoundTable]:
    """All flattened tables of the source, marking their lines as table lines."""
    found: list[FoundTable] = []
    i = 0
    while i < len(lines):
        header_len = _header_start(lines, i)
        if header_len:
            result = _read_table(lines, i, header_len)
            if result is not None:
                found.append(result)
                for line in lines[result.start : result.end]:
                    line.in_table = True
                i = result.end
                continue
        i += 1
    return found


def _cells_from(lines: list[RawLine], start: int) -> list[tuple[int, str]]:
    """Cells after ``start``: every non-empty source line, NBSP-only lines being empty cells."""
    return [(j, ln.text) for j in range(start, len(lines)) if (ln := lines[j]).raw != ""]


def _header_start(lines: list[RawLine], i: int) -> int:
    """Number of source cells forming the STT header cell at line i (0 if none)."""
    if _HEADER_START.match(lines[i].text):
        return 1
    if len(lines[i].text) != 1:
        return 0
    letters = [ln.text for ln in lines[i : i + 8] if ln.raw != ""][:3]
    if len(letters) == 3 and "".join(letters).upper() == "STT":
        return 3
    return 0


def _is_prose(text: str) -> bool:
    """A line that is running text again, so the table has ended."""
    if len(text) > 160 or "@" in text or _END_WORDS.search(text):
        return True
    if text.endswith(".") and len(text.split()) >= 8:
        return True
    label = recognise(text)
    return label is not None and len(label.rest.split()) >= 4


def _row_label(cell: str, state: dict[str, str]) -> str | None:
    """The kind of row label ``cell`` is, if it is the next one expected."""
    value = cell.rstrip(".")
    if re.fullmatch(r"\d{1,3}", value) and int(value) == int(state.get("num", "0")) + 1:
        return "num"
    if (
        re.fullmatch(r"[IVX]+", value)
        and roman_value(value) == roman_value(state.get("roman", "")) + 1
    ):
        return "roman"
    if re.fullmatch(r"[A-ZĐ]", value):
        prev = state.get("letter")
        if (prev is None and value == "A") or (prev is not None and letter_follows(prev, value)):
            return "letter"
    return None


def _opens_row(cells: list[tuple[int, str]], pos: int, state: dict[str, str]) -> bool:
    """A row label is followed by the row's name (letters), unlike a data value."""
    following = cells[pos + 1][1] if pos + 1 < len(cells) else ""
    return _row_label(cells[pos][1], state) is not None and sum(c.isalpha() for c in following) > 1


def _read_table(lines: list[RawLine], start: int, header_len: int) -> FoundTable | None:
    cells = _cells_from(lines, start)
    header = ["STT"] if header_len == 3 else [cells[0][1]]
    pos = header_len
    state: dict[str, str] = {}
    while pos < len(cells) and not _opens_row(cells, pos, state):
        if _is_prose(cells[pos][1]):
            return None
        if cells[pos][1]:
            header.append(cells[pos][1])
        pos += 1
    columns = len(header)
    if columns < 3 or pos >= len(cells):
        return None
    groups: list[list[str]] = []
    end = cells[pos][0]
    while pos < len(cells):
        index, text = cells[pos]
        if _is_prose(text):
            break
        kind = _row_label(text, state)
        if kind is not None and _opens_row(cells, pos, state):
            state[kind] = text.rstrip(".")
            groups.append([])
        groups[-1].append(text)
        end = index + 1
        pos += 1
    rows = [header]
    for group in groups:
        rows.extend(_split_group(group, columns))
    return FoundTable(start, end, Table(rows))


def _split_group(cells: list[str], columns: int) -> list[list[str]]:
    """Cut one labelled group into rows of ``columns`` cells, dropping empty rows."""
    first = cells[:columns]
    rows = [first]
    rest = cells[columns:]
    for k in range(0, len(rest), columns):
        rows.append(rest[k : k + columns])
    out = []
    for row in rows:
        if not any(row):
            continue
        out.append(row + [""] * (columns - len(row)))
    return out
