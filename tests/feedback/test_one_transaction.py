"""The comment, its outbox event and its acknowledgement mail are one transaction: when any
of the three inserts or the commit itself fails, none is stored and no receipt is given.

The failures are injected where no code path can dodge them: a PostgreSQL trigger that
raises on the insert, or a deferred constraint trigger that raises at the commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text

from shared import events as ev
from shared.db import create_engine, is_sqlite
from tests.feedback.conftest import Intake

FAIL = """CREATE OR REPLACE FUNCTION gopy_injected_failure() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$"""
TRIGGERS = {
    "outbox insert": "CREATE TRIGGER gopy_injected BEFORE INSERT ON outbox "
    "FOR EACH ROW EXECUTE FUNCTION gopy_injected_failure()",
    "mail insert": "CREATE TRIGGER gopy_injected BEFORE INSERT ON mail_queue "
    "FOR EACH ROW EXECUTE FUNCTION gopy_injected_failure()",
    "commit": "CREATE CONSTRAINT TRIGGER gopy_injected AFTER INSERT ON comments "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gopy_injected_failure()",
}
TABLE = {"outbox insert": "outbox", "mail insert": "mail_queue", "commit": "comments"}


@pytest.fixture
async def raw_client(intake: Intake) -> AsyncIterator[httpx.AsyncClient]:
    """A client that receives the app's 500 instead of its exception, as a browser would."""
    transport = httpx.ASGITransport(app=intake.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://gopy.test:8002") as c:
        yield c


async def _inject(database_url: str, case: str) -> None:
    assert not is_sqlite(database_url), "failure injection needs PostgreSQL (as CI runs)"
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(text(FAIL))
        await conn.execute(text(TRIGGERS[case]))
    await engine.dispose()


async def _heal(database_url: str, case: str) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(text(f"DROP TRIGGER IF EXISTS gopy_injected ON {TABLE[case]}"))
    await engine.dispose()


@pytest.mark.parametrize("case", list(TRIGGERS))
async def test_a_failure_anywhere_stores_nothing_and_gives_no_receipt(
    intake: Intake,
    open_document: ev.DocumentState,
    raw_client: httpx.AsyncClient,
    case: str,
) -> None:
    body = {
        "document_id": str(open_document.document_id),
        "section_id": str(open_document.sections[1].id),
        "text": "Đề nghị làm rõ chỉ tiêu giảm nghèo.",
        "name": "Lò Văn Hùng",
        "email": "hung@example.vn",  # so an acknowledgement mail is queued too
    }
    await _inject(intake.database_url, case)
    try:
        api = await raw_client.post("/api/comments", json=body)
        form = await raw_client.post(
            "/comments", data=intake.form(open_document, email="hung@example.vn", consent="on")
        )
        assert api.status_code >= 500 and "receipt" not in api.text, api.text
        assert form.status_code >= 500 and "Mã biên nhận" not in form.text, form.text[:500]
        assert await intake.stored() == (0, 0, 0)  # comments, outbox rows, mails
    finally:
        await _heal(intake.database_url, case)
    # the intake recovers by itself once the fault is gone, and then stores all three
    accepted = await raw_client.post("/api/comments", json=body)
    assert accepted.status_code == 201, accepted.text
    assert await intake.stored() == (1, 1, 1)
