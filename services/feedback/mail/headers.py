"""Header values as text: encoded words, raw UTF-8 and legacy 8-bit bytes alike.

Messages are parsed with the standard library's ``compat32`` policy, which leaves header
values as they came: ``policy.default`` parses every header again at every access, which
measured here at 5 ms a message, more than the whole reading budget.  The few headers the
reader needs are decoded here with ``policy.default``'s own header registry (RFC 2047
encoded words, RFC 2231, RFC 5322 addresses).
"""

from __future__ import annotations

from email import policy
from email.header import Header, decode_header, make_header
from email.message import Message
from email.utils import getaddresses

from .charsets import decode_text
from .text import nfc

_REGISTRY = policy.default.header_factory


def _raw(message: Message, name: str) -> list[str]:
    values = message.get_all(name) or []
    return [v if isinstance(v, str) else str(v) for v in values]


def _unescape(value: str) -> str:
    """Raw 8-bit header bytes (kept as surrogates by the parser) decoded as text."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return decode_text(value.encode("ascii", "surrogateescape"), None)


def decode_value(name: str, value: str | Header) -> str:
    """One header value as NFC text, encoded words decoded, whitespace folded."""
    if isinstance(value, Header):
        value = str(make_header(decode_header(value)))
    value = _unescape("".join(value.splitlines()))
    try:
        text = str(_REGISTRY(name, value))
    except (ValueError, TypeError, IndexError, LookupError):
        try:
            text = str(make_header(decode_header(value)))
        except (ValueError, LookupError):
            text = value
    return nfc(" ".join(text.split()))


def header_text(message: Message, name: str) -> str:
    """The first ``name`` header of ``message`` as text ("" when absent)."""
    values = _raw(message, name)
    return decode_value(name, values[0]) if values else ""


def first_address(message: Message, name: str) -> tuple[str, str]:
    """(display name, lower-case e-mail) of the first address in ``name`` headers."""
    for value in _raw(message, name):
        value = _unescape("".join(value.splitlines()))
        try:
            header = _REGISTRY(name, value)
            for address in getattr(header, "addresses", ()):
                if "@" in address.addr_spec:
                    return nfc(address.display_name.strip()), address.addr_spec.lower()
        except (ValueError, TypeError, IndexError, LookupError):
            pass
        for display, email in getaddresses([decode_value(name, value)]):
            if "@" in email:
                return nfc(display.strip().strip('"')), email.strip().lower()
    return "", ""


def filename_of(part: Message) -> str:
    """An attachment's file name, RFC 2231 or (as Outlook writes it) RFC 2047 encoded."""
    name = part.get_filename() or ""
    return decode_value("subject", name) if name else ""
