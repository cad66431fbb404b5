"""`make bench`: every performance figure of issue 15 in one run (not a test).

Starts what it needs itself: the embedded broker, throwaway PostgreSQL databases, the three
services as uvicorn processes with production settings, and a bare FastAPI app with the same
uvicorn settings as the baseline. Each ratio is taken against that baseline measured in the
same run on the same machine, so figures from different machines can be compared. Writes
``bench/results.json`` and prints a table.

Usage: python bench/run_all.py [--quick] [--seconds S] [--backlog N] [--burst-connections C]
                               [--connections C] [--tallies-comments N]
                               [--only aggregator|intake] [--profile FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (HERE, ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import bench_email_parse  # noqa: E402
import bench_tallies  # noqa: E402
import scenarios  # noqa: E402
from harness import Bench  # noqa: E402

RESULTS = HERE / "results.json"


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs (a couple of minutes)")
    parser.add_argument("--seconds", type=float, help="length of each load run")
    parser.add_argument("--backlog", type=int, help="events in the aggregator's backlog")
    parser.add_argument("--burst-connections", type=int, help="connections of the burst")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--tallies-comments", type=int, help="comments under the tallies read")
    parser.add_argument(
        "--only",
        choices=["aggregator", "intake"],
        help="a part: aggregator = the draft's import, then the backlog alone;"
        " intake = the JSON and form intake against the baseline (and peak RSS)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="py-spy raw profile of the backlog's run (of feedback's JSON run with --only intake)",
    )
    args = parser.parse_args(argv)
    args.seconds = args.seconds or (8 if args.quick else 30)
    args.backlog = args.backlog or (10_000 if args.quick else 200_000)
    args.burst_connections = args.burst_connections or (256 if args.quick else 1000)
    args.tallies_comments = args.tallies_comments or (100_000 if args.quick else 1_000_000)
    return args


def _machine() -> dict[str, Any]:
    load = os.getloadavg()
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load],
    }


async def run_all(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python bench/run_all.py " + " ".join(sys.argv[1:]),
        "machine": _machine(),
        "settings": {
            "seconds": args.seconds,
            "connections": args.connections,
            "backlog": args.backlog,
            "burst_connections": args.burst_connections,
            "tallies_comments": args.tallies_comments,
            "only": args.only,
        },
    }
    with tempfile.TemporaryDirectory(prefix="gopy-bench-") as tmp:
        async with Bench(Path(tmp)) as bench:
            results.update(await scenarios.import_draft(bench))
            limit = 60 if args.quick else 600
            if args.only == "aggregator":
                results.update(
                    await scenarios.aggregator_backlog(bench, args.backlog, limit, args.profile)
                )
                results["peak_rss_mb_end"] = bench.peak_rss_mb()
                return results
            intake_profile = args.profile if args.only == "intake" else None
            results.update(
                await scenarios.json_intake(bench, args.seconds, args.connections, intake_profile)
            )
            results.update(await scenarios.form_intake(bench, args.seconds, args.connections))
            results["peak_rss_mb"] = bench.peak_rss_mb()
            if args.only == "intake":
                results["peak_rss_mb_end"] = results["peak_rss_mb"]
                return results
            results.update(await scenarios.freshness(bench, args.seconds, results))
            results.update(await scenarios.burst(bench, args.seconds * 2, args.burst_connections))
            results.update(
                await scenarios.aggregator_backlog(bench, args.backlog, limit, args.profile)
            )
            results["peak_rss_mb_end"] = bench.peak_rss_mb()
    # Without the services: one process reading mail; the reviewers' reads on a loaded table.
    results.update(await asyncio.to_thread(bench_email_parse.measure, 5 if args.quick else 20))
    tallies = await asyncio.to_thread(bench_tallies.measure, args.tallies_comments, 0)
    results.update({k: v for k, v in tallies.items() if k.startswith("tallies_")})
    return results


ROWS = (
    ("baseline_post_rps", "bare FastAPI JSON POST, req/s", "{:,.0f}"),
    ("baseline_cpu_us_per_post", "  CPU µs per answer", "{:,}"),
    ("intake_post_rps", "feedback JSON POST (receipts/s)", "{:,.0f}"),
    ("intake_cpu_us_per_comment", "  CPU µs per comment (feedback's process)", "{:,}"),
    ("intake_relay_cpu_us_per_comment", "  CPU µs per comment (its relay process)", "{:,}"),
    ("intake_p50_ms", "  p50 latency, ms", "{:.1f}"),
    ("intake_p99_ms", "  p99 latency, ms", "{:.1f}"),
    ("intake_errors", "  errors (non-201, timeouts)", "{}"),
    ("intake_ratio", "intake_ratio (goal ≥ 0.5)", "{:.2f}"),
    ("baseline_form_rps", "bare FastAPI form POST, req/s", "{:,.0f}"),
    ("baseline_cpu_us_per_form", "  CPU µs per answer", "{:,}"),
    ("form_post_rps", "feedback form POST (303s/s)", "{:,.0f}"),
    ("form_cpu_us_per_comment", "  CPU µs per comment (feedback's process)", "{:,}"),
    ("form_relay_cpu_us_per_comment", "  CPU µs per comment (its relay process)", "{:,}"),
    ("form_errors", "  errors (non-303, timeouts)", "{}"),
    ("form_ratio", "form_ratio (goal ≥ 0.5)", "{:.2f}"),
    ("freshness_rate", "freshness: offered comments/s", "{:,.0f}"),
    ("freshness_p50_ms", "  receipt → tallied, p50 ms", "{:,.0f}"),
    ("freshness_p99_ms", "  receipt → tallied, p99 ms (goal ≤ 1000)", "{:,.0f}"),
    ("aggregator_backlog", "aggregator backlog, events", "{:,}"),
    ("aggregator_backlog_applied", "  applied when measured", "{:,}"),
    ("aggregator_events_per_s", "aggregator events/s (goal ≥ 20000)", "{:,.0f}"),
    ("aggregator_cpu_s_per_1000", "  aggregator CPU s per 1,000 events", "{:.3f}"),
    ("aggregator_clustered_per_s", "  counted and clustered, events/s", "{:,.0f}"),
    ("aggregator_cpu_s_per_1000_clustered", "  CPU s per 1,000 counted and clustered", "{:.3f}"),
    ("import_ms", "import largest seed, parse → published, ms", "{:,.0f}"),
    ("email_parse_per_s", "e-mail reader, messages/s, one process (goal ≥ 300)", "{:,.0f}"),
    ("email_parse_per_cpu_s", "  messages per CPU second", "{:,.0f}"),
    ("tallies_comments", "tallies read over comments", "{:,}"),
    ("tallies_p50_ms", "  tallies p50, ms", "{:.2f}"),
    ("tallies_p99_ms", "  tallies p99, ms", "{:.2f}"),
    ("burst_offered", "burst: requests answered", "{:,}"),
    ("burst_receipts", "  receipts (201)", "{:,}"),
    ("burst_refused", "  clean refusals (429/503 + Retry-After)", "{:,}"),
    ("burst_5xx", "  5xx", "{:,}"),
    ("burst_timeouts", "  timeouts / socket errors", "{:,}"),
    ("burst_receipts_counted", "  receipts counted by the aggregator", "{:,}"),
)


def table(results: dict[str, Any]) -> str:
    """The figures as a Markdown table (the one copied into docs/performance.md)."""
    lines = ["| figure | value |", "|---|---|"]
    for key, label, fmt in ROWS:
        if results.get(key) is not None:
            lines.append(f"| {label} | {fmt.format(results[key])} |")
    for name, mb in results.get("peak_rss_mb_end", {}).items():
        lines.append(f"| peak RSS {name}, MB (goal ≤ 200) | {mb:.0f} |")
    return "\n".join(lines)


def main() -> int:
    args = _arguments(sys.argv[1:])
    if args.only != "aggregator" and shutil.which("wrk") is None:
        # the intake scenarios' load generator: say so before anything is started
        print("wrk is not installed (Debian: apt-get install wrk); it generates the load.")
        return 2
    started = time.monotonic()
    results = asyncio.run(run_all(args))
    results["bench_seconds"] = round(time.monotonic() - started)
    print(f"{results['measured_at']}  {results['command']}")
    print(f"machine: {results['machine']}")
    print(table(results))
    if args.only:  # a part of the run: bench/results.json keeps the last whole one
        print(f"in {results['bench_seconds']} s")
        return 0
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)} in {results['bench_seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
