"""Benchmark of the mail reader on the test corpus, one process (not a test).

Reads every .eml of tests/feedback/mail/corpus as one batch against the corpus draft,
N times over (a fresh duplicate state per pass, so every pass does the same work), and
prints messages parsed per second of wall-clock time and of this process's CPU time (the
second is the steadier figure on a shared machine).  The catalogue is built once, as the
service does.

Usage: python bench/bench_email_parse.py [N]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.documents.parsing import parse_file  # noqa: E402
from services.feedback.mail import DedupState, read_message  # noqa: E402
from services.feedback.mail.draft import catalogue_from_document  # noqa: E402

MAIL = ROOT / "tests" / "feedback" / "mail"


def measure(passes: int = 20) -> dict[str, float | int]:
    """Messages per second through the reader, wall-clock and CPU time, best of three."""
    catalogue = catalogue_from_document(parse_file(MAIL / "draft_dienbien_2020.txt"))
    messages = [p.read_bytes() for p in sorted((MAIL / "corpus").glob("*.eml"))]
    for raw in messages:  # warm-up: imports, compiled expressions
        read_message(raw, catalogue, DedupState())
    best = best_cpu = float("inf")
    for _ in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(passes):
            seen = DedupState()
            for raw in messages:
                read_message(raw, catalogue, seen)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    count = passes * len(messages)
    without = [m for m in messages if b"application/pdf" not in m and b".docx" not in m]
    start = time.perf_counter()
    for _ in range(passes):
        seen = DedupState()
        for raw in without:
            read_message(raw, catalogue, seen)
    plain = time.perf_counter() - start
    return {
        "email_corpus_messages": len(messages),
        "email_corpus_sections": len(catalogue.entries),
        "email_parse_passes": passes,
        "email_parse_per_s": round(count / best),
        "email_parse_per_cpu_s": round(count / best_cpu),
        "email_parse_plain_per_s": round(passes * len(without) / plain),
    }


def main() -> None:
    passes = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    r = measure(passes)
    print(
        f"corpus: {r['email_corpus_messages']} messages, {r['email_corpus_sections']} sections, "
        f"N={passes}"
    )
    print(
        f"all messages:            {r['email_parse_per_s']:8.0f} messages/s "
        f"({1000 / float(r['email_parse_per_s']):.2f} ms)"
    )
    print(f"all messages, CPU time:  {r['email_parse_per_cpu_s']:8.0f} messages per CPU second")
    print(f"without .docx/.pdf:      {r['email_parse_plain_per_s']:8.0f} messages/s")


if __name__ == "__main__":
    main()
