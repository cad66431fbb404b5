"""Parsing pipeline: source lines → logical lines → title block, sections, invitation."""

from __future__ import annotations

from .headings import Label, figure_label, recognise, split_title
from .invitation import extract_invitation
from .lines import LogLine, is_wrapped, mark_footnotes, split_source, typical_width
from .metadata import closing_title, extract_header
from .model import Block, Paragraph, ParsedDocument, Table
from .reflow import reflow
from .tables import find_tables
from .text import clean, is_caps, nfc
from .tree import TreeBuilder

_LONG_TITLE = 500
_LOOKAHEAD = 400


def parse_text(text: str) -> ParsedDocument:
    """Parse a plain-text draft (web page copy, .docx export or PDF extract)."""
    lines = split_source(nfc(text))
    tables = find_tables(lines)
    wrapped = is_wrapped([ln for ln in lines if not ln.in_table])
    mark_footnotes(lines, wrapped)
    width = typical_width(lines)
    return assemble(reflow(lines, tables, wrapped, width))


def _label_of(log: LogLine) -> Label | None:
    if log.kind != "text":
        return None
    label = recognise(log.text)
    if label is None and log.style_level is not None:
        return Label(f"styled{log.style_level}", clean(log.text), 0, rest=log.text)
    return label


def _figure_of(log: LogLine) -> Label | None:
    if log.kind != "text" or log.style_level is not None:
        return None
    return figure_label(log.text)


def _next_of_kind(
    builder: TreeBuilder,
    labels: list[Label | None],
    candidates: list[Label | None],
    start: int,
    after: Label,
) -> Label | None:
    """The next item of ``after``'s kind before the document leaves its parent's level.

    Plain headings count; a figure-led candidate counts only as the very next number.
    """
    rank = builder.rank(after.kind)
    end = min(len(labels), start + _LOOKAHEAD)
    for j in range(start, end):
        label = labels[j]
        if label is None:
            candidate = candidates[j]
            if candidate is not None and candidate.kind == after.kind:
                if candidate.ordinal == after.ordinal + 1:
                    return candidate
            continue
        if label.kind == after.kind:
            return label
        if builder.rank(label.kind) < rank:
            return None
    return None


def _figure_heading(
    builder: TreeBuilder,
    log: LogLine,
    labels: list[Label | None],
    candidates: list[Label | None],
    index: int,
) -> bool:
    """Whether a figure-led item ("3. 85% số xã …") is a heading: its sequence says so.

    It must continue the numbering of its siblings ("2" before it), or, as the first of its
    kind, be followed by its "2"; and no real item with its own number may follow.  Bold
    type (a PDF's heading signal) counts when the next item confirms it.
    """
    label = candidates[index]
    assert label is not None
    fits = builder.continues(label)
    if fits is False and not log.emphasis:
        return False
    nxt = _next_of_kind(builder, labels, candidates, index + 1, label)
    if nxt is not None and nxt.ordinal == label.ordinal:
        return False
    confirmed = nxt is not None and nxt.ordinal == label.ordinal + 1
    if fits is None:
        return label.ordinal == 1 and confirmed
    return fits or (log.emphasis and confirmed)


def _block_of(log: LogLine) -> Block:
    if log.kind == "table" and log.table is not None:
        return Table(log.table.rows)
    return Paragraph(log.text)


def _subtitle(logs: list[LogLine], labels: list[Label | None], start: int, part: bool) -> list[int]:
    """Indices of the all-caps lines continuing a heading's title (a Part's subtitle)."""
    taken: list[int] = []
    for j in range(start, min(len(logs), start + 4)):
        log = logs[j]
        if log.kind != "text" or labels[j] is not None or log.style_level is not None:
            break
        if is_caps(log.text) and len(log.text) <= 200:
            taken.append(j)
            continue
        if part and not taken and len(log.text) <= 120 and not log.text.endswith((".", ";")):
            taken.append(j)
        break
    return taken


def assemble(logs: list[LogLine]) -> ParsedDocument:
    """Build the document from logical lines (shared by the text and .docx readers)."""
    labels = [_label_of(log) for log in logs]
    first = next((i for i, label in enumerate(labels) if label is not None), len(logs))
    candidates = [
        label if label is not None or i < first else _figure_of(logs[i])
        for i, label in enumerate(labels)
    ]
    header = logs[:first]
    metadata, title, used = extract_header(header)
    builder = TreeBuilder()
    for i, log in enumerate(header):
        if i not in used:
            builder.add_block(_block_of(log))
    i = first
    while i < len(logs):
        log, label = logs[i], labels[i]
        if (
            label is None
            and candidates[i] is not None
            and _figure_heading(builder, log, labels, candidates, i)
        ):
            label = candidates[i]
        i += 1
        if label is None:
            builder.add_block(_block_of(log))
            continue
        rest = label.rest.strip()
        extra: list[int] = []
        is_part = label.kind in ("part", "chapter")
        if is_part and not rest.strip(" :.-–"):
            extra = _subtitle(logs, labels, i, part=True)
        elif is_caps(rest) and label.kind in ("part", "chapter", "upper", "roman", "roman_sub"):
            extra = _subtitle(logs, labels, i, part=False)
        if extra:
            rest = " ".join([rest.strip(" :.-–")] + [logs[j].text for j in extra]).strip()
            i = extra[-1] + 1
        if label.kind.startswith("styled"):
            heading_title, body = label.number, ""
        else:
            heading_title, body = split_title(rest)
        section = builder.add_heading(label, log.line, heading_title)
        if len(heading_title) > _LONG_TITLE:
            builder.warnings.append(
                f"Dòng {log.line}: tiêu đề mục “{label.number}” rất dài — cần kiểm tra lại."
            )
        if body:
            section.blocks.append(Paragraph(body))
    outside, inside = _split_for_invitation(logs, first)
    if not title:
        title = closing_title(logs) or _fallback_title(builder)
    return ParsedDocument(
        title=title,
        metadata=metadata,
        preamble=builder.preamble,
        sections=builder.sections,
        invitation=extract_invitation(outside, inside),
        warnings=builder.warnings,
    )


def _fallback_title(builder: TreeBuilder) -> str:
    """First preamble paragraph, else the first heading's title."""
    for block in builder.preamble:
        if isinstance(block, Paragraph) and block.text:
            return block.text[:200]
    return builder.sections[0].title if builder.sections else ""


def _split_for_invitation(logs: list[LogLine], first: int) -> tuple[list[str], list[str]]:
    """Texts before the first heading or after the body's end, and the rest."""
    end = len(logs)
    for k in range(len(logs) - 1, first - 1, -1):
        if logs[k].kind == "table" or "./." in logs[k].text:
            end = k + 1
            break
    outside = [log.text for log in logs[:first] + logs[end:] if log.kind != "table"]
    inside = [log.text for log in logs[first:end] if log.kind != "table"]
    return outside, inside
