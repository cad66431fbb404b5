"""Benchmark: importing the largest seed draft as PDF, against its .txt in the same run.

Times ``parse_pdf`` (in process, as the ``outline`` command does), ``parse_pdf_isolated``
(the upload path: a child process with time and memory limits) and, as the baseline,
``parse_text`` on the same seed's text.  Best of N runs each; prints ms and ratios.

Usage: python bench/bench_import_pdf.py [N]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.documents.parsing.pdf_isolated import parse_pdf_isolated  # noqa: E402

from services.documents.parsing import parse_pdf, parse_text  # noqa: E402

FIXTURES = ROOT / "tests" / "documents" / "parsing" / "fixtures"
LARGEST_SEED = "000_e341ae35a8b646af"
PDF = FIXTURES / "pdf" / "000_running.pdf"


def _best(func: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall and CPU time of ``repeat`` calls, in seconds (the machine is shared).

    CPU time is this process's own: it leaves out the child of the isolated path.
    """
    wall = cpu = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    text = (FIXTURES / f"{LARGEST_SEED}.txt").read_text(encoding="utf-8")
    data = PDF.read_bytes()
    sections = len(parse_pdf(data).sections)  # warm-up, and a check that it parses
    assert sections == len(parse_text(text).sections)
    txt = _best(lambda: parse_text(text), repeat)
    pdf = _best(lambda: parse_pdf(data), repeat)
    isolated = _best(lambda: parse_pdf_isolated(data), repeat)
    print(
        f"seed {LARGEST_SEED}: {len(text):,} chars of text; {PDF.name}: {len(data):,} bytes, "
        f"{sections} sections; best of {repeat}"
    )
    print("                                  wall ms    CPU ms   wall ratio")
    print(f"parse_text (.txt baseline)       {txt[0] * 1000:8.1f}  {txt[1] * 1000:8.1f}")
    for name, (wall, cpu) in (
        ("parse_pdf (in process)", pdf),
        ("parse_pdf_isolated (upload)", isolated),
    ):
        shown_cpu = f"{cpu * 1000:8.1f}" if name.startswith("parse_pdf (") else "   child"
        print(f"{name:<32} {wall * 1000:8.1f}  {shown_cpu}  {wall / txt[0]:8.1f}x")


if __name__ == "__main__":
    main()
