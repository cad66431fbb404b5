"""Low: 3,000 random receipt codes were tried against look-up and withdrawal with no 429.
Attempts are throttled per client address and overall, with Retry-After."""

from __future__ import annotations

import httpx

from tests.feedback.conftest import IntakeFactory, running_intake


def _client(app: object, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://gopy.test:8002")


class TestReceiptCodesCannotBeTriedWithoutLimit:
    async def test_one_address_is_throttled_on_look_up_and_withdrawal(
        self, make_intake: IntakeFactory
    ) -> None:
        settings = make_intake(receipt_attempts_per_minute_per_address=5)
        async with running_intake(settings) as intake:
            async with _client(intake.app, "198.51.100.7") as guesser:
                answers = [
                    (await guesser.get(f"/api/receipts/ABCDE-FGH{n}K")).status_code
                    for n in range(2, 7)
                ]
                assert 429 not in answers
                lookup = await guesser.get("/api/receipts/ABCDE-FGHJK")
                assert lookup.status_code == 429
                assert int(lookup.headers["Retry-After"]) >= 1
                assert "thử lại sau" in lookup.json()["detail"]
                withdrawal = await guesser.post("/api/receipts/ABCDE-FGHJK/withdraw")
                assert withdrawal.status_code == 429
                page = await guesser.get("/receipt", params={"code": "ABCDE-FGHJK"})
                assert page.status_code == 429 and "thử lại sau" in page.text
                assert (await guesser.get("/receipt")).status_code == 200  # the empty form
            async with _client(intake.app, "198.51.100.8") as neighbour:
                assert (await neighbour.get("/api/receipts/ABCDE-FGHJK")).status_code == 404

    async def test_all_addresses_together_are_throttled(self, make_intake: IntakeFactory) -> None:
        settings = make_intake(receipt_attempts_per_minute=4)
        async with running_intake(settings) as intake:
            codes = []
            for n in range(6):
                async with _client(intake.app, f"203.0.113.{n + 1}") as guesser:
                    codes.append((await guesser.get("/api/receipts/ABCDE-FGHJK")).status_code)
            assert codes[:4] == [404] * 4 and codes[4:] == [429, 429]

    async def test_a_forged_forwarded_for_does_not_reset_the_count(
        self, make_intake: IntakeFactory
    ) -> None:
        settings = make_intake(receipt_attempts_per_minute_per_address=2)
        async with running_intake(settings) as intake:
            async with _client(intake.app, "198.51.100.7") as guesser:
                statuses = [
                    (
                        await guesser.get(
                            "/api/receipts/ABCDE-FGHJK", headers={"X-Forwarded-For": f"10.9.9.{n}"}
                        )
                    ).status_code
                    for n in range(3)
                ]
            assert statuses[-1] == 429
