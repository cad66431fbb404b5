"""Parse uploaded drafts in a separate process, bounded in time and memory.

A parse is CPU-bound (a .docx of 40,000 paragraphs takes tens of seconds) and the XML
libraries cannot be interrupted from Python: on the event loop it would stop every
public page and /healthz. Each parse runs in a child forked from a small, clean
forkserver, with an address-space limit; a thread waits for its answer with a timeout
and kills it when the time is up.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import resource
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from shared.web import DomainError

log = logging.getLogger(__name__)

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["services.documents.upload"])


@dataclass(frozen=True)
class WorkerLimits:
    timeout_seconds: float = 60.0
    memory_bytes: int = 1024 * 1024 * 1024


class ParseTimedOut(DomainError):
    status_code = 422


def _child(conn: Connection, memory_bytes: int, job: Callable[..., Any], args: tuple) -> None:
    """In the child: limit memory, run the job, send back its result or its refusal."""
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ValueError, OSError) as exc:  # a platform without the limit still parses
        log.warning("could not limit the parser's memory: %s", exc)
    try:
        conn.send(("ok", job(*args)))
    except DomainError as exc:
        conn.send(("refused", (exc.status_code, exc.message)))
    except MemoryError:
        conn.send(("memory", None))
    except Exception as exc:  # reported to the parent, which answers a clean 422
        conn.send(("failed", repr(exc)[:500]))
    finally:
        conn.close()


def _run_blocking(job: Callable[..., Any], args: tuple, limits: WorkerLimits) -> tuple[str, Any]:
    receiver, sender = _context.Pipe(duplex=False)
    process = _context.Process(
        target=_child, args=(sender, limits.memory_bytes, job, args), daemon=True
    )
    process.start()
    sender.close()
    try:
        if receiver.poll(limits.timeout_seconds):
            try:
                return receiver.recv()  # type: ignore[no-any-return]
            except EOFError:
                return "crashed", process.exitcode
        return "timeout", None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)


_warm = False


def _ready() -> bool:
    return True


async def warm_up(limits: WorkerLimits | None = None) -> None:
    """Start the forkserver and let it import the parsers now, not on the first import.

    Its start-up (a Python process importing ``services.documents.upload``) took 1.4 s and
    more of the first draft's import (issue 15's ``import_ms``); a child forked from a warm
    server costs tens of milliseconds. The server lives as long as this process: only the
    first call waits.
    """
    global _warm
    if _warm:
        return
    try:
        await run_isolated(_ready, limits=limits or WorkerLimits())
        _warm = True
    except Exception as exc:  # the first import would then pay the start-up, nothing more
        log.warning("parse worker warm-up failed: %s", exc)


async def run_isolated(job: Callable[..., Any], *args: Any, limits: WorkerLimits) -> Any:
    """Run ``job(*args)`` in a child process; map every way it can fail to a Vietnamese 422."""
    outcome, value = await asyncio.to_thread(_run_blocking, job, args, limits)
    if outcome == "ok":
        return value
    if outcome == "refused":
        status, message = value
        raise DomainError(message, status_code=status)
    if outcome == "timeout":
        raise ParseTimedOut(
            "Tệp quá phức tạp nên không đọc xong trong thời gian cho phép "
            f"({int(limits.timeout_seconds)} giây). Hãy chia nhỏ hoặc lưu lại tệp rồi thử lại."
        )
    if outcome == "memory":
        raise DomainError("Tệp cần quá nhiều bộ nhớ để đọc. Hãy kiểm tra lại tệp.", status_code=413)
    log.warning("parser child failed: %s %s", outcome, value)
    raise DomainError("Không đọc được tệp này.", status_code=422)
