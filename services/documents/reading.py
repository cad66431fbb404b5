"""Section by section: what one section's public page shows, and the order pages are read in.

A section whose whole subtree is short (a "1.3" with its items a, b, c) is shown whole on
its page; a long one (a Part) shows its own text and links to its sub-sections. The
previous/next links walk these reading units, so a reader never meets the same text twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from services.documents.models import Section

# About 8 screens of a 375-px phone: above this, a page lists its sub-sections instead.
INLINE_CHARS = 12_000


@dataclass
class SectionPage:
    """Everything a section's page needs, computed once from the flat ordered sections."""

    section: Section
    ancestors: list[Section]
    children: list[Section]
    shown: list[Section]  # the section and, when shown whole, its descendants in order
    whole: bool
    previous: Section | None
    next: Section | None
    descendants: int = 0


@dataclass
class _Outline:
    by_id: dict[uuid.UUID, Section]
    children: dict[uuid.UUID | None, list[Section]] = field(default_factory=dict)
    size: dict[uuid.UUID, int] = field(default_factory=dict)


def _block_chars(blocks: Sequence[Any]) -> int:
    total = 0
    for block in blocks or []:
        if block.get("kind") == "table":
            total += sum(len(cell or "") for row in block.get("rows", []) for cell in row)
        else:
            total += len(block.get("text", ""))
    return total


def _outline(sections: Sequence[Section]) -> _Outline:
    outline = _Outline(by_id={s.id: s for s in sections})
    for s in sections:
        parent = s.parent_id if s.parent_id in outline.by_id else None
        outline.children.setdefault(parent, []).append(s)
    for s in reversed(sections):  # children come after their parent in document order
        own = len(s.title) + _block_chars(s.blocks)
        outline.size[s.id] = own + sum(outline.size[c.id] for c in outline.children.get(s.id, []))
    return outline


def _shown_whole(outline: _Outline, section: Section) -> bool:
    return outline.size[section.id] <= INLINE_CHARS


def reading_order(sections: Sequence[Section]) -> list[Section]:
    """The pages in reading order: a section shown whole is one page, its parts are not."""
    outline = _outline(sections)
    order: list[Section] = []

    def walk(nodes: list[Section]) -> None:
        for node in nodes:
            order.append(node)
            if not _shown_whole(outline, node):
                walk(outline.children.get(node.id, []))

    walk(outline.children.get(None, []))
    return order


def _subtree(outline: _Outline, section: Section) -> list[Section]:
    out = [section]
    for child in outline.children.get(section.id, []):
        out.extend(_subtree(outline, child))
    return out


def section_page(sections: Sequence[Section], anchor: str) -> SectionPage | None:
    """The page of the section with this anchor, or None when the draft has no such section."""
    target = next((s for s in sections if s.anchor == anchor), None)
    if target is None:
        return None
    outline = _outline(sections)
    ancestors: list[Section] = []
    parent = outline.by_id.get(target.parent_id) if target.parent_id else None
    while parent is not None:
        ancestors.insert(0, parent)
        parent = outline.by_id.get(parent.parent_id) if parent.parent_id else None
    whole = _shown_whole(outline, target)
    subtree = _subtree(outline, target)
    order = [s.id for s in reading_order(sections)]
    if target.id in order:
        at = order.index(target.id)
        previous = outline.by_id[order[at - 1]] if at > 0 else None
        following = outline.by_id[order[at + 1]] if at + 1 < len(order) else None
    else:  # a part of a section shown whole: step through the document itself
        at = [s.id for s in sections].index(target.id)
        previous = sections[at - 1] if at > 0 else None
        after = at + len(subtree)
        following = sections[after] if after < len(sections) else None
    return SectionPage(
        section=target,
        ancestors=ancestors,
        children=outline.children.get(target.id, []),
        shown=subtree if whole else [target],
        whole=whole,
        previous=previous,
        next=following,
        descendants=len(subtree) - 1,
    )


def heading_label(section: Section) -> str:
    """A heading as printed once: '1.3. Title', or 'Phần thứ hai. Title'."""
    number = section.number.rstrip(".")
    return f"{number}. {section.title}" if number else section.title
