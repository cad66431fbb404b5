"""Where a shutdown is stuck: when stopping takes too long, every thread's and task's stack is
logged, so the log of a service that had to be killed says what it was waiting for."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import sys
import threading
import traceback
from collections.abc import Iterator

log = logging.getLogger(__name__)
# Well under what an orchestrator (or a test) waits before it kills the process.
REPORT_AFTER_SECONDS = 8.0


@contextlib.contextmanager
def reported_if_slow(what: str, seconds: float = REPORT_AFTER_SECONDS) -> Iterator[None]:
    """Log the stacks once if the block has not ended ``seconds`` after it began. A timer
    thread watches, so a blocked event loop is reported too."""
    loop = asyncio.get_running_loop()
    timer = threading.Timer(seconds, _report, args=(loop, what, seconds))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _report(loop: asyncio.AbstractEventLoop, what: str, seconds: float) -> None:
    parts = [f"{what}: still not done after {seconds:g}s; the stacks follow"]
    for thread_id, frame in sys._current_frames().items():
        parts.append(f"-- thread {thread_id}\n" + "".join(traceback.format_stack(frame)))
    for task in asyncio.all_tasks(loop):  # read from this thread: a snapshot, for diagnosis
        stack = io.StringIO()
        task.print_stack(file=stack)
        parts.append(f"-- {task.get_name()}\n{stack.getvalue()}")
    log.error("\n".join(parts))
