"""Floods: the global limit on the public's comments and load shedding, under concurrency.

Every test sends its requests at the same moment (``asyncio.gather``) and counts exactly:
accepted answers, refusals, and rows stored. The per-address limits under concurrency are
in ``test_concurrency.py``; the SMTP listener's limits in ``mail/test_smtp_floods.py``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter

import httpx
import pytest

from shared import events as ev
from shared.web import ErrorBody
from tests.factories import document_state
from tests.feedback.conftest import Intake, IntakeFactory, running_intake

GLOBAL = "Hệ thống đang nhận quá nhiều ý kiến trong cùng một lúc"
OVERLOADED = "Hệ thống đang quá tải"


def _browser(intake: Intake) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=intake.app), base_url="http://gopy.test:8002"
    )


async def _api(intake: Intake, state: ev.DocumentState, n: int) -> httpx.Response:
    """A comment from its own address (behind our trusted proxy)."""
    body = {"document_id": str(state.document_id), "text": f"Ý kiến qua API số {n}"}
    headers = {"x-forwarded-for": f"203.0.113.{n % 250}"}
    return await intake.client.post("/api/comments", json=body, headers=headers)


async def _form(intake: Intake, state: ev.DocumentState, n: int) -> httpx.Response:
    """A person with their own browser and address posting the form."""
    async with _browser(intake) as browser:
        form = intake.form(state, text=f"Ý kiến qua biểu mẫu số {n}")
        return await browser.post(
            "/comments", data=form, headers={"x-forwarded-for": f"198.51.100.{n % 250}"}
        )


def _retry_after(response: httpx.Response, at_most: int) -> int:
    seconds = int(response.headers["retry-after"])
    assert 1 <= seconds <= at_most
    return seconds


class TestGlobalLimit:
    @pytest.mark.parametrize(("channel", "accepted"), [("api", 201), ("form", 303)])
    async def test_thirty_people_from_thirty_addresses_against_ten(
        self, make_intake: IntakeFactory, channel: str, accepted: int
    ) -> None:
        settings = make_intake(rate_limit_global_per_minute=10, trusted_proxies="127.0.0.1/32")
        send = _api if channel == "api" else _form
        async with running_intake(settings) as intake:
            state = await intake.catalogue(document_state())
            answers = await asyncio.gather(*(send(intake, state, n) for n in range(30)))
            assert Counter(a.status_code for a in answers) == {accepted: 10, 429: 20}
            for refused in (a for a in answers if a.status_code == 429):
                _retry_after(refused, 60)
                assert GLOBAL in refused.text
                if channel == "form":  # the form again, with what the citizen wrote
                    assert "Ý kiến qua biểu mẫu số" in refused.text
                else:  # the shape the OpenAPI document gives
                    ErrorBody.model_validate(refused.json())
            assert (await intake.stored())[0] == 10

    async def test_the_form_and_the_api_share_one_count(self, make_intake: IntakeFactory) -> None:
        settings = make_intake(rate_limit_global_per_minute=10, trusted_proxies="127.0.0.1/32")
        async with running_intake(settings) as intake:
            state = await intake.catalogue(document_state())
            answers = await asyncio.gather(
                *(_api(intake, state, n) for n in range(15)),
                *(_form(intake, state, n) for n in range(15)),
            )
            codes = Counter(a.status_code for a in answers)
            assert codes[201] + codes[303] == 10 and codes[429] == 20
            assert (await intake.stored())[0] == 10

    async def test_the_per_address_refusal_says_when_to_come_back(
        self, make_intake: IntakeFactory
    ) -> None:
        async with running_intake(make_intake(rate_limit_per_hour=2)) as intake:
            state = await intake.catalogue(document_state())
            bodies = [{"document_id": str(state.document_id), "text": f"Ý {n}"} for n in range(5)]
            answers = await asyncio.gather(
                *(intake.client.post("/api/comments", json=b) for b in bodies)
            )
            assert Counter(a.status_code for a in answers) == {201: 2, 429: 3}
            for refused in (a for a in answers if a.status_code == 429):
                assert _retry_after(refused, 3600) > 3500


class TestSharedThroughRedis:
    """Several instances behind one address: the counts are kept once, in Redis."""

    @pytest.fixture
    def shared(self, make_intake: IntakeFactory) -> IntakeFactory:
        prefix = f"gopy-test-{uuid.uuid4().hex[:8]}"
        return lambda **limits: make_intake(
            trusted_proxies="127.0.0.1/32",
            rate_limit_storage="redis://127.0.0.1:6379/0",
            rate_limit_key_prefix=prefix,
            **limits,
        )

    async def test_two_instances_share_the_global_count(self, shared: IntakeFactory) -> None:
        settings = shared(rate_limit_global_per_minute=10)
        async with running_intake(settings) as one, running_intake(settings) as two:
            state = await one.catalogue(document_state())
            answers = await asyncio.gather(
                *(_api(one, state, n) for n in range(15)),
                *(_api(two, state, n + 100) for n in range(15)),
            )
            assert Counter(a.status_code for a in answers) == {201: 10, 429: 20}
            assert (await one.stored())[0] == 10

    async def test_two_instances_share_one_address_limit(self, shared: IntakeFactory) -> None:
        settings = shared(rate_limit_per_hour=3)
        async with running_intake(settings) as one, running_intake(settings) as two:
            state = await one.catalogue(document_state())
            body = {"document_id": str(state.document_id)}
            same = {"x-forwarded-for": "203.0.113.77"}
            answers = await asyncio.gather(
                *(
                    (one if n % 2 else two).client.post(
                        "/api/comments", json={**body, "text": f"Ý kiến {n}"}, headers=same
                    )
                    for n in range(10)
                )
            )
            assert Counter(a.status_code for a in answers) == {201: 3, 429: 7}
            for refused in (a for a in answers if a.status_code == 429):
                assert "Đã có 3 ý kiến" in refused.json()["detail"]
                assert 3500 < _retry_after(refused, 3600)
            assert (await one.stored())[0] == 3

    async def test_a_refused_comment_gives_its_shared_slot_back(
        self, shared: IntakeFactory
    ) -> None:
        async with running_intake(shared(rate_limit_per_hour=1)) as intake:
            state = await intake.catalogue(document_state())
            same = {"x-forwarded-for": "203.0.113.78"}
            body = {"document_id": str(state.document_id), "text": "Ý kiến"}
            bad = await intake.client.post(
                "/api/comments", json={**body, "email": "sai@"}, headers=same
            )
            assert bad.status_code == 422
            assert (
                await intake.client.post("/api/comments", json=body, headers=same)
            ).status_code == 201
            assert (
                await intake.client.post("/api/comments", json=body | {"text": "Nữa"}, headers=same)
            ).status_code == 429


class TestLoadShedding:
    @pytest.fixture
    async def saturated(self, make_intake: IntakeFactory) -> object:
        """An intake whose commits are held: three comments fill it (the in-flight limit)."""
        async with running_intake(make_intake(intake_max_in_flight=3)) as intake:
            committer = intake.app.state.intake.committer
            held = asyncio.Event()
            submit = committer.submit

            async def slow_commit(work: object) -> object:
                await held.wait()
                return await submit(work)

            committer.submit = slow_commit
            yield intake, held

    async def test_a_full_intake_answers_503_at_once_and_keeps_every_receipt(
        self, saturated: tuple[Intake, asyncio.Event]
    ) -> None:
        intake, held = saturated
        state = await intake.catalogue(document_state())
        first = [asyncio.create_task(_api(intake, state, n)) for n in range(3)]
        deadline = time.monotonic() + 5
        while intake.app.state.intake.in_flight < 3:
            assert time.monotonic() < deadline, "the first three never reached the committer"
            await asyncio.sleep(0.01)
        started = time.monotonic()
        shed = await asyncio.gather(
            *(_api(intake, state, n) for n in range(10, 20)),
            *(_form(intake, state, n) for n in range(10, 15)),
        )
        assert time.monotonic() - started < 2.0
        assert [a.status_code for a in shed] == [503] * 15
        for answer in shed:
            assert answer.headers["retry-after"] == "5"
        assert OVERLOADED in ErrorBody.model_validate(shed[0].json()).detail
        page = shed[-1]
        assert page.headers["content-type"].startswith("text/html")
        assert OVERLOADED in page.text and "Ý kiến qua biểu mẫu số 14" in page.text
        held.set()
        receipts = [(await task).json()["receipt"] for task in first]
        assert len(set(receipts)) == 3
        assert await intake.stored() == (3, 3, 0)
        # Room again: the next comment is taken.
        assert (await _api(intake, state, 99)).status_code == 201
