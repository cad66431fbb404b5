"""``validation.clean_text``: its one-scan answer for text already clean is the full
rewrite's answer, for any text (issue 15 made the scan the common path)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from services.feedback import validation

# Every character some step of the rewrite changes, plus ordinary Vietnamese text, and
# letters with combining marks (not NFC) in both orders.
SPECIAL = (
    "\r\n\u2028\t \x00\x07\x0b\x0c\x1f\x7f\x85\x9f\u200b\u200e\u200f\u202a\u202e\u2060"
    "\ufeff\u00ad\u00a0\u2000\u200a\u202f\u205f\u3000"
)
ORDINARY = "Góp ý hạ tầng giao thông, điều 5: đề nghị bỏ. a\u0301e\u0323\u0302"
ALPHABET = st.sampled_from(list(SPECIAL + ORDINARY))


@settings(max_examples=3000, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_the_scan_agrees_with_the_rewrite(value: str) -> None:
    assert validation.clean_text(value) == validation._rewritten(value)


@given(st.text(max_size=60))
@settings(max_examples=1000, deadline=None)
def test_any_text(value: str) -> None:
    assert validation.clean_text(value) == validation._rewritten(value)


def test_clean_text_is_returned_as_it_is() -> None:
    text = "Đề nghị làm rõ chỉ tiêu.\n\nThứ hai: bổ sung số liệu."
    assert validation.clean_text(text) is text
    assert validation.clean_text(" x\r\n") == "x"
