"""E-mail and post through the feedback service: stored, read, filed once, answered once."""

from __future__ import annotations

import asyncio
import functools
import mailbox
import smtplib
import subprocess
import sys
from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from services.feedback.mail.importer import iter_raw_messages
from services.feedback.models import Comment, InboundMessage, LetterScan, MailMessage
from shared import events as ev
from shared.audit import AuditEntry
from shared.auth import issue_token
from shared.broker import free_port
from tests.factories import document_state
from tests.feedback.conftest import Intake, IntakeFactory, running_intake

CONSULTATION = "gopyvankien@example.vn"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def mail(
    body: str,
    *,
    subject: str = "Góp ý dự thảo",
    message_id: str = "<m1@dan.example>",
    sender: str = "Trần Thị Bình <binh@dan.example>",
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = CONSULTATION
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes(policy=SMTP)


@functools.cache
def consultation() -> ev.DocumentState:
    """One draft for the whole module (ids stay the same between calls)."""
    state = document_state()
    sections = [
        s.model_copy(update={"text": "Sản lượng lương thực đạt 9.052 tấn."})
        if s.number == "1.1"
        else s
        for s in state.sections
    ]
    return state.model_copy(
        update={
            "contact_emails": [CONSULTATION],
            "postal_addresses": [
                "Ban Tuyên giáo Tỉnh ủy, số 1 đường Võ Nguyên Giáp, tỉnh Điện Biên"
            ],
            "slug": "bao-cao",
            "sections": sections,
        }
    )


async def until(check, what: str, timeout: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        found = await check()
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def rows(intake: Intake, model: type, *where: object) -> list:  # type: ignore[type-arg]
    async with intake.app.state.runtime.sessions() as session:
        return list((await session.execute(select(model).where(*where))).scalars().all())


async def settled(intake: Intake, count: int) -> list[InboundMessage]:
    async def check() -> list[InboundMessage] | None:
        found = await rows(intake, InboundMessage)
        done = [m for m in found if m.status != "pending"]
        return found if len(found) == count and len(done) == count else None

    return await until(check, f"{count} messages read")  # type: ignore[no-any-return]


def send(port: int, raw: bytes, recipient: str = CONSULTATION) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.sendmail("binh@dan.example", [recipient], raw)


@pytest.fixture
async def smtp_intake(make_intake: IntakeFactory):  # type: ignore[no-untyped-def]
    port = free_port()
    async with running_intake(make_intake(intake_smtp_port=port, intake_poll_seconds=0.2)) as it:
        await it.catalogue(consultation())
        it.smtp_port = port  # type: ignore[attr-defined]
        yield it


class TestSmtpToComments:
    async def test_a_message_naming_two_sections_becomes_two_comments_and_one_reply(
        self, smtp_intake: Intake
    ) -> None:
        body = (
            "Kính gửi Tiểu ban,\n\n"
            "Về mục 1.1: đề nghị bổ sung số liệu sản lượng lúa năm 2020.\n\n"
            "Về mục 1: cần nói rõ hơn tăng trưởng kinh tế của tỉnh.\n"
        )
        await asyncio.to_thread(send, smtp_intake.smtp_port, mail(body))  # type: ignore[attr-defined]
        [message] = await settled(smtp_intake, 1)
        assert message.status == "accepted", message.reason
        comments = await rows(smtp_intake, Comment)
        assert len(comments) == 2 and {c.channel for c in comments} == {"email"}
        by_section = {c.section_id for c in comments}
        state = consultation()
        numbers = {s.id: s.number for s in state.sections}
        assert {numbers[s] for s in by_section if s} == {"1.1", "1"}
        assert all(c.email == "binh@dan.example" for c in comments)
        replies = await rows(smtp_intake, MailMessage)
        assert len(replies) == 1
        assert replies[0].to_address == "binh@dan.example"
        assert replies[0].from_address == CONSULTATION
        assert all(c.receipt in replies[0].body for c in comments)

    async def test_the_same_message_twice_is_recorded_once(self, smtp_intake: Intake) -> None:
        raw = mail("Đề nghị bổ sung số liệu về giảm nghèo.")
        port = smtp_intake.smtp_port  # type: ignore[attr-defined]
        await asyncio.to_thread(send, port, raw)
        await settled(smtp_intake, 1)
        await asyncio.to_thread(send, port, raw)
        messages = await settled(smtp_intake, 2)
        assert sorted(m.status for m in messages) == ["accepted", "duplicate"]
        assert len(await rows(smtp_intake, Comment)) == 1
        assert len(await rows(smtp_intake, MailMessage)) == 1

    async def test_auto_reply_is_kept_but_neither_filed_nor_answered(
        self, smtp_intake: Intake
    ) -> None:
        raw = mail(
            "Tôi đang đi công tác đến hết tuần.",
            subject="Trả lời tự động: Góp ý dự thảo",
            headers={"Auto-Submitted": "auto-replied"},
        )
        await asyncio.to_thread(send, smtp_intake.smtp_port, raw)  # type: ignore[attr-defined]
        [message] = await settled(smtp_intake, 1)
        assert message.status == "not_a_comment" and message.raw == raw
        assert await rows(smtp_intake, Comment) == []
        assert await rows(smtp_intake, MailMessage) == []


def clerk_headers(intake: Intake) -> dict[str, str]:
    token = issue_token(
        intake.settings.signing_keys, "van-thu-1", ["clerk"], ttl=timedelta(hours=1)
    )
    return {"Authorization": f"Bearer {token}"}


class TestClerkQuarantine:
    async def test_a_message_citing_a_missing_section_waits_for_a_clerk_who_files_it(
        self, smtp_intake: Intake
    ) -> None:
        raw = mail("Góp ý mục 9.9: nên bỏ đoạn này.", message_id="<q1@dan.example>")
        await asyncio.to_thread(send, smtp_intake.smtp_port, raw)  # type: ignore[attr-defined]
        [message] = await settled(smtp_intake, 1)
        assert message.status == "quarantined" and message.reason
        headers = clerk_headers(smtp_intake)
        queue = await smtp_intake.client.get("/van-thu", headers=headers)
        assert queue.status_code == 200 and str(message.id) in queue.text
        page = await smtp_intake.client.get(f"/van-thu/thu/{message.id}", headers=headers)
        assert page.status_code == 200 and "nên bỏ đoạn này" in page.text
        state = consultation()
        filed = await smtp_intake.client.post(
            f"/van-thu/thu/{message.id}/xep",
            headers=headers,
            data={
                "document_id": str(state.document_id),
                "section_id": [str(state.sections[2].id), ""],
                "text": ["Nên bỏ đoạn về sản lượng.", "Ý kiến chung về dự thảo."],
            },
        )
        assert filed.status_code == 303, filed.text
        comments = await rows(smtp_intake, Comment)
        assert len(comments) == 2 and all(c.channel == "email" for c in comments)
        assert all(c.entered_by == "van-thu-1" for c in comments)
        [message] = await rows(smtp_intake, InboundMessage)
        assert message.status == "accepted" and message.handled_by == "van-thu-1"
        actions = {a.action for a in await rows(smtp_intake, AuditEntry)}
        assert {"mail.filed", "comment.entered"} <= actions

    async def test_clerk_pages_refuse_anonymous_and_citizens(self, smtp_intake: Intake) -> None:
        assert (await smtp_intake.client.get("/van-thu")).status_code in (401, 303)
        reviewer = issue_token(
            smtp_intake.settings.signing_keys, "r", ["reviewer"], ttl=timedelta(hours=1)
        )
        page = await smtp_intake.client.get(
            "/van-thu", headers={"Authorization": f"Bearer {reviewer}"}
        )
        assert page.status_code == 403

    async def test_anonymous_upload_refused_before_the_body_is_read(
        self, smtp_intake: Intake
    ) -> None:
        response = await smtp_intake.client.post(
            "/van-thu/thu-buu-dien", content=b"x" * 1_000_000, headers={"Content-Type": "a/b"}
        )
        assert response.status_code == 401


async def _enter_letter(
    intake: Intake, state: ev.DocumentState, scan: tuple[str, bytes], **fields: object
) -> httpx.Response:
    """A clerk enters a letter received today on this consultation, with one scanned page."""
    name, content = scan
    return await intake.client.post(
        "/van-thu/thu-buu-dien",
        headers=clerk_headers(intake),
        data={
            "document_id": str(state.document_id),
            "received": ev.utcnow().date().isoformat(),
            **fields,
        },
        files=[("scan", (name, content, "image/png"))],
    )


class TestPostalLetters:
    @pytest.fixture
    def scans(self, smtp_intake: Intake, tmp_path: Path) -> Path:
        """The folder this intake keeps letter scans in."""
        smtp_intake.settings.scan_dir = str(tmp_path / "scans")
        return tmp_path / "scans"

    async def test_a_letter_with_its_scan_becomes_a_post_comment_with_a_receipt(
        self, smtp_intake: Intake, scans: Path
    ) -> None:
        state = consultation()
        form = await smtp_intake.client.get(
            "/van-thu/thu-buu-dien", headers=clerk_headers(smtp_intake)
        )
        assert "số 1 đường Võ Nguyên Giáp" in form.text  # where the invitation says to write
        response = await _enter_letter(
            smtp_intake,
            state,
            ("trang1.png", PNG),
            name="Lê Văn Cường",
            address="Thôn 3, xã Hòa Bình",
            section_id=[str(state.sections[1].id)],
            text=["Đề nghị quan tâm hơn đến kinh tế nông thôn."],
            form_key="letter-1",
        )
        assert response.status_code == 303, response.text
        done = await smtp_intake.client.get(
            response.headers["location"], headers=clerk_headers(smtp_intake)
        )
        [comment] = await rows(smtp_intake, Comment)
        assert comment.channel == "post" and comment.receipt in done.text
        assert comment.address == "Thôn 3, xã Hòa Bình"
        [scan] = await rows(smtp_intake, LetterScan)
        assert scan.comment_id == comment.id and scan.content_type == "image/png"
        assert (scans / scan.sha256[:2] / scan.sha256).read_bytes() == PNG

    async def test_a_file_that_is_not_an_image_is_refused_and_nothing_stored(
        self, smtp_intake: Intake, scans: Path
    ) -> None:
        state = consultation()
        response = await _enter_letter(
            smtp_intake,
            state,
            ("../../etc/x.png", b"<script>alert(1)</script>"),
            section_id=[""],
            text=["Ý kiến."],
        )
        assert response.status_code == 422
        assert "không phải ảnh" in response.text
        assert await rows(smtp_intake, Comment) == []
        assert not scans.exists()


class TestImportMail:
    def test_mbox_and_folder_are_read_in_order(self, tmp_path: Path) -> None:
        box = mailbox.mbox(tmp_path / "hop-thu.mbox")
        for n in range(3):
            box.add(mail(f"Ý kiến {n}", message_id=f"<mb{n}@x>"))
        box.close()
        (tmp_path / "eml").mkdir()
        (tmp_path / "eml" / "a.eml").write_bytes(mail("Một", message_id="<e1@x>"))
        found = list(iter_raw_messages([tmp_path / "hop-thu.mbox", tmp_path / "eml"]))
        assert [f.reference.rsplit("/", 1)[-1] for f in found] == [
            "hop-thu.mbox#1",
            "hop-thu.mbox#2",
            "hop-thu.mbox#3",
            "a.eml",
        ]

    async def test_import_command_files_comments_and_prints_a_summary(
        self, make_intake: IntakeFactory, tmp_path: Path
    ) -> None:
        settings = make_intake()
        async with running_intake(settings) as running:
            await running.catalogue(consultation())
        folder = tmp_path / "thu"
        folder.mkdir()
        (folder / "1.eml").write_bytes(mail("Góp ý mục 1.1: thêm số liệu.", message_id="<i1@x>"))
        (folder / "2.eml").write_bytes(mail("Góp ý mục 1.1: thêm số liệu.", message_id="<i1@x>"))
        (folder / "3.eml").write_bytes(
            mail("Vắng mặt.", message_id="<i3@x>", headers={"Auto-Submitted": "auto-replied"})
        )
        env = {
            "FEEDBACK_DATABASE_URL": settings.database_url,
            "FEEDBACK_KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
            "PATH": "/usr/bin:/bin",
        }
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "services.feedback", "import-mail", str(folder)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "Nhận thành ý kiến" in done.stdout and "Trùng lặp" in done.stdout
        async with running_intake(settings) as running:
            statuses = sorted(m.status for m in await rows(running, InboundMessage))
            assert statuses == ["accepted", "duplicate", "not_a_comment"]
            [comment] = await rows(running, Comment)
            assert comment.channel == "email"
