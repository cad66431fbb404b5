"""The outbox relay in a process of its own, started and watched by the service it serves.

Under load the relay's rounds (claim the unsent rows, send them, mark them sent) took about
a fifth of the feedback process's CPU, on the one core that also answers the requests
(issue 15). In a child process they run on another core, and nothing about the outbox
changes: the rows, their order, their claims with ``SKIP LOCKED`` and the marks are the
same code (``shared.outbox.OutboxRelay``), so a receipt still means "committed with its
event", and a relay that dies leaves its rows for the next one.

The service keeps the calls it has for an in-process relay (``notify``, ``backlog_sent``,
``connected``, ``run``). Two pipes join the processes:

- wake (service → relay): a byte per ``notify`` (a commit that added rows); end of file
  means the service is gone, and the relay stops rather than outlive it;
- state (relay → service): ``s`` once every event owed at its start is on the broker,
  ``c``/``d`` when its producer connects or loses the broker (the readiness checks).

The settings travel on the child's standard input as JSON (secrets never in ``argv``). A
child that exits while the service runs is started again after a pause (1 s, doubling up to
30 s); on stop it gets SIGTERM, and SIGKILL after ``STOP_SECONDS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from shared.config import ServiceSettings

log = logging.getLogger(__name__)

STOP_SECONDS = 10.0
_READY, _CONNECTED, _DISCONNECTED = b"s", b"c", b"d"


class RelayProcess:
    """A child process running the outbox relay for ``settings``' database and topics."""

    def __init__(self, settings: ServiceSettings, produces: Sequence[str]) -> None:
        self._settings = settings
        self._produces = list(produces)
        self._wake: int | None = None  # the write end of the wake pipe, while a child runs
        self.backlog_sent = False
        self.connected = False
        self.started = 0  # how many children were started (restarts included)
        self.pid: int | None = None  # the running child's

    def notify(self) -> None:
        """A commit added rows: wake the relay (never blocks; a full pipe is awake already)."""
        if self._wake is not None:
            with contextlib.suppress(BlockingIOError, BrokenPipeError):
                os.write(self._wake, b"w")

    async def run(self, stop: asyncio.Event) -> None:
        """Keep a relay child running until ``stop``; then stop it."""
        pause = 1.0
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            started = loop.time()
            try:
                ended: object = await self._run_child(stop)
            except Exception as exc:  # could not start it (no memory, no process slots)
                ended = exc
            if stop.is_set():
                return
            if loop.time() - started > 60:
                pause = 1.0  # a child that ran a while: its end is news, not a crash loop
            log.warning("outbox relay process ended (%s); restarting in %.0fs", ended, pause)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=pause)
            pause = min(pause * 2, 30.0)

    async def _run_child(self, stop: asyncio.Event) -> int | None:
        wake_read, wake_write = os.pipe()
        state_read, state_write = os.pipe()
        os.set_blocking(wake_write, False)
        config = {
            "settings_class": f"{type(self._settings).__module__}:"
            f"{type(self._settings).__qualname__}",
            "settings": self._settings.model_dump(mode="json"),
            "produces": self._produces,
            "wake_fd": wake_read,
            "state_fd": state_write,
        }
        try:
            child = subprocess.Popen(
                [sys.executable, "-m", "shared.relay_process"],
                stdin=subprocess.PIPE,
                pass_fds=(wake_read, state_write),
            )
        finally:
            os.close(wake_read)
            os.close(state_write)
        self.started += 1
        self.pid = child.pid
        loop = asyncio.get_running_loop()
        gone = asyncio.Event()
        loop.add_reader(state_read, self._read_state, state_read, gone)
        self._wake = wake_write
        try:
            assert child.stdin is not None
            with contextlib.suppress(BrokenPipeError):  # it died at once: seen below
                child.stdin.write(json.dumps(config).encode())
                child.stdin.close()
            waiting = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(gone.wait())]
            try:
                await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiting:
                    waiter.cancel()
        finally:
            self._wake = None
            self.pid = None
            loop.remove_reader(state_read)
            os.close(wake_write)  # end of file: the child stops on its own as well
            os.close(state_read)
            self.connected = False
            await asyncio.to_thread(_stop_child, child)
        return child.returncode

    def _read_state(self, fd: int, gone: asyncio.Event) -> None:
        try:
            data = os.read(fd, 256)
        except OSError:
            data = b""
        if not data:  # the child closed its end: it has exited
            gone.set()
            return
        if _READY in data:
            self.backlog_sent = True  # stays true, as the in-process relay's does
        last = max(data.rfind(_CONNECTED), data.rfind(_DISCONNECTED))
        if last >= 0:
            self.connected = data[last : last + 1] == _CONNECTED


def _stop_child(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        log.warning("outbox relay process still running %.0fs after SIGTERM: killed", STOP_SECONDS)
        child.kill()
        child.wait()


# -- the child ---------------------------------------------------------------------------


async def _serve(config: dict[str, Any]) -> None:
    """Run the relay until SIGTERM or until the service closes the wake pipe."""
    from shared.db import create_engine, session_factory
    from shared.logging import configure_logging
    from shared.service_app import collected_rarely, outbox_relay

    module, name = config["settings_class"].split(":")
    settings_class = getattr(importlib.import_module(module), name)
    settings: ServiceSettings = settings_class.model_validate(config["settings"])
    configure_logging(f"{module.split('.')[-2]}-relay", settings.log_level)
    engine = create_engine(settings.database_url, pool_pre_ping=False, pool_size=2)
    producers, relay = outbox_relay(settings, session_factory(engine), config["produces"])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    # Ctrl-C in a terminal reaches the whole process group: the service stops its relay.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    wake_fd, state_fd = config["wake_fd"], config["state_fd"]

    def woken() -> None:
        try:
            data = os.read(wake_fd, 4096)
        except OSError:
            data = b""
        if data:
            relay.notify()
        else:  # the service is gone
            loop.remove_reader(wake_fd)
            stop.set()

    loop.add_reader(wake_fd, woken)

    async def report() -> None:
        """Tell the service what its readiness checks ask, whenever it changes."""
        told: dict[str, bool] = {}
        while not stop.is_set():
            now = {"sent": relay.backlog_sent, "connected": producers.connected}
            if now != told:
                message = (_READY if now["sent"] else b"") + (
                    _CONNECTED if now["connected"] else _DISCONNECTED
                )
                with contextlib.suppress(OSError):
                    os.write(state_fd, message)
                told = now
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.1)

    reporter = asyncio.create_task(report())
    try:
        with collected_rarely():  # as in the service: start-up's objects out of the collector's way
            await relay.run(stop)
    finally:
        stop.set()
        await reporter
        await producers.reset()
        await engine.dispose()


def main() -> None:
    config = json.loads(sys.stdin.read())
    asyncio.run(_serve(config))


if __name__ == "__main__":
    main()
