"""Vietnamese text helpers: NFC normalisation, diacritic folding, local dates.

Local time is the deployment's zone, ``GOPY_TIMEZONE`` (Asia/Ho_Chi_Minh by default), read
once when the process starts: deadlines ("đến hết ngày 18/6/2020") end at its midnight.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

from shared.config import ServiceSettings

LOCAL_TZ = ZoneInfo(ServiceSettings().timezone)


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Lower-case without diacritics (đ → d), for diacritic-insensitive search and slugs."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def slugify(value: str, max_length: int = 80) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")
    return slug[:max_length].rstrip("-") or "du-thao"


def vn_date(value: date | datetime | None) -> str:
    """The Vietnamese way: 18/6/2020 (no leading zeros), in local time for datetimes."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_TZ).date()
    return f"{value.day}/{value.month}/{value.year}"


def vn_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(LOCAL_TZ)
    return f"{local.hour:02d}:{local.minute:02d} ngày {vn_date(local)}"


def vn_number(value: int) -> str:
    """Thousands separated by '.', as Vietnamese writes them: 20.000."""
    return f"{value:,}".replace(",", ".")
