"""Acknowledgement e-mails: queued with the comment, sent through a real SMTP server
(aiosmtpd on a free port), retried while the relay is down, never blocking a comment."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from services.feedback import mailer
from services.feedback.config import FeedbackSettings
from services.feedback.models import MailMessage
from shared.broker import free_port
from tests.factories import document_state
from tests.feedback.conftest import Intake, IntakeFactory, running_intake
from tests.helpers import eventually


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"


def start_smtp(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    port = free_port()
    controller, inbox = start_smtp(port)
    yield port, inbox
    controller.stop()


def _mail_settings(make_intake: IntakeFactory, port: int, **extra: Any) -> FeedbackSettings:
    return make_intake(  # type: ignore[no-any-return]
        smtp_host="127.0.0.1",
        smtp_port=port,
        mail_poll_seconds=0.05,
        mail_retry_base_seconds=0.1,
        mail_retry_max_seconds=0.2,
        **extra,
    )


async def _mails(intake: Intake) -> list[MailMessage]:
    async with intake.app.state.runtime.sessions() as s:
        return list((await s.execute(select(MailMessage))).scalars())


async def _comment(intake: Intake, **extra: str) -> str:
    state = await intake.catalogue(document_state())
    form = intake.form(state, email="cu.tri@example.vn", consent="yes", **extra)
    response = await intake.client.post("/comments", data=form)
    assert response.status_code == 201, response.text
    code = response.text.split('class="receipt"')[1].split(">")[1].split("<")[0]
    return code


class TestAcknowledgement:
    async def test_the_receipt_code_arrives_by_mail(
        self, make_intake: IntakeFactory, smtp: tuple[int, Inbox]
    ) -> None:
        port, inbox = smtp
        async with running_intake(_mail_settings(make_intake, port)) as intake:
            code = await _comment(intake, name="Đặng Văn G")
            await eventually(lambda: _mails(intake), lambda rows: rows[0].status == "sent")
        assert len(inbox.messages) == 1
        message = inbox.messages[0]
        assert message["To"] == "cu.tri@example.vn"
        assert code in str(message["Subject"]) and "Đã nhận ý kiến" in str(message["Subject"])
        body = message.get_content()  # type: ignore[attr-defined]
        assert f"Mã biên nhận: {code}" in body
        assert "http://gopy.test:8002/receipt\n" in body and f"?code={code}" not in body
        assert "Nghị định 13/2023/NĐ-CP" in body

    async def test_a_relay_that_is_down_delays_the_mail_not_the_comment(
        self, make_intake: IntakeFactory
    ) -> None:
        port = free_port()  # nothing listens here yet
        async with running_intake(_mail_settings(make_intake, port)) as intake:
            await _comment(intake)
            rows = await eventually(lambda: _mails(intake), lambda rows: rows[0].attempts >= 2)
            assert rows[0].status == "queued" and "ConnectionRefused" in (rows[0].last_error or "")
            assert await intake.stored() == (1, 1, 1)
            controller, inbox = start_smtp(port)
            try:
                await eventually(lambda: _mails(intake), lambda rows: rows[0].status == "sent")
            finally:
                controller.stop()
        assert len(inbox.messages) == 1

    async def test_a_mail_that_keeps_failing_is_given_up_and_recorded(
        self, make_intake: IntakeFactory
    ) -> None:
        settings = _mail_settings(make_intake, free_port(), mail_max_attempts=2)
        async with running_intake(settings) as intake:
            await _comment(intake)
            rows = await eventually(lambda: _mails(intake), lambda rows: rows[0].status == "failed")
        assert rows[0].attempts == 2 and rows[0].sent_at is None


class TestBackoff:
    def test_delays_double_up_to_the_ceiling(self) -> None:
        settings = FeedbackSettings(mail_retry_base_seconds=30, mail_retry_max_seconds=3600)
        delays = [mailer.retry_delay(settings, n).total_seconds() for n in range(1, 10)]
        assert delays[:4] == [30, 60, 120, 240]
        assert delays[-1] == 3600
