"""Benchmark of the document parser on the largest seed draft (not a test).

Times ``parse_text`` over N repetitions and, as a baseline measured in the same run, a plain
``text.splitlines()`` + NFC normalisation pass, then prints both and their ratio.

Usage: python bench/bench_import.py [N]
"""

from __future__ import annotations

import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.documents.parsing import parse_text  # noqa: E402

FIXTURES = ROOT / "tests" / "documents" / "parsing" / "fixtures"


def _largest_seed() -> Path:
    return max(FIXTURES.glob("*.txt"), key=lambda p: p.stat().st_size)


def _time(func: object, text: str, repeat: int) -> float:
    """Best-of-3 mean seconds per call, so one noisy run does not dominate."""
    assert callable(func)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            func(text)
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def _baseline(text: str) -> list[str]:
    return [unicodedata.normalize("NFC", line) for line in text.splitlines()]


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    path = _largest_seed()
    text = path.read_text(encoding="utf-8")
    parse_text(text)  # warm-up: compile regular expressions
    parse = _time(parse_text, text, repeat)
    base = _time(_baseline, text, repeat)
    sections = len(parse_text(text).sections)
    print(
        f"seed: {path.name} ({len(text):,} chars, {text.count(chr(10)) + 1:,} lines, "
        f"{sections} sections), N={repeat}"
    )
    print(f"parse_text:             {parse * 1000:9.2f} ms/run")
    print(f"splitlines + NFC:       {base * 1000:9.2f} ms/run")
    print(f"ratio parse / baseline: {parse / base:9.1f}x")


if __name__ == "__main__":
    main()
