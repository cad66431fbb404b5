"""The parser against an outline written by hand, not copied from the parser's output.

HAND-CHECKED: ``expected/hand/002_09586b55cf7290dc.outline`` was written by reading every
candidate line of seed 002 (every line starting with something label-like, every all-caps
line) and deciding, as a reviewer would, whether it is a heading, its number, title and
place.  The other files in ``expected/`` are the parser's own output, byte for byte; they
catch regressions, this one catches mistakes.  The text seed, and the same seed as a PDF,
must both reach F1 = 1.0 against it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from services.documents.parsing import outline_records, parse_file

HERE = Path(__file__).parent
HAND = HERE / "expected" / "hand"
_ENTRY = re.compile(r"^(?P<indent> *)(?P<line>\d+) \| (?P<number>[^|]+?) \| (?P<title>.+)$")


def read_hand_outline(path: Path) -> list[dict[str, Any]]:
    """Records of DESIGN.md section 6 from the indented hand-written outline."""
    records: list[dict[str, Any]] = []
    stack: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        match = _ENTRY.match(raw)
        assert match, f"bad line in {path.name}: {raw!r}"
        level = len(match.group("indent")) // 2 + 1
        assert level <= len(stack) + 1, f"indent skips a level: {raw!r}"
        del stack[level - 1 :]
        stack.append(match.group("number"))
        records.append(
            {
                "line": int(match.group("line")),
                "level": level,
                "number": match.group("number"),
                "title": match.group("title"),
                "path": list(stack),
            }
        )
    return records


def f1(expected: list[dict[str, Any]], actual: list[dict[str, Any]], with_line: bool) -> float:
    """F1 over whole headings: number, title, level and path (and line when asked)."""

    def key(record: dict[str, Any]) -> tuple[Any, ...]:
        base = (record["number"], record["title"], record["level"], tuple(record["path"]))
        return (record["line"], *base) if with_line else base

    wanted, got = [key(r) for r in expected], [key(r) for r in actual]
    hits = sum(min(wanted.count(k), got.count(k)) for k in set(wanted))
    if not hits:
        return 0.0
    precision, recall = hits / len(got), hits / len(wanted)
    return 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def hand_002() -> list[dict[str, Any]]:
    return read_hand_outline(HAND / "002_09586b55cf7290dc.outline")


class TestHandCheckedSeed002:
    def test_the_hand_outline_is_well_formed(self, hand_002: list[dict[str, Any]]) -> None:
        lines = [r["line"] for r in hand_002]
        assert lines == sorted(set(lines))
        assert len(hand_002) == 94
        source = (HERE / "fixtures" / "002_09586b55cf7290dc.txt").read_text(encoding="utf-8")
        rows = source.splitlines()
        for record in hand_002:
            assert rows[record["line"] - 1].lower().startswith(record["number"].lower())

    def test_text_seed_matches_heading_for_heading(self, hand_002: list[dict[str, Any]]) -> None:
        actual = outline_records(parse_file(HERE / "fixtures" / "002_09586b55cf7290dc.txt"))
        assert actual == hand_002
        assert f1(hand_002, actual, with_line=True) == 1.0

    def test_pdf_of_the_seed_matches_too(self, hand_002: list[dict[str, Any]]) -> None:
        actual = outline_records(parse_file(HERE / "fixtures" / "pdf" / "002_styled.pdf"))
        assert f1(hand_002, actual, with_line=False) == 1.0


def test_f1_counts_misses_and_extras() -> None:
    expected = [
        {"line": n, "level": 1, "number": str(n), "title": "t", "path": [str(n)]} for n in (1, 2)
    ]
    assert f1(expected, expected[:1], with_line=True) == pytest.approx(2 / 3)
    assert f1(expected, expected + [dict(expected[0], line=9)], with_line=True) == pytest.approx(
        0.8
    )
    assert f1(expected, [], with_line=False) == 0.0
