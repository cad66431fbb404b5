"""Floods: bodies over the size limit (413) and more than N comments per address per hour (429)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.requests import Request

from services.feedback import guards
from shared import events as ev
from tests.factories import document_state
from tests.feedback.conftest import Intake, IntakeFactory, running_intake

TOO_LARGE = "Nội dung gửi lên quá lớn (tối đa 16 KB)"


def _request(peer: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "client": (peer, 5000), "headers": headers})


class TestClientAddress:
    def test_without_trusted_proxies_the_header_is_ignored(self) -> None:
        assert guards.client_address(_request("198.51.100.7", "1.2.3.4"), "") == "198.51.100.7"

    def test_a_header_from_an_untrusted_peer_is_ignored(self) -> None:
        request = _request("198.51.100.7", "1.2.3.4")
        assert guards.client_address(request, "10.0.0.0/8") == "198.51.100.7"

    def test_behind_our_proxies_the_first_untrusted_hop_is_the_client(self) -> None:
        # the client forged "6.6.6.6"; our proxies appended the real address, then their own
        request = _request("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.1")
        assert guards.client_address(request, "10.0.0.0/8, 127.0.0.1") == "203.0.113.9"

    def test_keys_do_not_reveal_the_address(self) -> None:
        key = guards.client_key("203.0.113.9", ["secret"])
        assert "203" not in key and len(key) == 32
        assert key != guards.client_key("203.0.113.9", ["other-secret"])


class TestBodySize:
    @pytest.fixture
    async def small(self, make_intake: IntakeFactory) -> AsyncIterator[Intake]:
        async with running_intake(make_intake(max_body_bytes=16 * 1024)) as intake:
            yield intake

    async def test_a_declared_length_over_the_limit_is_refused_before_reading(
        self, small: Intake
    ) -> None:
        state = await small.catalogue(document_state())
        form = small.form(state, text="ý" * 10_000)
        response = await small.client.post("/comments", data=form)
        assert response.status_code == 413
        assert TOO_LARGE in response.text
        api = await small.client.post(
            "/api/comments",
            json={"document_id": str(state.document_id), "text": "ý" * 10_000},
        )
        assert api.status_code == 413 and TOO_LARGE in api.json()["detail"]
        assert await small.stored() == (0, 0, 0)

    async def test_a_streamed_body_without_length_is_cut_off_at_the_limit(
        self, small: Intake
    ) -> None:
        state = await small.catalogue(document_state())

        async def chunks() -> AsyncIterator[bytes]:
            yield f'{{"document_id": "{state.document_id}", "text": "'.encode()
            for _ in range(40):
                yield b"x" * 1024
            yield b'"}'

        response = await small.client.post(
            "/api/comments", content=chunks(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413
        assert TOO_LARGE in response.json()["detail"]
        assert await small.stored() == (0, 0, 0)

    async def test_a_full_length_comment_fits(self, small: Intake) -> None:
        state = await small.catalogue(document_state())
        body = {"document_id": str(state.document_id), "text": "a" * 15_000}
        assert (await small.client.post("/api/comments", json=body)).status_code == 201


class TestRatePerHour:
    async def _post(
        self,
        intake: Intake,
        state: ev.DocumentState,
        forwarded: str = "",
        *,
        token: str | None = None,
        **fields: str,
    ) -> int:
        """A new comment each time (a new text), so none is a repeat of another."""
        headers = {"x-forwarded-for": forwarded} if forwarded else {}
        self.sent = getattr(self, "sent", 0) + 1
        form = intake.form(state, text=f"Ý kiến số {self.sent}", **fields)
        if token is not None:
            form["form_token"] = token
        response = await intake.client.post("/comments", data=form, headers=headers)
        self.last = response
        return int(response.status_code)

    async def test_the_n_plus_first_comment_in_an_hour_is_refused(
        self, make_intake: IntakeFactory
    ) -> None:
        async with running_intake(make_intake(rate_limit_per_hour=3)) as intake:
            state = await intake.catalogue(document_state())
            assert [await self._post(intake, state) for _ in range(3)] == [303, 303, 303]
            assert await self._post(intake, state) == 429
            assert "Đã có 3 ý kiến gửi từ địa chỉ mạng này trong một giờ qua" in self.last.text
            assert f"Ý kiến số {self.sent}</textarea>" in self.last.text
            api = await intake.client.post(
                "/api/comments", json={"document_id": str(state.document_id), "text": "Thêm"}
            )
            assert api.status_code == 429
            assert "Đã có 3 ý kiến" in api.json()["detail"]
            assert await intake.stored() == (3, 3, 0)

    async def test_a_restart_does_not_reset_the_address_limit(
        self, make_intake: IntakeFactory
    ) -> None:
        settings = make_intake(rate_limit_per_hour=2)
        async with running_intake(settings) as intake:
            state = await intake.catalogue(document_state())
            assert [await self._post(intake, state) for _ in range(2)] == [303, 303]
        async with running_intake(settings) as restarted:
            assert await self._post(restarted, state) == 429

    async def test_a_refused_comment_does_not_use_up_the_limit(
        self, make_intake: IntakeFactory
    ) -> None:
        async with running_intake(make_intake(rate_limit_per_hour=1)) as intake:
            state = await intake.catalogue(document_state())
            assert await self._post(intake, state, email="sai@") == 422
            assert await self._post(intake, state) == 303

    async def test_a_forged_forwarded_for_does_not_escape_the_limit(
        self, make_intake: IntakeFactory
    ) -> None:
        async with running_intake(make_intake(rate_limit_per_hour=2)) as intake:
            state = await intake.catalogue(document_state())
            codes = [await self._post(intake, state, f"203.0.113.{n}") for n in range(3)]
            assert codes == [303, 303, 429]

    async def test_behind_a_trusted_proxy_each_citizen_has_their_own_limit(
        self, make_intake: IntakeFactory
    ) -> None:
        settings = make_intake(rate_limit_per_hour=1, trusted_proxies="127.0.0.1/32")
        async with running_intake(settings) as intake:
            state = await intake.catalogue(document_state())
            assert await self._post(intake, state, "203.0.113.1") == 303
            assert await self._post(intake, state, "203.0.113.2") == 303
            assert await self._post(intake, state, "203.0.113.1") == 429


class TestSharedAddress:
    async def test_forty_people_behind_one_office_address_all_get_through(
        self, intake: Intake
    ) -> None:
        """Defaults: a commune office's 40 people, three comments each, in one hour."""
        state = await intake.catalogue(document_state())
        for person in range(40):
            async with httpx.AsyncClient(  # each their own browser, own reading page
                transport=httpx.ASGITransport(app=intake.app), base_url="http://gopy.test:8002"
            ) as browser:
                token = intake.token(state)
                for n in range(3):
                    form = intake.form(state, text=f"Người {person}, ý kiến {n}")
                    response = await browser.post("/comments", data={**form, "form_token": token})
                    assert response.status_code == 303, response.text
        assert (await intake.stored())[0] == 120

    async def test_one_page_is_stopped_behind_a_shared_address(
        self, make_intake: IntakeFactory
    ) -> None:
        settings = make_intake(rate_limit_per_page_hour=3, rate_limit_per_browser_hour=100)
        async with running_intake(settings) as intake:
            state = await intake.catalogue(document_state())
            token = intake.token(state)
            rate = TestRatePerHour()
            codes = [await rate._post(intake, state, token=token) for _ in range(4)]
            assert codes == [303, 303, 303, 429]
            assert "từ trình duyệt này" in rate.last.text
            # Another person in the same office (own page, own browser) is not held back.
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=intake.app), base_url="http://gopy.test:8002"
            ) as other:
                form = intake.form(state, text="Ý kiến của người khác")
                assert (await other.post("/comments", data=form)).status_code == 303

    async def test_one_browser_is_stopped_whatever_page_it_sends_from(
        self, make_intake: IntakeFactory
    ) -> None:
        settings = make_intake(rate_limit_per_page_hour=100, rate_limit_per_browser_hour=2)
        async with running_intake(settings) as intake:
            state = await intake.catalogue(document_state())
            rate = TestRatePerHour()
            codes = [await rate._post(intake, state, token=intake.token(state)) for _ in range(3)]
            assert codes == [303, 303, 429]
            assert "từ trình duyệt này" in rate.last.text

    async def test_one_sender_is_stopped_on_the_api_too(self, make_intake: IntakeFactory) -> None:
        async with running_intake(make_intake(rate_limit_per_sender_hour=2)) as intake:
            state = await intake.catalogue(document_state())
            codes = []
            for n in range(3):
                body = {
                    "document_id": str(state.document_id),
                    "text": f"Ý kiến {n}",
                    "email": "Mot.Nguoi@example.vn" if n % 2 else "mot.nguoi@example.vn",
                }
                codes.append((await intake.client.post("/api/comments", json=body)).status_code)
            assert codes == [201, 201, 429]
