"""Property-based fuzzing of the e-mail reader: any bytes from the internet are answered in
bounded time without an exception; a readable letter's comment keeps the citizen's words
and adds none of its own."""

from __future__ import annotations

import re
import time
from email.message import EmailMessage

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.feedback.mail import DedupState, ParsedMessage, read_message
from services.feedback.mail.catalogue import Catalogue, CatalogueEntry
from tests.attacks.test_fuzz_parser import LETTERS, body_line

BOUND_SECONDS = 5.0
EXAMPLES = 100
BROKEN = "cấu trúc hỏng"  # the reader's answer when its own code raised on a message

CATALOGUE = Catalogue(
    [
        CatalogueEntry.build("s1", ["I"], "I", "KẾT QUẢ ĐẠT ĐƯỢC", "Tăng trưởng kinh tế khá."),
        CatalogueEntry.build("s2", ["I", "1"], "1", "Kinh tế", "Tổng sản phẩm tăng 7,1%."),
        CatalogueEntry.build("s3", ["II"], "II", "NHIỆM VỤ", "Phát triển hạ tầng giao thông."),
    ]
)
name = st.text(alphabet=LETTERS + " ", min_size=1, max_size=30).map(str.strip).filter(bool)
header_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=80)
charset = st.sampled_from(["utf-8", "utf-16", "windows-1258", "iso-8859-1"])


def _timed_read(raw: bytes) -> ParsedMessage:
    started = time.perf_counter()
    parsed = read_message(raw, CATALOGUE, DedupState())
    elapsed = time.perf_counter() - started
    assert elapsed < BOUND_SECONDS, f"{elapsed:.1f}s for {len(raw)} bytes"
    return parsed


def _letter(sender: str, subject: str, body: str, html: bool) -> bytes:
    message = EmailMessage()
    message["From"] = f"{sender} <nguoi.dan@example.vn>"
    message["To"] = "gopy@example.vn"
    message["Subject"] = subject
    message["Message-ID"] = "<fuzz@example.vn>"
    message.set_content(body)
    if html:
        paragraphs = "".join(f"<p>{line}</p>" for line in body.split("\n\n"))
        message.add_alternative(f"<html><body>{paragraphs}</body></html>", subtype="html")
    return message.as_bytes()


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_any_bytes_are_answered_in_bounded_time(raw: bytes) -> None:
    parsed = _timed_read(raw)
    assert parsed.outcome in {"accepted", "quarantined", "duplicate", "rejected_spam"} | {
        "not_a_comment"
    }
    assert parsed.reason or parsed.outcome == "accepted"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from(
        [b"", b"Content-Type: multipart/mixed; boundary=x\n\n--x\n", b"MIME-Version: 1.0\n"]
    ),
    headers=st.lists(st.tuples(st.sampled_from(["Subject", "From", "Content-Type"]), header_text)),
    body=st.binary(max_size=2000),
)
def test_mangled_headers_and_bodies_never_break_the_reader(
    prefix: bytes, headers: list[tuple[str, str]], body: bytes
) -> None:
    head = "".join(f"{key}: {value}\n" for key, value in headers).encode("utf-8", "replace")
    parsed = _timed_read(prefix + head + b"\n" + body)
    assert BROKEN not in parsed.reason, parsed


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sender=name,
    subject=header_text,
    paragraphs=st.lists(body_line, min_size=1, max_size=5),
    html=st.booleans(),
)
def test_a_letter_keeps_its_words_and_invents_none(
    sender: str, subject: str, paragraphs: list[str], html: bool
) -> None:
    body = "\n\n".join(paragraphs)
    parsed = _timed_read(_letter(sender, subject, body, html))
    assert BROKEN not in parsed.reason, parsed
    if parsed.outcome != "accepted":
        return
    said = _words(" ".join(c.text for c in parsed.comments))
    assert said <= _words(body) | _words(subject), said - _words(body) - _words(subject)
    assert _words(body) <= said | _words(sender), _words(body) - said


@settings(max_examples=EXAMPLES // 2, deadline=None)
@given(paragraphs=st.lists(body_line, min_size=1, max_size=3), cs=charset)
def test_a_letter_in_any_charset_reads_the_same(paragraphs: list[str], cs: str) -> None:
    body = "\n\n".join(paragraphs)
    message = EmailMessage()
    message["From"] = "Người dân <nguoi.dan@example.vn>"
    message["Subject"] = "Góp ý dự thảo"
    try:
        message.set_content(body.encode(cs), maintype="text", subtype="plain", cte="base64")
    except UnicodeEncodeError:
        return
    message.set_param("charset", cs)
    parsed = _timed_read(message.as_bytes())
    assert parsed.outcome == "accepted", parsed
    assert _words(" ".join(c.text for c in parsed.comments)) == _words(body)
