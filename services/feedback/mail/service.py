"""Starts the e-mail channel with the feedback service: reader, SMTP listener, IMAP poller."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from services.feedback.config import FeedbackSettings
from services.feedback.intake import CommentIntake
from services.feedback.mail.imap import ImapAccount, ImapPoller
from services.feedback.mail.processor import MailIntakeOptions, MailProcessor
from services.feedback.mail.smtp import IntakeHandler, start_listener
from shared.service_app import Runtime

log = logging.getLogger(__name__)


@dataclass
class MailIntake:
    """The running parts, for tests and for the readiness page."""

    processor: MailProcessor
    smtp_port: int | None = None
    imap: ImapPoller | None = None


def options_from(settings: FeedbackSettings) -> MailIntakeOptions:
    return MailIntakeOptions(
        mail_domain=settings.intake_mail_domain.lower(),
        default_document_slug=settings.intake_default_document,
        reply_from=settings.intake_reply_from,
    )


def imap_account(settings: FeedbackSettings) -> ImapAccount:
    return ImapAccount(
        host=settings.imap_host,
        port=settings.imap_port,
        username=settings.imap_username,
        password=settings.imap_password,
        folder=settings.imap_folder,
        use_ssl=settings.imap_ssl,
        starttls=settings.imap_starttls,
        processed_folder=settings.imap_processed_folder,
        idle_seconds=settings.imap_idle_seconds,
        poll_seconds=settings.imap_poll_seconds,
    )


@asynccontextmanager
async def start_mail_intake(
    runtime: Runtime, intake: CommentIntake, settings: FeedbackSettings
) -> AsyncIterator[MailIntake]:
    """Run the reader always (imports leave messages too); SMTP and IMAP when configured."""
    processor = MailProcessor(
        runtime.sessions, intake, options_from(settings), poll_seconds=settings.intake_poll_seconds
    )
    mail = MailIntake(processor)
    runtime.tasks.append(asyncio.create_task(processor.run(runtime.stop)))
    server = None
    if settings.intake_smtp_port:
        handler = IntakeHandler(
            runtime.sessions,
            mail_domain=settings.intake_mail_domain.lower(),
            on_stored=processor.notify,
            gates=intake.gates,
        )
        server = await start_listener(
            handler,
            settings.intake_smtp_host,
            settings.intake_smtp_port,
            max_bytes=settings.intake_max_message_bytes,
            hostname=settings.intake_smtp_hostname,
        )
        mail.smtp_port = settings.intake_smtp_port
        log.info("SMTP intake listening on %s:%s", settings.intake_smtp_host, mail.smtp_port)
    if settings.imap_host:
        mail.imap = ImapPoller(runtime.sessions, imap_account(settings), processor.notify)
        runtime.tasks.append(asyncio.create_task(mail.imap.run(runtime.stop)))
    try:
        yield mail
    finally:
        if server is not None:
            server.close()
            await server.wait_closed()
