"""Checks on what a commenter typed, each refusal in Vietnamese and naming its field.

Text arrives from phones, from Word, from old browsers: it is normalised (NFC, line
ends, invisible characters) before it is measured, so the limit counts what is kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from email_validator import EmailNotValidError, validate_email

from shared.events import PERSONAL_FIELD_LABELS, PERSONAL_FIELD_LIMITS, PERSONAL_FIELDS
from shared.text import nfc, vn_number
from shared.web import DomainError

# in running text: "Vui lòng nhập họ và tên"
FIELD_LABELS = {f: label[0].lower() + label[1:] for f, label in PERSONAL_FIELD_LABELS.items()}
FIELD_LIMITS = PERSONAL_FIELD_LIMITS

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Left behind by Word and web pages: zero-width spaces, BOMs, soft hyphens, bidi marks.
_INVISIBLE = re.compile(r"[\u200b\u200e\u200f\u202a-\u202e\u2060\ufeff\u00ad]")
# Lone surrogates (Unicode category Cs), left by a decoder that let broken text through.
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
# Anything clean_text would change, but for NFC and the ends (checked apart): one scan
# instead of five rewrites, and nearly every comment has none of it (issue 15).
_NEEDS_CLEANING = re.compile(
    r"[\r\u2028\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    r"\u200b\u200e\u200f\u202a-\u202e\u2060\ufeff\u00ad"
    r"\u00a0\u2000-\u200a\u202f\u205f\u3000]| \n|\n\n\n"
)
_EMAIL = re.compile(r"^[^@\s<>\"]{1,64}@[^@\s<>\"]+\.[^@\s<>\"]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 .()\-]{8,20}$")


class InvalidComment(DomainError):
    status_code = 422


def clean_text(value: str) -> str:
    """NFC, unified line ends, no control or invisible characters, no runs of blank lines."""
    if (
        unicodedata.is_normalized("NFC", value)
        and _NEEDS_CLEANING.search(value) is None
        and value == value.strip()
    ):
        return value  # already clean: each step of _rewritten would leave it as it is
    return _rewritten(value)


def _rewritten(value: str) -> str:
    value = nfc(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    value = _SPACES.sub(" ", _INVISIBLE.sub("", value)).replace("\t", " ")
    value = _CONTROL_CHARS.sub("", value)
    value = _MANY_BLANK_LINES.sub("\n\n", _TRAILING_SPACE.sub("\n", value))
    return value.strip()


def ensure_readable(value: str, field: str) -> None:
    """Refuse text that was not valid UTF-8 (decoded into U+FFFD, or lone surrogates)."""
    # One regex scan, not unicodedata.category per character (~1.5 % of a comment, issue 15).
    broken = "\ufffd" in value or _SURROGATES.search(value) is not None
    if broken:
        raise InvalidComment(
            "Nội dung có ký tự không đọc được (không phải văn bản UTF-8 hợp lệ). "
            "Vui lòng gõ lại hoặc dán lại nội dung.",
            field=field,
        )


def comment_text(value: str, max_chars: int) -> str:
    """The text as it will be stored, or a refusal: empty, too long, unreadable."""
    ensure_readable(value, "text")
    text = clean_text(value)
    if not text:
        raise InvalidComment("Vui lòng nhập nội dung góp ý.", field="text")
    if len(text) > max_chars:
        raise InvalidComment(
            f"Nội dung góp ý dài {vn_number(len(text))} ký tự, "
            f"vượt quá giới hạn {vn_number(max_chars)} ký tự. Vui lòng rút gọn.",
            field="text",
        )
    return text


def personal_value(field: str, value: str | None) -> str | None:
    """One optional personal field, cleaned and checked; empty means not given."""
    if value is None:
        return None
    ensure_readable(value, field)
    cleaned = " ".join(clean_text(value).split())
    if not cleaned:
        return None
    if len(cleaned) > FIELD_LIMITS[field]:
        raise InvalidComment(
            f"Trường {FIELD_LABELS[field]} dài quá {vn_number(FIELD_LIMITS[field])} ký tự.",
            field=field,
        )
    if field == "email":
        return single_email_address(cleaned)
    if field == "phone" and not _PHONE.match(cleaned):
        raise InvalidComment(
            "Số điện thoại không hợp lệ (chỉ gồm chữ số, ví dụ 0912 345 678).", field="phone"
        )
    return cleaned


def single_email_address(value: str) -> str:
    """Exactly one address, as the maintained parser reads it: an acknowledgement goes to
    this one address only (never "postmaster,root,a@evil.example" as three recipients)."""
    try:
        if not _EMAIL.match(value):
            raise EmailNotValidError("not one plain address")
        parsed = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidComment(
            "Địa chỉ thư điện tử không hợp lệ (chỉ ghi một địa chỉ, ví dụ đúng: ten@example.vn).",
            field="email",
        ) from exc
    return str(parsed.normalized)


def check_required(given: dict[str, str | None], required: Iterable[str]) -> None:
    """Refuse when the consultation requires a personal field the commenter left empty."""
    for field in PERSONAL_FIELDS:
        if field in set(required) and not given.get(field):
            raise InvalidComment(
                f"Đợt lấy ý kiến này yêu cầu ghi {FIELD_LABELS[field]}.", field=field
            )


def check_consent(given: dict[str, str | None], consent: bool | None) -> None:
    """Personal data needs consent (Decree 13/2023/ND-CP); ``None`` means asked elsewhere."""
    if consent is False and any(given.values()):
        raise InvalidComment(
            "Bạn đã ghi thông tin cá nhân: vui lòng đánh dấu đồng ý để chúng tôi xử lý thông "
            "tin này, hoặc xoá các thông tin đó để góp ý ẩn danh.",
            field="consent",
        )
