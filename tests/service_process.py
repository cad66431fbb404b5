"""A service under real uvicorn in its own process: started, waited for, killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from shared.broker import free_port
from tests.helpers import ROOT

# How long a service may take to stop on SIGTERM before it is killed and the test fails.
STOP_SECONDS = 20


class ServiceProcess:
    """A service under real uvicorn, in its own process, on a free port."""

    # Every process started and not yet stopped: a test that fails before its own ``stop``
    # must never leave one behind, holding the database's locks for the next test.
    launched: set[ServiceProcess] = set()

    def __init__(self, name: str, env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.env = env
        self.port = free_port()
        self.log_path = log_dir / f"{name}-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> ServiceProcess:
        return self.launch().wait_healthy()

    def launch(self) -> ServiceProcess:
        """Start the process without waiting for it (several start side by side)."""
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child owns it
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", f"services.{self.name}.main:create_app"]
            + ["--factory", "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log"]
            + ["--no-proxy-headers", "--timeout-graceful-shutdown", "5"],
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: SIGKILL takes its children too
        )
        log.close()
        ServiceProcess.launched.add(self)
        return self

    def wait_healthy(self, timeout: float = 60) -> ServiceProcess:
        """Until ``/healthz`` answers 200; the log's tail if the process dies or never does."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} not healthy in {timeout}s:\n{self.log()}")
            time.sleep(0.1)

    def stop(self, *, kill: bool = False) -> None:
        """SIGTERM (or SIGKILL); a service still running ``STOP_SECONDS`` later is killed, and
        the test fails with its log: a service must stop when told to."""
        process, self.process = self.process, None
        ServiceProcess.launched.discard(self)
        if process is None or process.poll() is not None:
            return
        if kill:  # as a container is killed: the service and its children (the relay) at once
            os.killpg(process.pid, signal.SIGKILL)
        else:  # the service stops its children itself
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_SECONDS)
            raise RuntimeError(
                f"{self.name} still ran {STOP_SECONDS}s after SIGTERM; killed:\n{self.log(12000)}"
            ) from None

    def log(self, tail: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-tail:]
