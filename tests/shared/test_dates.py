"""Dates are shown the Vietnamese way (d/m/yyyy) in both languages, never as stored."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.i18n import local_datetime
from shared.text import vn_date


def test_an_iso_date_string_is_shown_day_first_without_zeros() -> None:
    assert vn_date("2022-12-02") == "2/12/2022"
    assert vn_date(date(2020, 6, 18)) == vn_date("2020-06-18") == "18/6/2020"
    assert vn_date("") == vn_date(None) == ""


def test_a_moment_reads_in_the_page_language_with_a_vietnamese_date() -> None:
    moment = datetime(2022, 12, 2, 1, 33, tzinfo=UTC)  # 08:33 in Hà Nội
    assert local_datetime(moment, "vi") == "08:33 ngày 2/12/2022"
    assert local_datetime(moment, "en") == "08:33 on 2/12/2022"
