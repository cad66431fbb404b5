"""Build the section tree from recognised headings and check the document's numbering.

Levels come from the nesting actually built: a heading closes every open heading of the
same or a lower rank, so a skipped level (numbered items straight under a Part) is skipped
in the path as well.  Numbering mistakes keep the printed label but are placed by meaning
and reported as Vietnamese warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .headings import Label, letter_follows, to_roman
from .model import Block, Section

DEFAULT_ORDER = [
    "part",
    "chapter",
    "upper",
    "roman",
    "roman_sub",
    "arabic1",
    "arabic2",
    "arabic3",
    "arabic4",
    "lower",
]
_STYLED = {1: "part", 2: "upper", 3: "roman", 4: "arabic1", 5: "arabic2", 6: "arabic3"}


@dataclass
class _Open:
    """A heading still open on the stack, with the last child seen per kind."""

    section: Section
    kind: str
    label: Label
    ordinal: int
    children: dict[str, tuple[Label, int]] = field(default_factory=dict)


class TreeBuilder:
    """Consumes headings and body blocks in document order."""

    def __init__(self) -> None:
        self.order = list(DEFAULT_ORDER)
        self.stack: list[_Open] = []
        self.root_children: dict[str, tuple[Label, int]] = {}
        self.sections: list[Section] = []
        self.preamble: list[Block] = []
        self.warnings: list[str] = []
        self.seen: set[str] = set()

    def rank(self, kind: str) -> int:
        """Position of a label kind in this document's hierarchy."""
        if kind.startswith("styled"):
            kind = _STYLED.get(int(kind[6:]), "lower")
        return self.order.index(kind)

    def add_block(self, block: Block) -> None:
        """Body text goes to the innermost open heading (or the preamble)."""
        if self.stack:
            self.stack[-1].section.blocks.append(block)
        else:
            self.preamble.append(block)

    def add_heading(self, label: Label, line: int, title: str) -> Section:
        """Place one heading; returns its section so the caller can attach run-on text."""
        kind, ordinal = self._resolve_kind(label)
        self._maybe_reorder(kind, ordinal)
        self._pop_to(self.rank(kind))
        if kind.startswith("arabic") and len(label.parts) > 1:
            kind, ordinal = self._check_prefix(label, kind, ordinal, line)
        self._check_sequence(label, kind, ordinal, line)
        self.seen.add(kind)
        path = [entry.section.number for entry in self.stack] + [label.number]
        section = Section(line=line, level=len(path), number=label.number, title=title, path=path)
        self.stack.append(_Open(section, kind, label, ordinal))
        self.sections.append(section)
        return section

    def continues(self, label: Label) -> bool | None:
        """Whether ``label`` would be the next item of its kind where it would be placed.

        None when no item of its kind has been seen there yet (only a following "2" can then
        confirm a "1"); False when its prefix does not match the heading above it.
        """
        rank = self.rank(label.kind)
        if len(label.parts) > 1:
            parent = next((e for e in reversed(self.stack) if self.rank(e.kind) < rank), None)
            if parent is None or parent.label.parts != label.parts[:-1]:
                return False
        prev = self._siblings_after_pop(rank).get(label.kind)
        if prev is None:
            return None
        return prev[1] + 1 == label.ordinal

    def _resolve_kind(self, label: Label) -> tuple[str, int]:
        """A lone I, V or X is a Roman numeral unless a letter sequence expects it."""
        if label.alt_kind != "upper":
            return label.kind, label.ordinal
        siblings = self._siblings_after_pop(self.rank("upper"))
        prev_upper = siblings.get("upper")
        prev_roman = siblings.get("roman")
        letter_fits = prev_upper is not None and letter_follows(prev_upper[0].number, label.number)
        roman_fits = prev_roman is not None and prev_roman[1] + 1 == label.ordinal
        if letter_fits and not roman_fits:
            return "upper", label.alt_ordinal
        return label.kind, label.ordinal

    def _siblings_after_pop(self, rank: int) -> dict[str, tuple[Label, int]]:
        for entry in reversed(self.stack):
            if self.rank(entry.kind) < rank:
                return entry.children
        return self.root_children

    def _maybe_reorder(self, kind: str, ordinal: int) -> None:
        """Letters first met inside a Roman or numbered heading rank below it (I > A > 1)."""
        if kind != "upper" or kind in self.seen or ordinal != 1 or not self.stack:
            return
        top = self.stack[-1].kind
        if top.startswith("styled") or top in ("part", "chapter", "lower"):
            return
        if self.rank(top) > self.rank(kind):
            self.order.remove(kind)
            self.order.insert(self.order.index(top) + 1, kind)

    def _pop_to(self, rank: int) -> None:
        while self.stack and self.rank(self.stack[-1].kind) >= rank:
            self.stack.pop()

    def _check_prefix(self, label: Label, kind: str, ordinal: int, line: int) -> tuple[str, int]:
        """A dotted number whose prefix does not match its parent ("1.2" after "7.4")."""
        if not self.stack or not self.stack[-1].kind.startswith("arabic"):
            return kind, ordinal
        parent = self.stack[-1]
        if parent.label.parts == label.parts[:-1]:
            return kind, ordinal
        ancestor = next(
            (e for e in reversed(self.stack) if not e.kind.startswith(("arabic", "lower"))), None
        )
        if (
            ancestor is not None
            and ancestor.kind in ("upper", "roman", "roman_sub")
            and (label.parts[-1] == ancestor.ordinal + 1)
        ):
            self.warnings.append(
                f"Dòng {line}: mục “{label.number}” không khớp với mục cha"
                f" “{parent.section.number}”; được xếp ngang hàng với mục"
                f" “{ancestor.section.number}” theo nội dung"
                f" (có thể là “{_next_label(ancestor)}”)."
            )
            while self.stack and self.stack[-1] is not ancestor:
                self.stack.pop()
            self.stack.pop()
            return ancestor.kind, label.parts[-1]
        self.warnings.append(
            f"Dòng {line}: số hiệu “{label.number}” không khớp với mục cha"
            f" “{parent.section.number}”."
        )
        return kind, ordinal

    def _check_sequence(self, label: Label, kind: str, ordinal: int, line: int) -> None:
        """Warn about gaps, repeats and sequences that do not start at 1."""
        children = self.stack[-1].children if self.stack else self.root_children
        prev = children.get(kind)
        children[kind] = (label, ordinal)
        if kind.startswith("styled"):
            return
        if prev is None:
            if ordinal != 1:
                self.warnings.append(
                    f"Dòng {line}: mục “{label.number}” mở đầu một cấp nhưng không đánh số từ 1"
                    " (có thể thiếu mục phía trước)."
                )
            return
        prev_label, prev_ordinal = prev
        if kind == "upper" and letter_follows(prev_label.number, label.number):
            return
        if ordinal == prev_ordinal + 1:
            return
        if ordinal == prev_ordinal:
            self.warnings.append(f"Dòng {line}: số mục “{label.number}” bị lặp lại.")
        else:
            self.warnings.append(
                f"Dòng {line}: mục “{label.number}” đứng sau mục “{prev_label.number}”"
                " — đánh số không liên tục."
            )


def _next_label(entry: _Open) -> str:
    """The label the misnumbered heading most likely stands for."""
    nxt = entry.ordinal + 1
    if entry.kind == "roman":
        return to_roman(nxt)
    if entry.kind == "roman_sub":
        return f"{to_roman(entry.label.parts[0])}.{nxt}"
    if entry.kind == "upper":
        return chr(ord("A") + nxt - 1)
    return str(nxt)
