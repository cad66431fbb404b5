"""Group commit: concurrent work shares transactions; a refusal undoes only its own rows."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared import outbox
from shared.db import create_engine, session_factory
from shared.events import CommentStatusPayload, CommentWithdrawn
from shared.group_commit import GroupCommitter
from shared.outbox import OutboxMessage


class Refused(Exception):
    pass


def _event() -> CommentWithdrawn:
    return CommentWithdrawn(
        producer="test",
        payload=CommentStatusPayload(comment_id=uuid.uuid4(), document_id=uuid.uuid4()),
    )


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
async def test_many_requests_share_few_commits_and_refusals_stay_alone(
    backend: str, clean_databases: dict[str, str], tmp_path: object
) -> None:
    if backend == "sqlite":
        from shared import migrate

        url = f"sqlite+aiosqlite:///{tmp_path}/feedback.db"
        await asyncio.to_thread(migrate.upgrade, "feedback", url)
    else:  # the suite's own database: PostgreSQL (SQLite only off CI without a server)
        url = clean_databases["feedback"]
    engine = create_engine(url)
    committer = GroupCommitter(session_factory(engine), max_batch=50)
    stop = asyncio.Event()
    runner = asyncio.create_task(committer.run(stop))

    async def work(n: int) -> int:
        async def unit(session: AsyncSession) -> int:
            outbox.add(session, "comments.v1", _event())
            await session.flush()
            if n % 10 == 0:
                raise Refused(n)
            return n

        return await committer.submit(unit)

    results = await asyncio.gather(*(work(n) for n in range(100)), return_exceptions=True)
    stop.set()
    await runner
    refused = [r for r in results if isinstance(r, Refused)]
    assert len(refused) == 10
    assert sorted(r for r in results if isinstance(r, int)) == [n for n in range(100) if n % 10]
    async with engine.connect() as conn:
        stored = (await conn.execute(select(func.count()).select_from(OutboxMessage))).scalar_one()
    await engine.dispose()
    assert stored == 90
    assert committer.transactions < 100 / 2
