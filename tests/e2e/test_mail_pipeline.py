"""E-mail end to end: a message to the running SMTP listener, or delivered to a real IMAP
mailbox (Dovecot), becomes comments on the right sections in the aggregator's tallies."""

from __future__ import annotations

import asyncio
import smtplib
import tempfile
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from shared.broker import free_port
from tests.feedback.mail.dovecot import Dovecot
from tests.helpers import eventually
from tests.stack import Stack, StackFactory

CONSULTATION = "vanphong@example.vn"  # the address SMALL_DRAFT's invitation gives


def letter(body: str, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Phạm Thị Dung <dung@dan.example>"
    message["To"] = CONSULTATION
    message["Subject"] = "Góp ý dự thảo báo cáo chính trị"
    message["Message-ID"] = message_id
    message.set_content(body)
    return message.as_bytes(policy=SMTP)


BODY = (
    "Kính gửi Tiểu ban Văn kiện,\n\n"
    "Góp ý mục 1.1 phần thứ nhất: cần nêu rõ sản lượng lúa từng năm.\n\n"
    "Góp ý mục I phần thứ hai: mục tiêu cần có chỉ tiêu cụ thể hơn.\n\n"
    "Trân trọng,\nPhạm Thị Dung\n"
)


def by_channel(rows: list[dict[str, object]], path: tuple[str, ...]) -> dict[str, int]:
    for row in rows:
        if tuple(row["path"]) == path:  # type: ignore[arg-type]
            return row["by_channel"]  # type: ignore[return-value]
    return {}


async def wait_for_email_tallies(stack: Stack, document_id: str) -> list[dict[str, object]]:
    part_one_item = ("Phần thứ nhất", "I", "1", "1.1")
    part_two_goal = ("Phần thứ hai", "I")

    def counted(rows: list[dict[str, object]]) -> bool:
        return (
            by_channel(rows, part_one_item).get("email") == 1
            and by_channel(rows, part_two_goal).get("email") == 1
        )

    await eventually(lambda: stack.tally_rows(document_id), counted, timeout=60)
    await stack.wait_consumed()
    return await stack.tally_rows(document_id)


class TestSmtpEndToEnd:
    async def test_a_message_sent_with_smtplib_is_tallied_by_section_and_channel(
        self, make_stack: StackFactory
    ) -> None:
        port = free_port()
        stack = make_stack(FEEDBACK_INTAKE_SMTP_PORT=str(port)).start()
        document = await stack.publish_draft()
        raw = letter(BODY, "<e2e-smtp@dan.example>")

        def send() -> None:
            with smtplib.SMTP("127.0.0.1", port, timeout=15) as client:
                client.sendmail("dung@dan.example", [CONSULTATION], raw)

        await asyncio.to_thread(send)
        rows = await wait_for_email_tallies(stack, document["id"])
        whole = next(r for r in rows if tuple(r["path"]) == ("Phần thứ nhất",))
        assert whole["by_channel"] == {"web": 0, "email": 1, "post": 0}
        assert sum(r["total"] for r in rows if len(r["path"]) == 1) == 2


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot.start(Path(tempfile.mkdtemp(prefix="gopy-dovecot-")))
    yield server
    server.stop()


class TestImapEndToEnd:
    async def test_a_message_in_the_mailbox_is_read_once_and_tallied(
        self, make_stack: StackFactory, dovecot: Dovecot
    ) -> None:
        stack = make_stack(
            FEEDBACK_IMAP_HOST="127.0.0.1",
            FEEDBACK_IMAP_PORT=str(dovecot.port),
            FEEDBACK_IMAP_SSL="false",
            FEEDBACK_IMAP_USERNAME=dovecot.username,
            FEEDBACK_IMAP_PASSWORD=dovecot.password,
            FEEDBACK_IMAP_POLL_SECONDS="1",
        ).start()
        document = await stack.publish_draft()
        dovecot.deliver(letter(BODY, "<e2e-imap@dan.example>"))
        rows = await wait_for_email_tallies(stack, document["id"])
        assert sum(r["total"] for r in rows if len(r["path"]) == 1) == 2
        # a restarted feedback service resumes after the last message: nothing read twice
        stack.stop("feedback")
        stack.start("feedback")
        second = "Góp ý mục 1.1 phần thứ nhất: thêm số liệu năm 2020."
        dovecot.deliver(letter(second, "<e2e-imap-2@dan.example>"))
        item = ("Phần thứ nhất", "I", "1", "1.1")

        async def item_emails() -> int:
            return by_channel(await stack.tally_rows(document["id"]), item).get("email", 0)

        await eventually(item_emails, lambda n: n >= 2, timeout=60)
        await stack.wait_consumed()
        assert await item_emails() == 2
