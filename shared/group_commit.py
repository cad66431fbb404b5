"""Group commit: the units of work of concurrent requests share one database transaction.

Each request's work runs in its own savepoint, so one refusal never undoes another, and
each request is answered only after the commit that holds its rows, so a receipt still
means "durably stored". Under load this turns N commits (N fsyncs) into one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import bulk

log = logging.getLogger(__name__)
T = TypeVar("T")
Work = Callable[[AsyncSession], Awaitable[Any]]


class GroupCommitter:
    """Collects work items and commits them together, up to ``max_batch`` at a time."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        max_batch: int = 200,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._max_batch = max_batch
        self._after_commit = after_commit
        self._queue: asyncio.Queue[tuple[Work, asyncio.Future[Any]]] = asyncio.Queue()
        self.transactions = 0

    async def submit(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run ``work`` in the next group; return its result once that group is committed."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((work, future))
        return await asyncio.shield(future)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                first = await asyncio.wait_for(self._queue.get(), timeout=0.5)
            except TimeoutError:
                continue
            batch = [first]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._commit(batch)
        while not self._queue.empty():  # stopping: what is still queued is committed too
            batch = [self._queue.get_nowait()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._commit(batch)

    async def _commit(self, batch: list[tuple[Work, asyncio.Future[Any]]]) -> None:
        """Fast path: the whole group without savepoints, rows inserted together at commit.

        If any item fails (a refusal, or a constraint at commit), the group is rolled back
        and run again with a savepoint per item, so only that item is refused.
        """
        try:
            outcomes = await self._attempt(batch, isolate=False)
        except Exception:
            try:
                outcomes = await self._attempt(batch, isolate=True)
            except Exception as exc:  # the commit itself failed: nobody's work is stored
                log.warning("group commit of %d failed: %s", len(batch), exc)
                for _work, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                return
        self.transactions += 1
        for future, result, error in outcomes:
            if future.done():
                continue
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)
        if self._after_commit is not None:
            self._after_commit()

    async def _attempt(
        self, batch: list[tuple[Work, asyncio.Future[Any]]], *, isolate: bool
    ) -> list[tuple[asyncio.Future[Any], Any, BaseException | None]]:
        outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
        async with self._sessions() as session, session.begin():
            for work, future in batch:
                if not isolate:
                    # No autoflush: the group's rows go out together at commit, one
                    # statement per table (``shared.bulk``, then the unit of work),
                    # instead of one round trip per row per request.
                    with session.no_autoflush:
                        outcomes.append((future, await work(session), None))
                    continue
                try:
                    async with session.begin_nested():
                        result = await work(session)
                        await bulk.write_staged(session)
                        await session.flush()
                    outcomes.append((future, result, None))
                except Exception as exc:  # this request's refusal, rolled back alone
                    outcomes.append((future, None, exc))
            await bulk.write_staged(session)
        return outcomes
