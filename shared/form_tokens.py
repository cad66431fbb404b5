"""Signed, timestamped tokens for anonymous forms (CSRF protection without a session).

The documents service puts one in each comment form, bound to the document; the
feedback service, which shares ``AUTH_SECRET_KEYS``, verifies it. A form posted from
elsewhere, replayed for another document, or kept open too long is refused.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import time
import uuid

VERSION = "f1"
DEFAULT_MAX_AGE = 24 * 3600
# Clocks of two services may differ a little; a token "from the future" within this is fine.
CLOCK_SKEW = 300


class InvalidFormToken(Exception):
    """The token is missing, malformed, forged, for another document, or expired."""

    def __init__(self, reason: str, *, expired: bool = False) -> None:
        super().__init__(reason)
        self.expired = expired


def _signature(key: str, document_id: uuid.UUID, issued: int, nonce: str) -> str:
    message = f"{VERSION}|{document_id}|{issued}|{nonce}".encode()
    digest = hmac.digest(key.encode(), message, "sha256")  # one-shot: checked per comment
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue(keys: list[str], document_id: uuid.UUID, *, now: float | None = None) -> str:
    """A token for one document's forms, signed with the newest key."""
    issued = int(now if now is not None else time.time())
    nonce = secrets.token_urlsafe(9)
    return f"{VERSION}.{issued}.{nonce}.{_signature(keys[0], document_id, issued, nonce)}"


def verify(
    keys: list[str],
    token: str,
    document_id: uuid.UUID,
    *,
    max_age: int = DEFAULT_MAX_AGE,
    now: float | None = None,
) -> None:
    """Raise ``InvalidFormToken`` unless a current key signed this token for this document."""
    parts = (token or "").strip().split(".")
    if len(parts) != 4 or parts[0] != VERSION or not parts[1].isdigit():
        raise InvalidFormToken("malformed")
    issued, nonce, signature = int(parts[1]), parts[2], parts[3]
    if not any(
        hmac.compare_digest(signature, _signature(key, document_id, issued, nonce)) for key in keys
    ):
        raise InvalidFormToken("bad signature")
    current = now if now is not None else time.time()
    if issued > current + CLOCK_SKEW:
        raise InvalidFormToken("issued in the future")
    if current - issued > max_age:
        raise InvalidFormToken("expired", expired=True)
