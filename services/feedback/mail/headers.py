"""Header values as text: encoded words, raw UTF-8 and legacy 8-bit bytes alike.

Messages are parsed with the standard library's ``compat32`` policy, which leaves header
values as they came.  ``policy.default`` parses every header again at every access (and
builds a header class each time): measured here at 5 ms a message, more than the whole
reading budget.  The few headers the reader needs are decoded here with ``email.header``
(RFC 2047 encoded words, each chunk through the same charset logic as bodies) and
``email.utils.getaddresses`` (RFC 5322 addresses).
"""

from __future__ import annotations

from email.errors import HeaderParseError
from email.header import Header, decode_header
from email.message import Message
from email.utils import getaddresses

from .charsets import decode_text
from .text import nfc


def _raw(message: Message, name: str) -> list[str]:
    """Values as received (raw 8-bit bytes kept as surrogates, not replaced)."""
    wanted = name.lower()
    return [str(v) for k, v in message.raw_items() if k.lower() == wanted]


def _unescape(value: str) -> str:
    """Raw 8-bit header bytes (kept as surrogates by the parser) decoded as text."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return decode_text(value.encode("ascii", "surrogateescape"), None)


def decode_value(value: str | Header) -> str:
    """One header value as NFC text, encoded words decoded, whitespace folded."""
    value = _unescape(" ".join(str(value).splitlines()))
    if "=?" in value:
        try:
            chunks = decode_header(value)
        except (HeaderParseError, ValueError):
            chunks = [(value, None)]
        parts = []
        for chunk, charset in chunks:
            if isinstance(chunk, bytes):
                parts.append(decode_text(chunk, charset))
            else:
                parts.append(chunk)
        value = "".join(parts)
    return nfc(" ".join(value.split()))


def header_text(message: Message, name: str) -> str:
    """The first ``name`` header of ``message`` as text ("" when absent)."""
    values = _raw(message, name)
    return decode_value(values[0]) if values else ""


def first_address(message: Message, name: str) -> tuple[str, str]:
    """(display name, lower-case e-mail) of the first address in ``name`` headers."""
    values = [_unescape(" ".join(v.splitlines())) for v in _raw(message, name)]
    for display, email in getaddresses(values):
        if "@" in email:
            return decode_value(display).strip().strip('"').strip(), email.strip().lower()
    return "", ""


def filename_of(part: Message) -> str:
    """An attachment's file name, RFC 2231 or (as Outlook writes it) RFC 2047 encoded."""
    name = part.get_filename() or ""
    return decode_value(name) if name else ""
