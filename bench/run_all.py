"""`make bench`: run the benchmarks and write their figures to bench/results.json (not a test).

Each figure is a ratio against a baseline measured in the same run on the same machine, so
results from different machines can be compared. Today: comment intake (bench_intake.py).

Usage: python bench/run_all.py [REQUESTS] [CONCURRENCY] [DATABASE_URL]

Without DATABASE_URL it uses a throwaway PostgreSQL database at 127.0.0.1:5432 when one is
reachable (as production does; SQLite locks under concurrent writers), else SQLite.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import platform
import socket
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import bench_intake  # noqa: E402
from sqlalchemy import text  # noqa: E402

from shared.db import create_engine  # noqa: E402

POSTGRES = ("127.0.0.1", 5432)


async def _admin(statement: str) -> None:
    engine = create_engine(
        f"postgresql+asyncpg://{POSTGRES[0]}:{POSTGRES[1]}/postgres", isolation_level="AUTOCOMMIT"
    )
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@contextlib.contextmanager
def throwaway_database() -> Iterator[str | None]:
    """A fresh PostgreSQL database for one run, dropped after; None when none is reachable."""
    try:
        socket.create_connection(POSTGRES, timeout=1).close()
    except OSError:
        yield None
        return
    name = f"gopy_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+asyncpg://{POSTGRES[0]}:{POSTGRES[1]}/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run_all(argv: list[str]) -> dict[str, Any]:
    requests = int(argv[0]) if argv else 1000
    concurrency = int(argv[1]) if len(argv) > 1 else 16
    with throwaway_database() as scratch:
        database_url = argv[2] if len(argv) > 2 else scratch
        return {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            "intake": bench_intake.measure(requests, concurrency, database_url),
        }


def main() -> int:
    results = run_all(sys.argv[1:])
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name, ratio in results["intake"]["x_baseline"].items():
        rate = results["intake"]["requests_per_second"][name]
        print(f"{name:32s} {rate:8.0f} req/s   {ratio:5.2f} x baseline")
    print(f"written to {RESULTS.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
