"""SMTP listener and IMAP poller: every message kept before it is acknowledged, none twice."""

from __future__ import annotations

import asyncio
import contextlib
import smtplib
import tempfile
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.feedback import service
from services.feedback.mail.imap import ImapAccount, ImapPoller
from services.feedback.mail.smtp import IntakeHandler, start_listener
from services.feedback.models import ImapCursor, InboundMessage
from shared.broker import free_port
from shared.db import create_engine, session_factory
from tests.factories import document_state, published
from tests.feedback.mail.dovecot import Dovecot

CONSULTATION = "gopyvankien@example.vn"
PROCESSED = "Da-doc"


def letter(subject: str, body: str, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Nguyễn Văn An <an@example.org>"
    message["To"] = CONSULTATION
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(body)
    return message.as_bytes(policy=SMTP)  # CRLF, as it travels


@pytest.fixture
async def sessions(
    clean_databases: dict[str, str],
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(clean_databases["feedback"])
    factory = session_factory(engine)
    state = document_state()
    state = state.model_copy(update={"contact_emails": [CONSULTATION], "slug": "du-thao-bao-cao"})
    async with factory() as session:
        await service.apply_document_events(session, [published(state)])
        await session.commit()
    yield factory
    await engine.dispose()


async def stored(sessions: async_sessionmaker[AsyncSession]) -> list[InboundMessage]:
    async with sessions() as session:
        query = select(InboundMessage).order_by(InboundMessage.received_at)  # type: ignore[arg-type]
        return list((await session.execute(query)).scalars().all())


@contextlib.asynccontextmanager
async def listening(
    sessions: async_sessionmaker[AsyncSession], max_bytes: int = 200_000, **handler: object
) -> AsyncIterator[int]:
    """The SMTP listener on a free port for one test; yields the port."""
    port = free_port()
    intake = IntakeHandler(sessions, mail_domain="gopy.test", **handler)  # type: ignore[arg-type]
    server = await start_listener(intake, "127.0.0.1", port, max_bytes=max_bytes, hostname="x")
    try:
        yield port
    finally:
        server.close()
        await server.wait_closed()


class TestSmtpListener:
    async def test_mail_for_the_consultation_is_stored_before_250(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        woken = asyncio.Event()
        async with listening(sessions, on_stored=woken.set) as port:
            raw = letter("Góp ý mục 1.1", "Đề nghị bổ sung số liệu.", "<a1@example.org>")
            refused = await asyncio.to_thread(_send, port, raw, [CONSULTATION])
            assert refused == {}
            rows = await stored(sessions)
            assert len(rows) == 1 and rows[0].raw == raw and rows[0].status == "pending"
            assert rows[0].envelope_to == [CONSULTATION] and rows[0].message_id == "a1@example.org"
            assert woken.is_set()

    async def test_other_recipients_refused_at_rcpt_and_nothing_stored(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        async with listening(sessions) as port:
            raw = letter("Quảng cáo", "Mua ngay", "<spam@example.org>")
            with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
                await asyncio.to_thread(_send, port, raw, ["someone@example.vn"])
            code, _text = refused.value.recipients["someone@example.vn"]
            assert code == 550
            assert await stored(sessions) == []

    async def test_own_address_of_a_draft_accepted(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        async with listening(sessions) as port:
            raw = letter("Góp ý", "Nội dung.", "<own@example.org>")
            await asyncio.to_thread(_send, port, raw, ["Du-Thao-Bao-Cao@gopy.test"])
            assert len(await stored(sessions)) == 1

    async def test_oversized_message_refused_and_not_stored(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        async with listening(sessions, max_bytes=5_000) as port:
            raw = letter("Dài", "Ý kiến rất dài. " * 2_000, "<big@example.org>")
            with pytest.raises(smtplib.SMTPException):
                await asyncio.to_thread(_send, port, raw, [CONSULTATION])
            assert await stored(sessions) == []


def _send(port: int, raw: bytes, recipients: list[str]) -> dict[str, tuple[int, bytes]]:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        return client.sendmail("an@example.org", recipients, raw)


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    # Dovecot's own users must reach the folder: pytest's tmp_path is private to root.
    server = Dovecot.start(Path(tempfile.mkdtemp(prefix="gopy-dovecot-")))
    yield server
    server.stop()


def new_folder(dovecot: Dovecot, **options: object) -> ImapAccount:
    """A fresh folder of the test mailbox (each test its own) and an account reading it."""
    folder = f"Gopy{free_port()}"
    client = dovecot.client()
    client.create_folder(folder)
    client.logout()
    return ImapAccount(
        host="127.0.0.1",
        port=dovecot.port,
        username=dovecot.username,
        password=dovecot.password,
        folder=folder,
        use_ssl=False,
        **options,  # type: ignore[arg-type]
    )


class TestImapPoller:
    async def test_new_mail_read_once_and_resumed_after_restart(
        self, sessions: async_sessionmaker[AsyncSession], dovecot: Dovecot
    ) -> None:
        account = new_folder(dovecot)
        folder = account.folder
        for n in range(3):
            dovecot.deliver(letter(f"Góp ý {n}", f"Ý kiến số {n}.", f"<imap{n}@x>"), folder)
        first = ImapPoller(sessions, account)
        assert await first.poll_once() == 3
        assert await first.poll_once() == 0  # nothing new: nothing read twice
        await first._disconnect()

        dovecot.deliver(letter("Góp ý 3", "Ý kiến số 3.", "<imap3@x>"), folder)
        restarted = ImapPoller(sessions, account)  # a new process: only the database remembers
        assert await restarted.poll_once() == 1
        await restarted._disconnect()

        rows = await stored(sessions)
        assert [r.message_id for r in rows] == [f"imap{n}@x" for n in range(4)]
        assert all(r.source == "imap" for r in rows)
        async with sessions() as session:
            cursor = (await session.execute(select(ImapCursor))).scalar_one()
            assert cursor.last_uid == 4
        check = dovecot.client()
        check.select_folder(folder)
        assert sorted(check.search(["SEEN"])) == [1, 2, 3, 4]
        check.logout()

    async def test_processed_mail_moved_to_its_folder(
        self, sessions: async_sessionmaker[AsyncSession], dovecot: Dovecot
    ) -> None:
        account = new_folder(dovecot, processed_folder=PROCESSED)
        folder = account.folder
        dovecot.deliver(letter("Góp ý", "Ý kiến.", "<move@x>"), folder)
        poller = ImapPoller(sessions, account)
        assert await poller.poll_once() == 1
        await poller._disconnect()
        check = dovecot.client()
        assert check.select_folder(folder)[b"EXISTS"] == 0
        assert check.select_folder(PROCESSED)[b"EXISTS"] == 1
        check.logout()

    async def test_idle_wakes_the_poller_when_mail_arrives(
        self, sessions: async_sessionmaker[AsyncSession], dovecot: Dovecot
    ) -> None:
        account = new_folder(dovecot, poll_seconds=3600)  # only IDLE brings it in time
        folder = account.folder
        stop = asyncio.Event()
        poller = ImapPoller(sessions, account)
        task = asyncio.create_task(poller.run(stop))
        try:
            dovecot.deliver(letter("Góp ý", "Ý kiến đầu tiên.", "<first@x>"), folder)
            await _until(lambda: _count_is(sessions, 1), "the first poll")
            dovecot.deliver(letter("Góp ý", "Ý kiến qua IDLE.", "<idle@x>"), folder)
            await _until(lambda: _count_is(sessions, 2), "a message announced by IDLE")
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=20)

    async def test_mail_that_lands_just_before_idle_does_not_wait_for_the_next_poll(
        self, sessions: async_sessionmaker[AsyncSession], dovecot: Dovecot
    ) -> None:
        account = new_folder(dovecot, poll_seconds=2, idle_seconds=3600)
        poller = ImapPoller(sessions, account)
        assert await poller.poll_once() == 0  # the folder is selected and searched
        dovecot.deliver(letter("Góp ý", "Đến giữa lần tìm và IDLE.", "<race@x>"), account.folder)
        try:
            await asyncio.wait_for(poller._wait_for_news(asyncio.Event()), timeout=10)
            assert await poller.poll_once() == 1
        finally:
            await poller._disconnect()


async def _count_is(sessions: async_sessionmaker[AsyncSession], expected: int) -> bool:
    async with sessions() as session:
        n = (await session.execute(select(func.count()).select_from(InboundMessage))).scalar_one()
    return int(n) == expected


async def _until(check, what: str, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
