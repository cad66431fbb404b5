"""Match the sections of a revised draft to those of the version before it.

A matched section keeps its id, so comments and tallies filed under it carry over. The
order of evidence: the same path and title, a similar title, the same path with a
resembling title or text, a similar text.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from services.documents.models import Section
from services.documents.parsing import Paragraph
from services.documents.parsing import Section as ParsedSection
from shared.text import fold

TITLE_SIMILARITY = 0.75
TEXT_SIMILARITY = 0.6
PATH_SUPPORT = 0.5
TEXT_SAMPLE = 600


@dataclass
class MatchReport:
    """For each new position, the old section id it continues (or None), and how."""

    matched: dict[int, uuid.UUID] = field(default_factory=dict)
    how: dict[int, str] = field(default_factory=dict)
    unmatched_old: list[uuid.UUID] = field(default_factory=list)


def _old_text(section: Section) -> str:
    return fold(" ".join(str(b.get("text", "")) for b in section.blocks))[:TEXT_SAMPLE]


def _new_text(section: ParsedSection) -> str:
    return fold(" ".join(b.text for b in section.blocks if isinstance(b, Paragraph)))[:TEXT_SAMPLE]


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def match_sections(old: Sequence[Section], new: Sequence[ParsedSection]) -> MatchReport:
    report = MatchReport()
    free_old = {s.id: s for s in old}

    def take(position: int, old_id: uuid.UUID, how: str) -> None:
        report.matched[position] = old_id
        report.how[position] = how
        free_old.pop(old_id)

    by_path_title = {(tuple(s.path), fold(s.title)): s.id for s in old}
    for i, s in enumerate(new):
        old_id = by_path_title.get((tuple(s.path), fold(s.title)))
        if old_id in free_old:
            take(i, old_id, "path_title")  # type: ignore[arg-type]

    def title_score(n: ParsedSection, o: Section) -> float:
        return _similarity(fold(n.title), fold(o.title))

    def text_score(n: ParsedSection, o: Section) -> float:
        return _similarity(_new_text(n), _old_text(o))

    def same_path_score(n: ParsedSection, o: Section) -> float:
        """A section kept at its place whose title or text still resembles the old one."""
        if tuple(n.path) != tuple(o.path):
            return 0.0
        return 1.0 if max(title_score(n, o), text_score(n, o)) >= PATH_SUPPORT else 0.0

    for how, threshold, score in (
        ("title", TITLE_SIMILARITY, title_score),
        ("path", 1.0, same_path_score),
        ("text", TEXT_SIMILARITY, text_score),
    ):
        candidates = sorted(
            (
                (score(s, o), i, o.id)
                for i, s in enumerate(new)
                if i not in report.matched
                for o in free_old.values()
            ),
            key=lambda c: -c[0],
        )
        for value, i, old_id in candidates:
            if value < threshold:
                break
            if i not in report.matched and old_id in free_old:
                take(i, old_id, how)
    report.unmatched_old = [s.id for s in old if s.id in free_old]
    return report
