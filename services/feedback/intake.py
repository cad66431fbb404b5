"""The one way in for a comment, whatever the channel: ``CommentIntake.accept``.

The JSON API, the web form, and the e-mail (SMTP, IMAP, .eml import) and postal
channels all call it; routes only translate HTTP to a ``CommentDraft`` and a ``Source``
and the ``Receipt`` back. It

1. answers a repeated submission (same idempotency key) with the first receipt;
2. sheds load at once (503 with Retry-After) when too many comments are already being
   stored, then reserves a slot under each hourly limit that applies to the source
   (address, form page, browser, sender's e-mail) and, for the public's web comments,
   under the global rate (``flood.FloodGates``), exactly, also for comments arriving
   together;
3. checks and stores the comment, its ``comments.v1`` outbox row, its acknowledgement
   mail and, when a staff member enters it, its audit line, through the one group
   committer, and returns only after the commit that holds them.

Refusals are ``DomainError``s (422 invalid, 429 over a limit, 503 overloaded) with
Vietnamese messages; 429 and 503 carry the seconds to wait (Retry-After).
"""

from __future__ import annotations

import hashlib
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from services.feedback import service
from services.feedback.config import FeedbackSettings
from services.feedback.flood import FloodGates, Gate
from services.feedback.guards import client_key
from services.feedback.intake_catalogue import CatalogueCache
from services.feedback.models import Comment
from services.feedback.shared_limits import SharedHourlyLimits
from services.feedback.throttle import HourlyLimits, Limit, RateLimited
from services.feedback.validation import clean_text
from shared import audit
from shared.auth import Staff
from shared.events import Channel, utcnow
from shared.group_commit import GroupCommitter
from shared.web import DomainError

_REMEMBERED_KEYS = 10_000
GLOBAL_LIMIT_MESSAGE = (
    "Hệ thống đang nhận quá nhiều ý kiến trong cùng một lúc. Ý kiến của bạn chưa được lưu; "
    "vui lòng gửi lại sau {seconds} giây."
)
OVERLOADED_MESSAGE = (
    "Hệ thống đang quá tải. Ý kiến của bạn chưa được lưu; vui lòng gửi lại sau {seconds} giây."
)


class Overloaded(DomainError):
    """Too many comments are being stored already: come back shortly (nothing was stored)."""

    status_code = 503


@dataclass(frozen=True)
class Source:
    """Who hands a comment in and through what, for the limits and the audit log.

    ``address``: the sender's network address (web); ``page``: the signed form token of
    the reading page it was sent from; ``browser``: the browser's own cookie id;
    ``actor``: the staff member entering it (a clerk typing a letter: channel ``post``).
    """

    channel: Channel
    address: str | None = None
    page: str | None = None
    browser: str | None = None
    actor: Staff | None = None


@dataclass(frozen=True)
class Receipt:
    """What the commenter is given once the comment is durably stored."""

    comment_id: uuid.UUID
    code: str
    received_at: datetime
    # True: this submission was accepted before; this is that first receipt.
    repeated: bool = False


def idempotency_key(*parts: object) -> str:
    """A stable key for "the same submission": e.g. form token, section and text."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()


def form_submission_key(form_token: str, section_id: object, text: str) -> str:
    """The same page, the same section and the same text are one comment, however often sent."""
    return idempotency_key("form", form_token, section_id, clean_text(text))


def hourly_limits(settings: FeedbackSettings) -> HourlyLimits | SharedHourlyLimits:
    """In memory for one instance; in Redis, shared, when the rate-limit storage is Redis."""
    storage = settings.rate_limit_storage.removeprefix("async+")
    if storage.startswith(("redis://", "rediss://", "unix://")):
        return SharedHourlyLimits(storage, settings.rate_limit_key_prefix)
    return HourlyLimits()


class CommentIntake:
    """Accepts comments from every channel through one group committer."""

    def __init__(
        self,
        committer: GroupCommitter,
        sessions: async_sessionmaker[AsyncSession],
        settings: FeedbackSettings,
        limits: HourlyLimits | SharedHourlyLimits | None = None,
        gates: FloodGates | None = None,
        catalogue: CatalogueCache | None = None,
    ) -> None:
        self.committer = committer
        self.catalogue = catalogue or CatalogueCache()
        self.sessions = sessions
        self.settings = settings
        self.limits = limits or hourly_limits(settings)
        self.gates = gates or FloodGates(settings)
        self.in_flight = 0
        self._recent: OrderedDict[str, Receipt] = OrderedDict()

    async def accept(self, draft: service.CommentDraft, source: Source) -> Receipt:
        """Store one comment and return its receipt, or raise a Vietnamese refusal."""
        if source.channel == "post" and source.actor is None:
            raise ValueError("a letter is entered by a staff member: pass the clerk as actor")
        key = draft.idempotency_key
        if key is not None and key in self._recent:
            return self._recent[key]
        public = source.channel == "web" and source.actor is None
        if public and self.in_flight >= self.settings.intake_max_in_flight > 0:
            seconds = self.settings.overload_retry_after_seconds
            raise Overloaded(OVERLOADED_MESSAGE.format(seconds=seconds), retry_after=seconds)
        address_key = (
            client_key(source.address, self.settings.signing_keys) if source.address else None
        )
        reservation = await self.limits.take(self._limits_for(draft, source, address_key))
        self.in_flight += 1
        try:
            return await self._store(draft, source, address_key, reservation.give_back, public)
        finally:
            self.in_flight -= 1

    async def _store(
        self,
        draft: service.CommentDraft,
        source: Source,
        address_key: str | None,
        release: Callable[[], Awaitable[None]],
        public: bool,
    ) -> Receipt:
        """Past the global gate, through the group committer; slots given back on a refusal."""
        key = draft.idempotency_key
        if public:
            try:
                wait = await self.gates.admit(Gate(self.gates.web_comments, ("comments",)))
            except BaseException:
                await release()
                raise
            if wait:
                await release()
                raise RateLimited(GLOBAL_LIMIT_MESSAGE.format(seconds=wait), retry_after=wait)
        entered_by = source.actor.subject if source.actor else None

        async def store(session: AsyncSession) -> Receipt:
            comment = await service.submit_comment(
                session,
                draft,
                channel=source.channel,
                max_chars=self.settings.max_comment_chars,
                feedback_url=self.settings.public_feedback_url,
                client_key=address_key,
                entered_by=entered_by,
                commenter_secret=self.settings.commenter_key_secret,
                catalogue=self.catalogue,
            )
            if source.actor is not None:
                audit.record(
                    session,
                    source.actor,
                    "comment.entered",
                    "comment",
                    comment.id,
                    channel=source.channel,
                    source_ref=draft.source_ref,
                )
            return Receipt(comment.id, comment.receipt, comment.received_at)

        try:
            receipt = await self.committer.submit(store)
        except IntegrityError:
            await release()
            first = await self.first_receipt(key) if key else None
            if first is None:
                raise
            receipt = first
        except BaseException:
            await release()
            raise
        if key is not None:
            self._remember(key, receipt)
        return receipt

    async def close(self) -> None:
        """Let go of the shared counters' connections (Redis), if any."""
        if isinstance(self.limits, SharedHourlyLimits):
            await self.limits.close()

    async def first_receipt(self, key: str) -> Receipt | None:
        """The receipt of the comment stored earlier under this idempotency key."""
        async with self.sessions() as session:
            comment = (
                await session.execute(select(Comment).where(col(Comment.idempotency_key) == key))
            ).scalar_one_or_none()
        if comment is None:
            return None
        return Receipt(comment.id, comment.receipt, comment.received_at, repeated=True)

    async def warm_up(self, now: datetime | None = None) -> None:
        """Count the last hour's comments per address, so a restart does not reset the limit."""
        since = (now or utcnow()) - timedelta(hours=1)
        query = (
            select(col(Comment.client_key), col(Comment.received_at))
            .where(col(Comment.client_key).is_not(None), col(Comment.received_at) >= since)
            .order_by(col(Comment.received_at))
        )
        async with self.sessions() as session:
            for key, at in (await session.execute(query)).all():
                self.limits.seed(f"address:{key}", at.timestamp())

    def _remember(self, key: str, receipt: Receipt) -> None:
        first = Receipt(receipt.comment_id, receipt.code, receipt.received_at, repeated=True)
        self._recent[key] = first
        self._recent.move_to_end(key)
        while len(self._recent) > _REMEMBERED_KEYS:
            self._recent.popitem(last=False)

    def _limits_for(
        self, draft: service.CommentDraft, source: Source, address_key: str | None
    ) -> list[Limit]:
        """Staff entering letters are not limited; everyone else by each thing we can tell."""
        if source.actor is not None:
            return []
        s, keys = self.settings, self.settings.signing_keys
        limits: list[Limit] = []
        if address_key is not None:
            n = s.rate_limit_per_hour
            limits.append(
                Limit(
                    f"address:{address_key}",
                    n,
                    f"Đã có {n} ý kiến gửi từ địa chỉ mạng này trong một giờ qua, là mức tối đa "
                    "cho một địa chỉ. Vui lòng thử lại sau ít phút.",
                )
            )
        browser_message = (
            "Bạn đã gửi {n} ý kiến trong một giờ qua từ trình duyệt này, là mức tối đa. "
            "Vui lòng thử lại sau ít phút, hoặc gộp các ý kiến vào một lần gửi."
        )
        if source.page:
            n = s.rate_limit_per_page_hour
            limits.append(
                Limit(f"page:{client_key(source.page, keys)}", n, browser_message.format(n=n))
            )
        if source.browser:
            n = s.rate_limit_per_browser_hour
            limits.append(
                Limit(f"browser:{client_key(source.browser, keys)}", n, browser_message.format(n=n))
            )
        if draft.email and draft.email.strip():
            n = s.rate_limit_per_sender_hour
            sender = client_key(draft.email.strip().lower(), keys)
            limits.append(
                Limit(
                    f"sender:{sender}",
                    n,
                    f"Địa chỉ thư điện tử này đã gửi {n} ý kiến trong một giờ qua, là mức tối đa. "
                    "Vui lòng thử lại sau, hoặc gộp các ý kiến vào một lần gửi.",
                )
            )
        return limits
