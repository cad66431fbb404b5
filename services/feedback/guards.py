"""Defences of the public intake against floods and forgeries, checked before any write.

Who is sending (the client address, believing X-Forwarded-For only from our own
proxies), whether a form came from our reading page (a signed token), and whether a
robot filled the field people never see (the honeypot).
"""

from __future__ import annotations

import hmac
import uuid

from starlette.requests import Request

from services.feedback.config import FeedbackSettings
from shared import form_tokens
from shared.client_address import client_address as shared_client_address
from shared.web import DomainError


class ForgedForm(DomainError):
    status_code = 403


def client_address(request: Request, trusted_proxies: str) -> str:
    """The sender's address, by the one rule all services share (``shared.client_address``)."""
    return shared_client_address(request, trusted_proxies)


def client_key(address: str, keys: list[str]) -> str:
    """A keyed hash of the address: enough to count, not enough to recover the address."""
    # hmac.digest: one call into OpenSSL, not an HMAC object (up to three per comment).
    return hmac.digest(keys[0].encode(), address.encode(), "sha256").hex()[:32]


def check_honeypot(value: str) -> None:
    """People never see the field; anything typed into it was typed by a robot."""
    if value.strip():
        raise DomainError(
            "Không gửi được ý kiến: ô “Để trống ô này” phải được để trống.",
            status_code=422,
            field="website",
        )


def check_form_token(settings: FeedbackSettings, token: str, document_id: uuid.UUID) -> None:
    """Refuse a form that our reading page did not issue for this document, or issued long ago."""
    try:
        form_tokens.verify(
            settings.signing_keys,
            token,
            document_id,
            max_age=settings.form_token_max_age_seconds,
        )
    except form_tokens.InvalidFormToken as exc:
        if exc.expired:
            raise ForgedForm(
                "Trang góp ý đã mở quá lâu nên phiên gửi đã hết hạn. Nội dung của bạn vẫn còn "
                "dưới đây: hãy bấm “Gửi lại”.",
                field="form_token",
            ) from exc
        raise ForgedForm(
            "Không xác thực được biểu mẫu góp ý (biểu mẫu không được tạo từ trang dự thảo). "
            "Vui lòng mở lại trang dự thảo và gửi từ đó.",
            field="form_token",
        ) from exc
