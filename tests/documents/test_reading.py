"""What one section's page shows, and the order pages are read in (no database needed)."""

from __future__ import annotations

import uuid

from services.documents import reading
from services.documents.models import Section

DOC = uuid.uuid4()


def _outline(*rows: tuple[str, int, int]) -> list[Section]:
    """(number, level, characters of body) in document order; parents found by level."""
    sections: list[Section] = []
    stack: list[Section] = []
    for position, (number, level, chars) in enumerate(rows):
        while stack and stack[-1].level >= level:
            stack.pop()
        section = Section(
            document_id=DOC,
            parent_id=stack[-1].id if stack else None,
            position=position,
            level=level,
            number=number,
            title=f"Tiêu đề {number}",
            path=[*(s.number for s in stack), number],
            anchor=f"muc-{position}",
            blocks=[{"kind": "paragraph", "text": "x" * chars}],
        )
        sections.append(section)
        stack.append(section)
    return sections


LONG = reading.INLINE_CHARS  # one such body makes its parent too long to show whole
SECTIONS = _outline(
    ("Phần thứ nhất", 1, 100),
    ("I", 2, LONG),
    ("1", 3, 100),
    ("a", 4, 100),
    ("b", 4, 100),
    ("2", 3, 100),
    ("II", 2, 100),
)


def _numbers(sections: list[Section]) -> list[str]:
    return [s.number for s in sections]


class TestReadingOrder:
    def test_a_short_subtree_is_one_page_and_a_long_one_is_split(self) -> None:
        assert _numbers(reading.reading_order(SECTIONS)) == ["Phần thứ nhất", "I", "1", "2", "II"]

    def test_a_section_shown_whole_carries_its_items(self) -> None:
        page = reading.section_page(SECTIONS, "muc-2")
        assert page is not None and page.whole
        assert _numbers(page.shown) == ["1", "a", "b"]
        assert _numbers(page.ancestors) == ["Phần thứ nhất", "I"]
        assert page.previous is not None and page.previous.number == "I"
        assert page.next is not None and page.next.number == "2"

    def test_a_long_part_shows_its_own_text_and_lists_its_children(self) -> None:
        page = reading.section_page(SECTIONS, "muc-0")
        assert page is not None and not page.whole
        assert _numbers(page.shown) == ["Phần thứ nhất"]
        assert _numbers(page.children) == ["I", "II"]
        assert page.previous is None

    def test_an_item_inside_a_whole_section_steps_through_the_document(self) -> None:
        page = reading.section_page(SECTIONS, "muc-3")  # "a", shown whole on the page of "1"
        assert page is not None
        assert page.previous is not None and page.previous.number == "1"
        assert page.next is not None and page.next.number == "b"
        last = reading.section_page(SECTIONS, "muc-6")
        assert last is not None and last.next is None

    def test_an_unknown_anchor_has_no_page(self) -> None:
        assert reading.section_page(SECTIONS, "muc-khong-co") is None

    def test_a_heading_prints_its_number_once(self) -> None:
        assert reading.heading_label(SECTIONS[2]) == "1. Tiêu đề 1"
