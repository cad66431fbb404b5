"""What a benchmark run stands on: broker, throwaway databases, the services, the baseline.

The services run as ``tests.stack`` runs them (real uvicorn processes, one per service, the
production image's flags) but with production settings: default relay interval, limits on,
warnings-only logs. The baseline is a bare FastAPI app under the same uvicorn flags.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
from sqlalchemy import text

from shared import migrate
from shared.broker import EmbeddedBroker, free_port, start_broker, wait_for_port
from shared.db import create_engine
from tests.stack import SERVICES, Stack

PG = "127.0.0.1:5432"
ROOT = Path(__file__).resolve().parents[1]

BASELINE_APP = '''
"""The bare baseline: the same POSTs, parsed by FastAPI and answered, no database."""
import uuid
from typing import Annotated

from fastapi import FastAPI, Form
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

app = FastAPI()


class Body(BaseModel):
    document_id: uuid.UUID
    section_id: uuid.UUID | None = None
    text: str


@app.post("/api/comments", status_code=201)
async def create(body: Body) -> dict:
    return {"comment_id": str(uuid.uuid4()), "receipt": "ABCDE-FGHJK"}


@app.post("/comments")
async def form(
    document_id: Annotated[str, Form()] = "",
    section_id: Annotated[str, Form()] = "",
    form_token: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
) -> RedirectResponse:
    return RedirectResponse(f"/comments/received/{uuid.uuid4()}", status_code=303)
'''

# Production settings, except what one load generator on one address needs: every request
# comes from 127.0.0.1 with no cookie, so the per-address, per-page and per-browser hourly
# limits (which it would reach at once) are raised; the burst scenario turns them back on.
PRODUCTION = {
    "LOG_LEVEL": "WARNING",
    "FEEDBACK_RATE_LIMIT_PER_HOUR": "100000000",
    "FEEDBACK_RATE_LIMIT_PER_PAGE_HOUR": "100000000",
    "FEEDBACK_RATE_LIMIT_PER_BROWSER_HOUR": "100000000",
    # the global rate too: the benchmark measures how fast intake goes, not the policy
    "FEEDBACK_RATE_LIMIT_GLOBAL_PER_MINUTE": "0",
}


async def _admin(*statements: str) -> None:
    engine = create_engine(f"postgresql+asyncpg://{PG}/postgres", isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


class Bench:
    """Async context: everything started on entry, everything stopped and dropped on exit."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        run = uuid.uuid4().hex[:8]
        self.names = {s: f"gopy_bench_{s}_{run}" for s in SERVICES}
        self.urls = {s: f"postgresql+asyncpg://{PG}/{n}" for s, n in self.names.items()}
        self.broker: EmbeddedBroker | None = None
        self.stack: Stack | None = None
        self.baseline: subprocess.Popen[bytes] | None = None
        self.baseline_url = ""
        self.client = httpx.AsyncClient(timeout=60)
        self.document_id = ""  # the draft every scenario comments on (import_draft sets it)
        self.sections: list[str] = []

    async def __aenter__(self) -> Bench:
        await _admin(*(f'CREATE DATABASE "{n}"' for n in self.names.values()))
        for service, url in self.urls.items():
            await asyncio.to_thread(migrate.upgrade, service, url)
        self.broker = start_broker()
        prefix = f"b{uuid.uuid4().hex[:8]}."
        self.stack = Stack(self.urls, self.broker.bootstrap, prefix, self.workdir, **PRODUCTION)
        for service in SERVICES:  # the production relay interval, not the tests' 0.05 s
            self.stack.env.pop(f"{service.upper()}_RELAY_INTERVAL_SECONDS", None)
        await asyncio.to_thread(self.stack.start)
        self._start_baseline()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.client.aclose()
        if self.baseline is not None:
            self.baseline.terminate()
            self.baseline.wait(timeout=20)
        if self.stack is not None:
            try:
                self.stack.stop()
            except subprocess.TimeoutExpired:
                # A service still busy after 20 s (the aggregator with a backlog): its work
                # is thrown away with the databases; the run's figures must not be.
                self.stack.stop(kill=True)
            await self.stack.aclose()
        if self.broker is not None:
            self.broker.stop()
        await _admin(*(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in self.names.values()))

    def _start_baseline(self) -> None:
        (self.workdir / "baseline_app.py").write_text(BASELINE_APP, encoding="utf-8")
        port = free_port()
        self.baseline = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "baseline_app:app", "--app-dir", str(self.workdir)]
            + ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
            + ["--no-proxy-headers", "--timeout-graceful-shutdown", "5", "--log-level", "warning"],
            cwd=ROOT,
            env=dict(os.environ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port("127.0.0.1", port, 30)
        self.baseline_url = f"http://127.0.0.1:{port}"

    # -- reading the services ---------------------------------------------------------------
    @property
    def s(self) -> Stack:
        assert self.stack is not None
        return self.stack

    def url(self, service: str) -> str:
        return self.s.url(service)

    def pid(self, service: str) -> int:
        """The process id of a running service (its CPU time is read from /proc)."""
        process = self.s.processes[service].process
        assert process is not None, f"{service} is not running"
        return process.pid

    @property
    def baseline_pid(self) -> int:
        assert self.baseline is not None
        return self.baseline.pid

    async def tallies_by_section(self, document_id: str) -> dict[str, int]:
        """The aggregator's count per section id (its own API, as a reviewer reads it)."""
        response = await self.client.get(
            f"{self.url('aggregator')}/api/documents/{document_id}/tallies", headers=self.s.auth
        )
        response.raise_for_status()
        return {str(row["section_id"]): int(row["total"]) for row in response.json()}

    def peak_rss_mb(self) -> dict[str, float]:
        """Each service's peak resident memory so far (VmHWM), in MB."""
        peaks: dict[str, float] = {}
        for name, process in self.s.processes.items():
            if process.process is None:
                continue
            pid = process.process.pid
            peaks[name] = _peak_mb(pid)
            for n, child in enumerate(child_pids(pid)):  # feedback's relay process
                suffix = "" if n == 0 else f"_{n + 1}"
                try:
                    peaks[f"{name}_relay{suffix}"] = _peak_mb(child)
                except FileNotFoundError:
                    pass
        return peaks

    def restart(self, service: str, **env: Any) -> None:
        """Restart one service, with ``env`` on top of its settings."""
        self.s.stop(service)
        self.s.env.update({k: str(v) for k, v in env.items()})
        self.s.start(service)


def child_pids(pid: int) -> list[int]:
    """The processes ``pid`` started that still run (feedback's relay process)."""
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _peak_mb(pid: int) -> float:
    """A process's peak resident memory so far (VmHWM), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    peak = next(line for line in status.splitlines() if line.startswith("VmHWM"))
    return round(int(peak.split()[1]) / 1024, 1)
