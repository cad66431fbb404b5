"""One raw message in, its outcome out: the pure reader the intake path and CLI share.

``read_message(raw, catalogue, seen)`` never touches a database or a broker.  The order of
judgement: size bound, machine-sent (auto-reply, bounce, list), same Message-ID, the
comment text (forward, quotes, signature, attachments), spam, same sender and text, then
the sections it names.  Every outcome carries a reason a clerk can read.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from typing import Literal

from .attachments import attachment_text
from .catalogue import Catalogue
from .classify import not_a_comment_reason, spam_reason
from .dedup import SeenStore, content_key
from .headers import first_address, header_text
from .mime import Content, extract_content
from .quotes import split_inline_forward, strip_quotes, strip_signature
from .sections import resolve_sections
from .text import fold_same_length, tidy

log = logging.getLogger(__name__)

Outcome = Literal["accepted", "quarantined", "duplicate", "rejected_spam", "not_a_comment"]
_POINTER = re.compile(
    r"dinh kem|file|tep|tap tin|tai lieu kem|van ban kem|attach|gui kem|kem theo|xem ben duoi"
)
_POINTER_MAX = 400
_SHORT_BODY = 60  # a greeting, not a comment: the attached letter says the rest


@dataclass(frozen=True)
class Limits:
    """Bounds on the work spent on one message (bytes, MIME parts, seconds, forwards)."""

    max_bytes: int = 25 * 1024 * 1024
    max_parts: int = 100
    max_seconds: float = 10.0
    max_forward_depth: int = 3
    max_attachment_bytes: int = 10 * 1024 * 1024
    max_comment_chars: int = 100_000


@dataclass
class ParsedComment:
    """One comment: the section (None and ``()``: the whole document) and its text."""

    section_id: str | None
    section_path: tuple[str, ...]
    text: str


@dataclass
class ParsedMessage:
    """Everything the intake needs to file, quarantine or set aside one message."""

    outcome: Outcome
    comments: list[ParsedComment] = field(default_factory=list)
    sender_email: str = ""
    sender_name: str = ""
    reason: str = ""
    message_id: str = ""
    subject: str = ""
    text: str = ""
    forwarded_by: str = ""
    attachments: list[str] = field(default_factory=list)
    content_key: str = ""


def _only_points_to_attachment(body: str) -> bool:
    folded = fold_same_length(body)
    return not body.strip() or (len(body) <= _POINTER_MAX and bool(_POINTER.search(folded)))


@dataclass
class _Letter:
    text: str = ""
    sender_name: str = ""
    sender_email: str = ""
    subject: str = ""
    attachments: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    truncated: bool = False
    missing_attachment: bool = False


def _letter(message: Message, limits: Limits, depth: int, deadline: float) -> _Letter:
    """The citizen's own words in ``message``, following forwards to the original."""
    content: Content = extract_content(message, limits.max_parts)
    letter = _Letter(truncated=content.truncated)
    if content.forwards and depth < limits.max_forward_depth:
        inner = content.forwards[0]
        original = _letter(inner, limits, depth + 1, deadline)
        if original.text or original.attachments:
            original.sender_name, original.sender_email = first_address(inner, "From")
            original.subject = header_text(inner, "Subject")
            return original
    body = content.body
    forwarded = split_inline_forward(body, header_text(message, "Subject"))
    if forwarded is not None and forwarded.body:
        body = forwarded.body
        letter.sender_name, letter.sender_email = forwarded.sender_name, forwarded.sender_email
    body = strip_signature(strip_quotes(body))
    letter.text = body
    texts = []
    for attachment in content.attachments:
        letter.attachments.append(attachment.filename or attachment.content_type)
        if attachment.kind is None or len(attachment.data) > limits.max_attachment_bytes:
            letter.unreadable.append(attachment.filename or attachment.content_type)
            continue
        if time.monotonic() > deadline:
            letter.truncated = True
            break
        text = attachment_text(attachment.kind, attachment.data, limits.max_comment_chars)
        if text:
            texts.append(strip_signature(text))
        else:
            letter.unreadable.append(attachment.filename or attachment.content_type)
    pointer = _only_points_to_attachment(body)
    if texts and pointer:
        letter.text = "\n\n".join(texts)
    elif texts and len(body) < _SHORT_BODY:
        letter.text = "\n\n".join([body, *texts])
    elif pointer and body:
        letter.missing_attachment = True
    return letter


def _drop_signed_name(text: str, name: str) -> str:
    """A last line that is only the sender's name is a signature, not part of the comment."""
    lines = text.rstrip().split("\n")
    if len(lines) < 2 or not name:
        return text
    last = fold_same_length(lines[-1]).strip(" .,-")
    full = fold_same_length(name).strip()
    if last and (last == full or (len(last) >= 3 and full.endswith(" " + last))):
        return "\n".join(lines[:-1]).rstrip()
    return text


_SUBJECT_PREFIX = re.compile(r"^(?:(?:re|fw|fwd|tl|tr|aw|sv)\s*:\s*)+", re.IGNORECASE)
_GENERIC_SUBJECT = re.compile(
    r"^(?:gop y|y kien|y kien gop y|y kien dong gop|dong gop y kien|gop y du thao|"
    r"gop y (?:bao cao|van kien|du thao)[\w ]{0,40}|thu gop y|no subject|khong co tieu de)$"
)


def _subject_as_comment(subject: str) -> str:
    """A subject that is itself the comment (empty body): more than a generic "Góp ý"."""
    text = _SUBJECT_PREFIX.sub("", subject).strip()
    folded = " ".join(fold_same_length(text).split()).strip(" .:!")
    if len(folded.split()) < 5 or _GENERIC_SUBJECT.match(folded):
        return ""
    return text


def _too_large(raw: bytes, limits: Limits) -> ParsedMessage:
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw[:65536])
    name, email = first_address(headers, "From")
    return ParsedMessage(
        outcome="quarantined",
        sender_email=email,
        sender_name=name,
        message_id=header_text(headers, "Message-ID"),
        subject=header_text(headers, "Subject"),
        reason=f"Thư quá lớn ({len(raw) // (1024 * 1024)} MB) để đọc tự động; cần cán bộ xem.",
    )


def read_message(
    raw: bytes, catalogue: Catalogue, seen: SeenStore, limits: Limits | None = None
) -> ParsedMessage:
    """Read one raw message against a draft's sections; ``seen`` is updated in place.

    Never raises on a message's content: whatever cannot be read goes to the clerk.
    """
    try:
        return _read(raw, catalogue, seen, limits or Limits())
    except (RecursionError, MemoryError, LookupError, ValueError, TypeError, AttributeError,
            IndexError, UnicodeError, AssertionError) as exc:  # fmt: skip
        log.warning("message unreadable: %s", type(exc).__name__)
        return ParsedMessage(
            outcome="quarantined",
            reason="Thư có cấu trúc hỏng, không đọc được tự động; cần cán bộ xem bản gốc.",
        )


def _read(raw: bytes, catalogue: Catalogue, seen: SeenStore, limits: Limits) -> ParsedMessage:
    if len(raw) > limits.max_bytes:
        result = _too_large(raw, limits)
        seen.remember(result.message_id, None)
        return result
    deadline = time.monotonic() + limits.max_seconds
    message = BytesParser(policy=policy.compat32).parsebytes(raw)
    name, email = first_address(message, "From")
    if not email:
        name, email = first_address(message, "Sender")
    subject = header_text(message, "Subject")
    message_id = header_text(message, "Message-ID")
    result = ParsedMessage(
        outcome="accepted",
        sender_email=email,
        sender_name=name,
        message_id=message_id,
        subject=subject,
    )
    reason = not_a_comment_reason(message, email, subject)
    if reason:
        return _done(result, "not_a_comment", reason, seen)
    if seen.seen_message_id(message_id):
        return _done(result, "duplicate", "Thư này đã được nhận (trùng Message-ID).", seen)
    letter = _letter(message, limits, 0, deadline)
    result.attachments = letter.attachments
    if letter.sender_email and letter.sender_email != email:
        result.forwarded_by = email
        result.sender_email, result.sender_name = letter.sender_email, letter.sender_name
    text = _drop_signed_name(tidy(letter.text), result.sender_name)[: limits.max_comment_chars]
    result.text = text
    subject_for_sections = " ".join(s for s in (subject, letter.subject) if s)
    if letter.truncated:
        return _done(result, "quarantined", "Thư quá phức tạp để đọc hết tự động.", seen)
    if letter.missing_attachment:
        files = ", ".join(letter.unreadable[:5]) or "không có tệp"
        reason = f"Thư chỉ dẫn tới tệp đính kèm không đọc được tự động ({files}); cần cán bộ xem."
        return _done(result, "quarantined", reason, seen)
    if not text and not letter.unreadable:
        text = result.text = _subject_as_comment(subject)
    if not text:
        if letter.unreadable:
            files = ", ".join(letter.unreadable[:5])
            reason = f"Thư chỉ có tệp đính kèm không đọc được tự động ({files}); cần chép lại."
            return _done(result, "quarantined", reason, seen)
        return _done(result, "not_a_comment", "Thư không có nội dung góp ý.", seen)
    resolution = resolve_sections(catalogue, subject_for_sections, text)
    names_a_section = bool(resolution.problems) or any(e for e, _ in resolution.comments)
    reason = spam_reason(message, subject, text, names_a_section)
    if reason:
        return _done(result, "rejected_spam", reason, seen)
    result.content_key = content_key(result.sender_email, text)
    if seen.seen_content(result.content_key):
        reason = "Cùng người gửi đã gửi nội dung này (trùng nội dung)."
        return _done(result, "duplicate", reason, seen, remember_content=False)
    result.comments = [
        ParsedComment(e.id if e else None, e.path if e else (), body.strip())
        for e, body in resolution.comments
        if body.strip()
    ]
    if resolution.problems:
        return _done(result, "quarantined", " ".join(resolution.problems), seen)
    return _done(result, "accepted", "", seen)


def _done(
    result: ParsedMessage,
    outcome: Outcome,
    reason: str,
    seen: SeenStore,
    remember_content: bool = True,
) -> ParsedMessage:
    result.outcome, result.reason = outcome, reason
    remember = remember_content and outcome in ("accepted", "quarantined")
    seen.remember(result.message_id, result.content_key if remember else None)
    return result
