"""Many people at once, on PostgreSQL and on SQLite (the default a newcomer runs).

Every write path (the form, the API, withdrawal) is exercised by simultaneous requests;
the per-address limit must hold exactly, also for comments committed in one group.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlmodel import col

from services.feedback.models import Comment
from shared import migrate
from shared.db import create_engine, is_sqlite, session_factory, unit_of_work
from shared.outbox import OutboxMessage
from tests.conftest import truncate_all
from tests.factories import document_state
from tests.feedback.conftest import Intake, IntakeFactory, running_intake

RECEIPT = re.compile(r'class="receipt"[^>]*>([A-Z2-9]{5}-[A-Z2-9]{5})<')


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite feedback database, copied for each test (migrating once is enough)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "feedback.db"
    migrate.upgrade("feedback", f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(params=["postgresql", "sqlite"])
async def feedback_url(
    request: pytest.FixtureRequest,
    database_urls: dict[str, str],
    migrated_sqlite: Path,
    tmp_path: Path,
) -> str:
    """The same tests on both databases the service supports."""
    if request.param == "sqlite":
        target = tmp_path / "feedback.db"
        shutil.copy(migrated_sqlite, target)
        return f"sqlite+aiosqlite:///{target}"
    url = database_urls["feedback"]
    engine = create_engine(url)
    await truncate_all(engine)
    await engine.dispose()
    return url


@pytest.fixture
def intake_on(make_intake: IntakeFactory) -> IntakeFactory:
    """``async with intake_on(url) as intake``: the app with default settings on that database."""
    return lambda url: running_intake(make_intake(database_url=url))


def _browser(intake: Intake) -> httpx.AsyncClient:
    """One person's own browser (own cookies) against the in-process app."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=intake.app), base_url="http://gopy.test:8002"
    )


async def _count(intake: Intake, model: type) -> int:
    async with intake.app.state.runtime.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(model))).scalar_one())


class TestLimitInsideOneGroup:
    async def test_ten_simultaneous_api_comments_with_a_limit_of_three(
        self, make_intake: IntakeFactory, feedback_url: str
    ) -> None:
        settings = make_intake(database_url=feedback_url, rate_limit_per_hour=3)
        async with running_intake(settings) as intake:
            state = await intake.catalogue(document_state())
            before = intake.app.state.committer.transactions
            bodies = [
                {"document_id": str(state.document_id), "text": f"Ý kiến đồng thời {n}"}
                for n in range(10)
            ]
            answers = await asyncio.gather(
                *(intake.client.post("/api/comments", json=b) for b in bodies)
            )
            codes = sorted(a.status_code for a in answers)
            assert codes == [201] * 3 + [429] * 7
            assert await intake.stored() == (3, 3, 0)
            # They were committed together, which is where the old check could not see them.
            assert intake.app.state.committer.transactions - before <= 2

    async def test_ten_simultaneous_form_posts_with_a_limit_of_three(
        self, make_intake: IntakeFactory, feedback_url: str
    ) -> None:
        settings = make_intake(database_url=feedback_url, rate_limit_per_hour=3)
        async with running_intake(settings) as intake:
            state = await intake.catalogue(document_state())
            browsers = [_browser(intake) for _ in range(10)]
            answers = await asyncio.gather(
                *(
                    b.post("/comments", data=intake.form(state, text=f"Người {n}"))
                    for n, b in enumerate(browsers)
                )
            )
            for b in browsers:
                await b.aclose()
            assert sorted(a.status_code for a in answers) == [303] * 3 + [429] * 7
            assert (await intake.stored())[0] == 3


class TestEveryoneAtOnce:
    async def test_twelve_people_post_the_form_at_the_same_moment(
        self, make_intake: IntakeFactory, feedback_url: str
    ) -> None:
        async with running_intake(make_intake(database_url=feedback_url)) as intake:
            state = await intake.catalogue(document_state())
            browsers = [_browser(intake) for _ in range(12)]
            pages = await asyncio.gather(
                *(
                    b.post(
                        "/comments",
                        data=intake.form(state, text=f"Ý kiến của người thứ {n}"),
                        follow_redirects=True,
                    )
                    for n, b in enumerate(browsers)
                )
            )
            for b in browsers:
                await b.aclose()
            codes = {m.group(1) for p in pages if (m := RECEIPT.search(p.text))}
            assert [p.status_code for p in pages] == [200] * 12
            assert len(codes) == 12
            assert await intake.stored() == (12, 12, 0)

    async def test_a_double_click_is_one_comment_with_one_receipt(
        self, intake_on: IntakeFactory, feedback_url: str
    ) -> None:
        async with intake_on(feedback_url) as intake:
            state = await intake.catalogue(document_state())
            form = intake.form(state)
            answers = await asyncio.gather(
                *(intake.client.post("/comments", data=form) for _ in range(6))
            )
            assert {a.status_code for a in answers} == {303}
            assert len({a.headers["location"] for a in answers}) == 1
            assert await intake.stored() == (1, 1, 0)

    async def test_form_api_and_withdrawals_all_at_once(
        self, intake_on: IntakeFactory, feedback_url: str
    ) -> None:
        async with intake_on(feedback_url) as intake:
            state = await intake.catalogue(document_state())
            receipts = []
            for n in range(6):
                body = {"document_id": str(state.document_id), "text": f"Sẽ rút lại {n}"}
                receipts.append((await intake.client.post("/api/comments", json=body)).json())
            forms = [
                intake.client.post("/comments", data=intake.form(state, text=f"Biểu mẫu {n}"))
                for n in range(8)
            ]
            api = [
                intake.client.post(
                    "/api/comments",
                    json={"document_id": str(state.document_id), "text": f"API {n}"},
                )
                for n in range(8)
            ]
            withdrawals = [
                intake.client.post(f"/api/receipts/{r['receipt']}/withdraw") for r in receipts
            ]
            answers = await asyncio.gather(*forms, *api, *withdrawals)
            assert [a.status_code for a in answers] == [303] * 8 + [201] * 8 + [200] * 6
            async with intake.app.state.runtime.sessions() as s:
                withdrawn = await s.execute(
                    select(func.count()).where(col(Comment.status) == "withdrawn")
                )
                assert withdrawn.scalar_one() == 6
            assert await _count(intake, Comment) == 22
            assert await _count(intake, OutboxMessage) == 22 + 6

    async def test_the_same_comment_withdrawn_twice_at_once_is_withdrawn_once(
        self, intake_on: IntakeFactory, feedback_url: str
    ) -> None:
        async with intake_on(feedback_url) as intake:
            state = await intake.catalogue(document_state())
            body = {"document_id": str(state.document_id), "text": "Rút một lần thôi"}
            code = (await intake.client.post("/api/comments", json=body)).json()["receipt"]
            answers = await asyncio.gather(
                *(intake.client.post(f"/api/receipts/{code}/withdraw") for _ in range(5))
            )
            assert sorted(a.status_code for a in answers) == [200] + [409] * 4
            assert await _count(intake, OutboxMessage) == 2


class TestSqliteWriters:
    async def test_two_processes_writing_one_file_wait_for_each_other(
        self, migrated_sqlite: Path, tmp_path: Path
    ) -> None:
        """Read, then write, in many transactions from two engines (two processes' worth)."""
        target = tmp_path / "feedback.db"
        shutil.copy(migrated_sqlite, target)
        url = f"sqlite+aiosqlite:///{target}"
        engines = [create_engine(url), create_engine(url)]
        assert is_sqlite(url)

        async def writer(n: int) -> None:
            async with unit_of_work(session_factory(engines[n % 2])) as session:
                count = (await session.execute(text("SELECT count(*) FROM audit_log"))).scalar()
                await asyncio.sleep(0)  # let the others read in between
                await session.execute(
                    text(
                        "INSERT INTO audit_log (at, actor, actor_name, action, object_type, "
                        "object_id, detail) VALUES (CURRENT_TIMESTAMP, 'test', '', 'write', "
                        "'row', :n, '{}')"
                    ),
                    {"n": str(count)},
                )

        await asyncio.gather(*(writer(n) for n in range(24)))
        async with engines[0].connect() as conn:
            rows = (await conn.execute(text("SELECT object_id FROM audit_log"))).scalars().all()
        for engine in engines:
            await engine.dispose()
        # Serialised: each writer saw all the rows before it, none failed.
        assert sorted(int(r) for r in rows) == list(range(24))
