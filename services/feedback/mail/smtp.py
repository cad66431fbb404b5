"""The SMTP listener (aiosmtpd): mail sent to a consultation's address becomes comments.

Recipients are checked at RCPT time, so mail for anyone else is refused before its body
is sent. The raw message is committed to the inbox before ``250`` is answered: from
that moment the sender's server may forget it, and we may not.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.feedback.flood import FloodGates, Gate
from services.feedback.mail.inbox import documents_for_recipient, store_raw
from shared.db import unit_of_work
from shared.storage_errors import storage_failure

log = logging.getLogger(__name__)
# aiosmtpd logs every command of the conversation at INFO, envelope sender and recipients
# included: personal data in every log line. Its warnings (broken sessions) still show.
SMTP_CONVERSATION_LOG = "mail.log"
# RFC 3463 4.7.1: delivery not authorized, temporarily: a well-behaved server retries later.
ADDRESS_REPLY = "451 4.7.1 Qua nhieu thu tu dia chi nay, xin gui lai sau (rate limited)"
SENDER_REPLY = "451 4.7.1 Qua nhieu thu tu nguoi gui nay, xin gui lai sau (rate limited)"
ALL_REPLY = "451 4.7.1 He thong dang nhan qua nhieu thu, xin gui lai sau (rate limited)"


class IntakeHandler:
    """aiosmtpd handler: accept mail for open consultations, store it, wake the reader.

    Replies are ASCII (Vietnamese without diacritics, then English): RFC 5321 replies are
    ASCII unless SMTPUTF8 was negotiated, and old mail servers show them to the sender.

    Floods: messages are counted per connecting address, per envelope sender and in all
    (``FloodGates``); past a limit the answer is 451, so the sending server retries later.
    MAIL FROM is refused early when a limit is already full; the message is counted, and
    the decision taken, at the end of DATA, before anything is stored.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        mail_domain: str,
        on_stored: Callable[[], None] | None = None,
        gates: FloodGates | None = None,
    ) -> None:
        self._sessions = sessions
        self._mail_domain = mail_domain
        self._on_stored = on_stored
        self._gates = gates

    def _limits(self, session: Session, sender: str | None) -> list[tuple[Gate, str]]:
        """Each SMTP limit that applies, with the reply given past it."""
        gates = self._gates
        if gates is None:
            return []
        peer = session.peer[0] if isinstance(session.peer, tuple) and session.peer else ""
        return [
            (Gate(gates.smtp_per_address, ("smtp-address", gates.key(str(peer)))), ADDRESS_REPLY),
            (
                Gate(gates.smtp_per_sender, ("smtp-sender", gates.key((sender or "").lower()))),
                SENDER_REPLY,
            ),
            (Gate(gates.smtp_messages, ("smtp",)), ALL_REPLY),
        ]

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        for gate, refusal in self._limits(session, address):
            if self._gates and await self._gates.full(gate):
                return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def _admit(self, session: Session, envelope: Envelope) -> str | None:
        """Count one message under every SMTP limit; the refusal to answer, if any."""
        for gate, refusal in self._limits(session, envelope.mail_from):
            if self._gates and await self._gates.admit(gate):
                return refusal
        return None

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        try:
            async with self._sessions() as db:
                documents = await documents_for_recipient(db, address, self._mail_domain)
        except Exception as exc:
            return _try_later(exc, "recipient check failed", BUSY)
        if not documents:
            return "550 5.1.1 Dia chi nay khong nhan gop y (no open consultation at this address)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):  # only with decode_data=True, which we never set
            raw = raw.encode("utf-8", "surrogateescape")
        refusal = await self._admit(session, envelope)
        if refusal is not None:
            return refusal
        try:
            async with unit_of_work(self._sessions) as db:
                store_raw(
                    db,
                    raw,
                    source="smtp",
                    envelope_from=envelope.mail_from,
                    envelope_to=list(envelope.rcpt_tos),
                    source_ref=f"smtp:{session.peer[0] if session.peer else ''}",
                )
        except Exception as exc:
            return _try_later(exc, "could not store an incoming message", NOT_STORED)
        if self._on_stored:
            self._on_stored()
        return "250 2.0.0 Da nhan thu gop y (message accepted)"


BUSY = "451 4.3.0 He thong tam thoi ban, xin gui lai sau (try again later)"
NOT_STORED = "451 4.3.0 Chua luu duoc thu, xin gui lai sau (try again later)"
NO_SPACE = "452 4.3.1 He thong het cho luu tru, xin gui lai sau (insufficient system storage)"


def _try_later(exc: Exception, what: str, reply: str) -> str:
    """A temporary refusal: the sender's server keeps the message and tries again. A database
    out of reach is logged in one line (it is expected, and the web answers say it too)."""
    failure = storage_failure(exc)
    if failure is None:
        log.exception(what)
        return reply
    log.warning("%s: database unavailable (%s)", what, failure.reason)
    return NO_SPACE if failure.status_code == 507 else reply


async def start_listener(
    handler: IntakeHandler, host: str, port: int, *, max_bytes: int, hostname: str
) -> asyncio.base_events.Server:
    """Listen for SMTP on (host, port) in the running event loop."""
    logging.getLogger(SMTP_CONVERSATION_LOG).setLevel(logging.WARNING)
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: SMTP(
            handler,
            data_size_limit=max_bytes,
            enable_SMTPUTF8=True,
            hostname=hostname,
            ident="Gop Y intake",
        ),
        host=host,
        port=port,
    )
