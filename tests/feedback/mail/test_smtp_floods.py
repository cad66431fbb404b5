"""SMTP floods: per connecting address, per envelope sender and in all, exact under concurrency.

Twelve mail servers deliver at the same moment (one thread each, real SMTP conversations
with the listener of the running feedback app); exactly the limit's number get 250 and
are kept, the others get 451 (try again later) and leave nothing behind.
"""

from __future__ import annotations

import asyncio
import smtplib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from services.feedback.models import InboundMessage
from shared.broker import free_port
from tests.factories import document_state
from tests.feedback.conftest import Intake, IntakeFactory, running_intake
from tests.feedback.mail.test_inbox_channels import CONSULTATION, letter

SENDERS = 12
OFF = {
    "intake_smtp_per_address_hour": 0,
    "intake_smtp_per_sender_hour": 0,
    "intake_smtp_messages_per_minute": 0,
}


def _deliver(port: int, sender: str, n: int) -> int:
    """One delivery; the reply code that ended it (250 when kept)."""
    raw = letter(f"Góp ý số {n}", f"Đề nghị bổ sung số liệu, ý kiến số {n}.", f"<f{n}@example.org>")
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=20) as client:
            client.sendmail(sender, [CONSULTATION], raw)
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
        return int(exc.smtp_code)
    return 250


def _mail_from(port: int, sender: str) -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as client:
        client.ehlo()
        return client.mail(sender)


async def _deliver_together(port: int, senders: list[str]) -> list[int]:
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=len(senders)) as pool:
        return list(
            await asyncio.gather(
                *(loop.run_in_executor(pool, _deliver, port, s, n) for n, s in enumerate(senders))
            )
        )


@pytest.fixture
def listening_intake(make_intake: IntakeFactory) -> Any:
    """``async with listening_intake(**limits) as (intake, port)``: the app with its listener."""

    class Listening:
        def __init__(self, **limits: int) -> None:
            self.port = free_port()
            settings = make_intake(
                intake_smtp_port=self.port, intake_mail_domain="gopy.test", **{**OFF, **limits}
            )
            self.running = running_intake(settings)

        async def __aenter__(self) -> tuple[Intake, int]:
            intake = await self.running.__aenter__()
            state = document_state().model_copy(update={"contact_emails": [CONSULTATION]})
            await intake.catalogue(state)
            return intake, self.port

        async def __aexit__(self, *exc: object) -> None:
            await self.running.__aexit__(*exc)

    return Listening


ONE_SENDER = ["an@example.org"] * SENDERS
MANY_SENDERS = [f"nguoi{n}@example.org" for n in range(SENDERS)]


class TestSmtpLimits:
    @pytest.mark.parametrize(
        ("limit", "senders"),
        [
            ({"intake_smtp_per_sender_hour": 3}, ONE_SENDER),
            ({"intake_smtp_per_address_hour": 4}, MANY_SENDERS),
            ({"intake_smtp_messages_per_minute": 5}, MANY_SENDERS),
        ],
        ids=["one-sender", "one-address", "everyone"],
    )
    async def test_exactly_the_limit_is_kept_of_simultaneous_deliveries(
        self, listening_intake: Any, limit: dict[str, int], senders: list[str]
    ) -> None:
        """Every delivery comes from 127.0.0.1: only the limit under test is on."""
        (allowed,) = limit.values()
        async with listening_intake(**limit) as (intake, port):
            codes = await _deliver_together(port, senders)
            assert Counter(codes) == {250: allowed, 451: SENDERS - allowed}
            assert await intake.count(InboundMessage) == allowed

    async def test_a_refused_sender_is_told_at_mail_from_next_time(
        self, listening_intake: Any
    ) -> None:
        async with listening_intake(intake_smtp_per_sender_hour=1) as (intake, port):
            assert await _deliver_together(port, ["an@example.org"]) == [250]
            code, reply = await asyncio.to_thread(_mail_from, port, "AN@example.org")
            assert code == 451 and b"rate limited" in reply
            assert await intake.count(InboundMessage) == 1
