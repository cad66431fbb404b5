"""Benchmark of comment intake over real HTTP (not a test).

Runs the feedback service under uvicorn against a real database and, as a baseline in the
same run, a bare FastAPI app answering the same POST without touching a database. Prints
requests per second for both and their ratio. The embedded broker runs too, so the
outbox relay publishes while comments arrive, as in production.

Three variants in one run: the bare baseline, the feedback service committing each comment
in its own transaction (FEEDBACK_GROUP_COMMIT_MAX_BATCH=1), and with group commit. Load comes
from wrk when it is installed (Debian's package), else from httpx (which then caps all three).

Usage: python bench/bench_intake.py [REQUESTS] [CONCURRENCY] [DATABASE_URL]
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shared import migrate  # noqa: E402
from shared.broker import free_port, start_broker, wait_for_port  # noqa: E402

BASELINE_APP = """
from fastapi import FastAPI
from pydantic import BaseModel
import uuid
app = FastAPI()
class Body(BaseModel):
    document_id: uuid.UUID
    section_id: uuid.UUID | None = None
    text: str
@app.post("/api/comments", status_code=201)
async def create(body: Body) -> dict:
    return {"comment_id": str(uuid.uuid4()), "receipt": "ABCDE-FGHJK"}
"""


async def _seed_catalogue(url: str) -> tuple[str, str]:
    from services.feedback import service
    from shared.db import create_engine, session_factory, unit_of_work
    from tests.factories import document_state, published

    state = document_state()
    engine = create_engine(url)
    async with unit_of_work(session_factory(engine)) as session:
        await service.apply_document_events(session, [published(state)])
    await engine.dispose()
    return str(state.document_id), str(state.sections[1].id)


def _serve(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", *args, "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port("127.0.0.1", port, 30)
    return process


def _wrk(url: str, body: dict, seconds: int, concurrency: int) -> float:
    """Requests per second measured by wrk (a C load generator, not our own Python)."""
    import json
    import re

    script = Path(tempfile.mkdtemp()) / "post.lua"
    payload = json.dumps(body, ensure_ascii=False).replace("\\", "\\\\").replace('"', '\\"')
    script.write_text(
        f'wrk.method = "POST"\nwrk.body = "{payload}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n',
        encoding="utf-8",
    )
    out = subprocess.run(
        ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"some answers were not 201:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


async def _load(url: str, body: dict, requests: int, concurrency: int) -> float:
    """Requests per second for ``requests`` POSTs with ``concurrency`` in flight."""
    counter = iter(range(requests))
    async with httpx.AsyncClient(
        limits=httpx.Limits(max_connections=concurrency), timeout=120
    ) as client:
        for _ in range(20):  # warm up connections and caches
            await client.post(url, json=body)

        async def worker() -> None:
            for _ in counter:
                response = await client.post(url, json=body)
                assert response.status_code == 201, response.text

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return requests / (time.perf_counter() - started)


def measure(requests: int, concurrency: int, database_url: str | None = None) -> dict[str, Any]:
    """Requests per second of the baseline and both feedback variants, measured in one run."""
    broker = start_broker()  # the relay publishes as in production, on the same two cores
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{tmp}/feedback.db"
        migrate.upgrade("feedback", url)
        document_id, section_id = asyncio.run(_seed_catalogue(url))
        body = {
            "document_id": document_id,
            "section_id": section_id,
            "text": "Góp ý " + uuid.uuid4().hex,
        }
        baseline_file = Path(tmp) / "baseline_app.py"
        baseline_file.write_text(BASELINE_APP)
        results = {}
        for name, args, env in (
            ("bare FastAPI (baseline)", ["baseline_app:app", "--app-dir", tmp], {}),
            *(
                (
                    f"feedback, {label}",
                    ["services.feedback.main:create_app", "--factory"],
                    {
                        "FEEDBACK_DATABASE_URL": url,
                        "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
                        "FEEDBACK_RATE_LIMIT_PER_HOUR": "0",  # one client here: limit off
                        "FEEDBACK_GROUP_COMMIT_MAX_BATCH": batch,
                    },
                )
                for label, batch in (("commit per request", "1"), ("group commit", "200"))
            ),
        ):
            port = free_port()
            process = _serve(args, env, port)
            try:
                target = f"http://127.0.0.1:{port}/api/comments"
                if shutil.which("wrk"):
                    results[name] = _wrk(target, body, max(3, requests // 500), concurrency)
                else:
                    results[name] = asyncio.run(_load(target, body, requests, concurrency))
            finally:
                process.terminate()
                process.wait()
    broker.stop()
    baseline = results["bare FastAPI (baseline)"]
    return {
        "database": url.split(":")[0],
        "requests": requests,
        "concurrency": concurrency,
        "load": "wrk" if shutil.which("wrk") else "httpx",
        "requests_per_second": results,
        "x_baseline": {name: rate / baseline for name, rate in results.items()},
    }


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    result = measure(requests, concurrency, sys.argv[3] if len(sys.argv) > 3 else None)
    print(f"database: {result['database']}  requests: {requests}  concurrency: {concurrency}")
    for name, rate in result["requests_per_second"].items():
        ratio = result["x_baseline"][name]
        print(f"{name:32s} {rate:8.0f} req/s   {ratio:5.2f} x baseline")


if __name__ == "__main__":
    main()
