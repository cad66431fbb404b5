"""Staged rows (``shared.bulk``): a group's rows written together, on PostgreSQL as one
array per column, read back exactly as staged on both databases."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Text, cast, select
from sqlmodel import col

from shared import bulk, migrate, outbox
from shared.db import create_engine, session_factory, unit_of_work
from shared.events import CommentStatusPayload, CommentWithdrawn, serialize_body, utcnow
from shared.outbox import OUTBOX_TABLE, OutboxMessage


@pytest.fixture(params=["postgresql", "sqlite"])
async def url(
    request: pytest.FixtureRequest, clean_databases: dict[str, str], tmp_path: Path
) -> str:
    if request.param == "postgresql":
        return clean_databases["feedback"]
    sqlite = f"sqlite+aiosqlite:///{tmp_path / 'feedback.db'}"
    await asyncio.to_thread(migrate.upgrade, "feedback", sqlite)
    return sqlite


async def test_rows_come_back_as_staged(url: str) -> None:
    engine = create_engine(url)
    sessions = session_factory(engine)
    now = utcnow()
    events = [
        CommentWithdrawn(
            producer="test",
            payload=CommentStatusPayload(comment_id=uuid.uuid4(), document_id=uuid.uuid4()),
        )
        for _ in range(4)
    ]
    dict_body = {"chữ": "Góp ý “x” \\ \n", "n": [1, None, True]}
    try:
        async with unit_of_work(sessions) as session:
            for event in events[:3]:
                outbox.stage(session, "comments.v1", event)  # the body as its JSON text
            bulk.stage(
                session,
                OUTBOX_TABLE,
                {
                    "event_id": events[3].event_id,
                    "topic": "comments.v1",
                    "key": "k",
                    "event_type": events[3].type,
                    "body": dict_body,  # a dict: written in the same wire form
                    "created_at": now,
                    "sent_at": now + timedelta(seconds=1),
                },
            )
            assert bulk.pending(session) == 4
        async with sessions() as session:
            stored = (
                await session.execute(
                    select(
                        OutboxMessage, cast(col(OutboxMessage.body), Text).label("text")
                    ).order_by(col(OutboxMessage.seq))
                )
            ).all()
    finally:
        await engine.dispose()
    assert [row.event_id for row, _text in stored] == [e.event_id for e in events]
    for (row, text), event in zip(stored[:3], events[:3], strict=True):
        assert text == event.model_dump_json()
        assert row.body == event.model_dump(mode="json")
        assert row.sent_at is None and row.created_at.tzinfo is not None
    last, last_text = stored[3]
    assert last.body == dict_body
    assert last_text.encode() == serialize_body(dict_body)
    assert last.created_at == now and last.sent_at == now + timedelta(seconds=1)


async def test_copied_rows_belong_to_the_callers_transaction(url: str) -> None:
    """``copy_rows`` as a transaction's first statement: a rollback still drops the rows."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    now = utcnow()
    body = {"chữ": "Góp ý “x” \\ \n", "n": [1, None, True]}

    def row(n: int) -> dict[str, object]:
        return {
            "event_id": uuid.uuid4(),
            "topic": "comments.v1",
            "key": f"k{n}",
            "event_type": "comment.withdrawn",
            "body": body,
            "created_at": now,
            "sent_at": None,
        }

    try:
        with pytest.raises(RuntimeError):
            async with unit_of_work(sessions) as session:
                await bulk.copy_rows(session, OUTBOX_TABLE, [row(n) for n in range(3)])
                raise RuntimeError("crash before commit")
        kept = [row(n) for n in range(3)]
        async with unit_of_work(sessions) as session:
            await bulk.copy_rows(session, OUTBOX_TABLE, kept)
        async with sessions() as session:
            stored = (
                (await session.execute(select(OutboxMessage).order_by(col(OutboxMessage.seq))))
                .scalars()
                .all()
            )
    finally:
        await engine.dispose()
    assert [r.event_id for r in stored] == [r["event_id"] for r in kept]
    assert all(r.body == body and r.created_at == now and r.sent_at is None for r in stored)
