"""The background sender of ``mail_queue``: SMTP through a configurable relay, with retries.

Rows are claimed under a short lease (so several instances never send one mail twice at
once), delivered with the standard library's smtplib in a worker thread, then marked
sent, or retried with exponential backoff until ``mail_max_attempts`` and then marked
failed. Nothing here can reach a comment: comments were committed before mails existed.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from services.feedback.config import FeedbackSettings
from services.feedback.models import MailMessage
from shared.db import is_sqlite
from shared.events import utcnow

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)


def build_message(settings: FeedbackSettings, row: MailMessage) -> EmailMessage:
    message = EmailMessage()
    message["From"] = row.from_address or settings.mail_from
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = format_datetime(utcnow())
    # RFC 3834: an automatic reply, so well-behaved auto-responders never answer it back.
    message["Auto-Submitted"] = "auto-replied"
    if row.in_reply_to:
        message["In-Reply-To"] = row.in_reply_to
        message["References"] = row.in_reply_to
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(row.body, charset="utf-8")
    return message


def deliver(settings: FeedbackSettings, message: EmailMessage) -> None:
    """One blocking SMTP transaction (run in a thread: smtplib has no async API)."""
    timeout = settings.smtp_timeout_seconds
    smtp: smtplib.SMTP
    if settings.smtp_ssl:
        smtp = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with smtp:
        if settings.smtp_starttls and not settings.smtp_ssl:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message, to_addrs=[single_recipient(message)])


def single_recipient(message: EmailMessage) -> str:
    """The one parsed address an acknowledgement goes to; never a list smuggled into To."""
    addresses = [address for _name, address in getaddresses(message.get_all("To", []))]
    if len(addresses) != 1 or "@" not in addresses[0]:
        raise ValueError("an acknowledgement goes to exactly one address")
    return addresses[0]


def retry_delay(settings: FeedbackSettings, attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... up to an hour: a relay that is down is not hammered."""
    seconds = settings.mail_retry_base_seconds * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, settings.mail_retry_max_seconds))


class MailSender:
    """Delivers queued mails; run one per instance, as a task of the service's lifespan."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: FeedbackSettings,
        batch_size: int = 20,
    ) -> None:
        self._sessions = sessions
        self._settings = settings
        self._skip_locked = not is_sqlite(settings.database_url)
        self._batch_size = batch_size
        self.sent = 0
        self.failed_attempts = 0

    async def _claim(self) -> list[MailMessage]:
        now = utcnow()
        async with self._sessions() as session, session.begin():
            query = (
                select(MailMessage)
                .where(col(MailMessage.status) == "queued", col(MailMessage.next_attempt_at) <= now)
                .order_by(col(MailMessage.next_attempt_at))
                .limit(self._batch_size)
            )
            if self._skip_locked:
                query = query.with_for_update(skip_locked=True)
            rows = list((await session.execute(query)).scalars().all())
            for row in rows:
                row.next_attempt_at = now + LEASE
        return rows

    async def _record(self, row_id: int, error: str | None) -> None:
        async with self._sessions() as session, session.begin():
            row = await session.get(MailMessage, row_id)
            if row is None:
                return
            now = utcnow()
            row.attempts += 1
            if error is None:
                row.status, row.sent_at, row.last_error = "sent", now, None
                return
            row.last_error = error[:1000]
            if row.attempts >= self._settings.mail_max_attempts:
                row.status = "failed"
            else:
                row.next_attempt_at = now + retry_delay(self._settings, row.attempts)

    async def send_due(self) -> int:
        """Send what is due now; returns how many went out."""
        sent = 0
        for row in await self._claim():
            try:
                message = build_message(self._settings, row)
                await asyncio.to_thread(deliver, self._settings, message)
            except Exception as exc:  # relay down, refused, timed out: retry later
                self.failed_attempts += 1
                log.warning("mail %s not sent (attempt %d): %s", row.id, row.attempts + 1, exc)
                await self._record(row.id or 0, f"{type(exc).__name__}: {exc}")
                continue
            await self._record(row.id or 0, None)
            sent += 1
        self.sent += sent
        return sent

    async def run(self, stop: asyncio.Event) -> None:
        """Poll the queue until stopped; a database error is logged and retried."""
        while not stop.is_set():
            try:
                if await self.send_due():
                    continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("mail sender: %s", exc)
            try:
                await asyncio.wait_for(stop.wait(), timeout=self._settings.mail_poll_seconds)
            except TimeoutError:
                pass
