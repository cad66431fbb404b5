"""Test helpers: polling with a deadline (never a fixed sleep) and service processes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import httpx

from shared.broker import free_port, wait_for_port

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent


async def eventually(
    probe: Callable[[], Awaitable[T]], accept: Callable[[T], bool], timeout: float = 20.0
) -> T:
    """Call ``probe`` until ``accept`` holds or the deadline passes; return the last value."""
    deadline = time.monotonic() + timeout
    value = await probe()
    while not accept(value):
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s; last value: {value!r}")
        await asyncio.sleep(0.1)
        value = await probe()
    return value


class ServiceProcess:
    """A service under real uvicorn, in its own process, on a free port."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.env = env
        self.port = free_port()
        self.log_path = log_dir / f"{name}-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServiceProcess:
        log = open(self.log_path, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                f"services.{self.name}.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--no-proxy-headers",
            ],
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port("127.0.0.1", self.port, timeout=30)
        deadline = time.monotonic() + 30
        while httpx.get(f"{self.url}/healthz").status_code != 200:
            if time.monotonic() > deadline:
                raise TimeoutError(self.log())
            time.sleep(0.1)
        return self

    def stop(self, *, kill: bool = False) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            self.process.wait(timeout=20)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]
