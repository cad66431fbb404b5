"""The commenter's personal details and how long they live: one rule for every service.

Feedback holds them all; events carry only the display name and organisation, and the
aggregator must forget those when feedback forgets the rest (Decree 13/2023/ND-CP).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, get_args

PersonalField = Literal["name", "organisation", "address", "email", "phone"]
# What a consultation may require of a commenter besides the text, in form order.
PERSONAL_FIELDS: tuple[str, ...] = get_args(PersonalField)
PERSONAL_FIELD_LABELS: dict[str, str] = {
    "name": "Họ và tên",
    "organisation": "Cơ quan, tổ chức hoặc chi bộ",
    "address": "Địa chỉ",
    "email": "Thư điện tử",
    "phone": "Số điện thoại",
}
# The privacy notice promises erasure at most this long after the consultation closes.
PERSONAL_DATA_MONTHS = 12


def erase_if_closed_before(now: datetime, months: int = PERSONAL_DATA_MONTHS) -> datetime:
    """The retention cutoff: a document whose ``closes_at`` is earlier has its details erased.

    Both services apply it to the closing time the documents service published, so the
    names the aggregator received go on the same day as feedback's copy.
    """
    return now - timedelta(days=30 * months)
