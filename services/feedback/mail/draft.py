"""A catalogue from a parsed draft (used by the CLI, which may read the draft file itself).

The feedback service proper builds its catalogue from ``documents.v1`` events instead:
services never read each other's tables, and this module only takes a parsed document.
"""

from __future__ import annotations

from typing import Any

from .catalogue import TABLE_CELL_SEPARATOR, Catalogue, CatalogueEntry


def section_text(blocks: list[Any]) -> str:
    """Paragraph texts, and table rows as cells joined by the catalogue's separator."""
    lines: list[str] = []
    for block in blocks:
        rows = getattr(block, "rows", None)
        if rows is not None:
            lines += [TABLE_CELL_SEPARATOR.join(cell for cell in row) for row in rows]
        else:
            lines.append(str(getattr(block, "text", "")))
    return "\n".join(lines)


def catalogue_from_document(document: Any) -> Catalogue:
    """Entries ``(id, path, number, title, text)`` for each section of a parsed draft."""
    entries = [
        CatalogueEntry.build(
            str(index),
            list(section.path),
            section.number,
            section.title,
            section_text(section.blocks),
        )
        for index, section in enumerate(document.sections)
    ]
    return Catalogue(entries)
