"""Walk a message's MIME tree: the body text, the attachments and forwarded messages.

Every shape real clients send: text/plain, HTML only, multipart/alternative (the richer
of the two bodies), mixed with attachments, related images, message/rfc822 forwards and
broken trees (a missing closing boundary still yields its parts).  The walk is bounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message

from .attachments import kind_of
from .charsets import decode_text
from .headers import filename_of
from .html import html_to_text
from .text import tidy


@dataclass
class Attachment:
    """A file attached to the message; ``kind`` is set when its text can be read."""

    filename: str
    content_type: str
    kind: str | None
    data: bytes


@dataclass
class Content:
    """What one message (not its forwards) says and carries."""

    body: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    forwards: list[Message] = field(default_factory=list)
    parts_seen: int = 0
    truncated: bool = False


def _payload_bytes(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "replace") if isinstance(raw, str) else b""


def _unflow(text: str, delsp: bool) -> str:
    """Join the soft line breaks of format=flowed text (RFC 3676)."""
    out: list[str] = []
    for line in text.split("\n"):
        joinable = out and out[-1].endswith(" ") and out[-1] != "-- "
        if joinable and not out[-1].startswith(">") and line != "-- ":
            out[-1] = (out[-1][:-1] if delsp else out[-1]) + line
        else:
            out.append(line)
    return "\n".join(out)


def part_text(part: Message) -> str:
    """The text of a text/plain or text/html part, decoded whatever its labels say."""
    text = decode_text(_payload_bytes(part), part.get_content_charset())
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_subtype() == "html" or _looks_html(text):
        return html_to_text(text)
    params = {k.lower(): v.lower() for k, v in part.get_params() or [] if isinstance(v, str)}
    if params.get("format") == "flowed":
        text = _unflow(text, params.get("delsp") == "yes")
    return tidy(text)


_HTML_START = re.compile(r"^\s*(?:<!doctype html|<html|<body|<div|<p[ >])", re.IGNORECASE)


def _looks_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:200]))


def _is_attachment(part: Message) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    return disposition == "attachment" or (disposition == "inline" and bool(part.get_filename()))


def _alternative_text(part: Message, content: Content, max_parts: int) -> str:
    """The richer rendering of a multipart/alternative: plain unless it is a stub."""
    plain = html = ""
    children = part.get_payload()
    for child in children if isinstance(children, list) else []:
        if not isinstance(child, Message):
            continue
        sub = Content()
        _visit(child, sub, max_parts - content.parts_seen)
        content.parts_seen += sub.parts_seen
        content.attachments += sub.attachments
        content.forwards += sub.forwards
        if child.get_content_type() == "text/plain":
            plain = plain or sub.body
        else:
            html = html or sub.body
    if plain and len(plain) >= 0.3 * len(html):
        return plain
    return html or plain


def _visit(part: Message, content: Content, max_parts: int) -> None:
    content.parts_seen += 1
    if content.parts_seen > max_parts:
        content.truncated = True
        return
    ctype = part.get_content_type()
    if ctype == "multipart/alternative":
        content.body = _join(content.body, _alternative_text(part, content, max_parts))
        return
    if part.is_multipart() and ctype != "message/rfc822":
        payload = part.get_payload()
        for child in payload if isinstance(payload, list) else []:
            if isinstance(child, Message):
                _visit(child, content, max_parts)
        return
    if ctype == "message/rfc822":
        inner = part.get_payload()
        inner_message = inner[0] if isinstance(inner, list) and inner else None
        if isinstance(inner_message, Message):
            content.forwards.append(inner_message)
        return
    filename = filename_of(part)
    if ctype in ("text/plain", "text/html") and not _is_attachment(part):
        content.body = _join(content.body, part_text(part))
        return
    if ctype.startswith("multipart/"):
        return
    content.attachments.append(
        Attachment(filename, ctype, kind_of(ctype, filename), _payload_bytes(part))
    )


def _join(first: str, second: str) -> str:
    return f"{first}\n\n{second}".strip() if first and second else first or second


def extract_content(message: Message, max_parts: int = 100) -> Content:
    """The body, attachments and forwarded messages of ``message``, at most ``max_parts``."""
    content = Content()
    _visit(message, content, max_parts)
    return content
