"""A stored message as a clerk reads it: headers, the text, the attachments (by number)."""

from __future__ import annotations

from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage, Message
from email.policy import default as default_policy

from services.feedback.scans import sniff

INLINE_IMAGES = {"image/jpeg", "image/png"}


@dataclass(frozen=True)
class Attachment:
    index: int
    filename: str
    content_type: str
    size: int
    # Shown in the page only when its bytes really are a JPEG or PNG image.
    inline_image: bool


@dataclass
class Shown:
    subject: str = ""
    sender: str = ""
    date: str = ""
    text: str = ""
    attachments: list[Attachment] = field(default_factory=list)


def parse(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


def _header(message: Message, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except Exception:  # a malformed header is shown as missing rather than failing the page
        return ""


def _parts(message: EmailMessage) -> list[Message]:
    """Every non-multipart part in order: the numbering attachments are served by."""
    return [part for part in message.walk() if not part.is_multipart()]


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def show(raw: bytes) -> Shown:
    """What the page shows; broken MIME shows what could be read."""
    message = parse(raw)
    shown = Shown(
        subject=_header(message, "Subject"),
        sender=_header(message, "From"),
        date=_header(message, "Date"),
    )
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        try:
            shown.text = str(body.get_content())  # type: ignore[attr-defined]
        except Exception:
            shown.text = _payload(body).decode("utf-8", "replace")
        if body.get_content_type() == "text/html":
            from services.feedback.mail.html import html_to_text

            shown.text = html_to_text(shown.text)
    for index, part in enumerate(_parts(message)):
        if part is body:
            continue
        filename = part.get_filename() or ""
        if not filename and part.get_content_maintype() == "text":
            continue
        data = _payload(part)
        kind = sniff(data) or ""
        shown.attachments.append(
            Attachment(
                index=index,
                filename=filename or f"tep-{index}",
                content_type=part.get_content_type(),
                size=len(data),
                inline_image=kind in INLINE_IMAGES,
            )
        )
    return shown


def attachment(raw: bytes, index: int) -> tuple[bytes, str, str] | None:
    """The bytes, real type (or None) and file name of the index-th part."""
    parts = _parts(parse(raw))
    if not 0 <= index < len(parts):
        return None
    part = parts[index]
    data = _payload(part)
    return data, sniff(data) or "", part.get_filename() or f"tep-{index}"
