"""Property-based fuzzing of the draft parser: whatever text an administrator uploads, the
parser answers in bounded time, never raises, and drops none of the draft's words."""

from __future__ import annotations

import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.documents.parsing import ParsedDocument, Table, parse_text

# Per call, on a loaded 2-core CI machine; the inputs below parse in milliseconds.
BOUND_SECONDS = 5.0
EXAMPLES = 100

VIETNAMESE = "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
LETTERS = "abcdeghiklmnopqrstuvxy" + VIETNAMESE
# what a draft (or an attacker) may put on a line: markup, quotes, numbers, odd spaces
ANY_CHAR = st.characters(
    codec="utf-8", exclude_categories=("Cs",), include_characters="\n\t\r\u00a0\u200b<>&\"'"
)
word = st.text(alphabet=LETTERS, min_size=1, max_size=12)
punct = st.sampled_from(["", ",", ".", ";", ":", " <b>", " &amp;", ' "x"', " 3,5%", " (1)"])
# a body line as drafts write one: a capital, then words (an all-capitals line may be a title)
body_line = (
    st.lists(st.tuples(word, punct).map("".join), min_size=3, max_size=14)
    .map(" ".join)
    .map(lambda line: line[0].upper() + line[1:])
)
HEADINGS = ["I. KẾT QUẢ ĐẠT ĐƯỢC", "II. NHIỆM VỤ", "1. Kinh tế", "2. Xã hội", "a) Nông nghiệp"]


def _timed_parse(text: str) -> ParsedDocument:
    started = time.perf_counter()
    doc = parse_text(text)
    elapsed = time.perf_counter() - started
    assert elapsed < BOUND_SECONDS, f"{elapsed:.1f}s for {len(text)} characters"
    return doc


def _output_text(doc: ParsedDocument) -> str:
    """Everything the parser kept, as one whitespace-normalised string."""
    parts = [doc.title, *doc.metadata.values(), *doc.warnings]
    blocks = list(doc.preamble)
    for section in doc.sections:
        parts += [section.number, section.title, *section.path]
        blocks += section.blocks
    for block in blocks:
        if isinstance(block, Table):
            parts += [cell for row in block.rows for cell in row]
        else:
            parts.append(block.text)
    return " ".join(" ".join(parts).split())


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(ANY_CHAR, max_size=2000))
def test_any_text_parses_in_bounded_time(text: str) -> None:
    doc = _timed_parse(text)
    assert isinstance(doc.sections, list)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(HEADINGS), st.lists(body_line, max_size=4)), max_size=8))
def test_no_body_line_is_lost(outline: list[tuple[str, list[str]]]) -> None:
    lines = ["DỰ THẢO BÁO CÁO CHÍNH TRỊ", ""]
    for heading, body in outline:
        lines += [heading, ""]
        for paragraph in body:
            lines += [paragraph, ""]
    doc = _timed_parse("\n".join(lines))
    kept = _output_text(doc)
    for _heading, body in outline:
        for paragraph in body:
            assert " ".join(paragraph.split()) in kept, paragraph


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(body_line, st.sampled_from(HEADINGS), st.just("")), max_size=40))
def test_no_word_is_lost_in_wrapped_text(lines: list[str]) -> None:
    """Lines in any order, wrapped or not: every word of the draft is still somewhere."""
    text = "\n".join(lines)
    kept = set(re.findall(r"\w+", _output_text(_timed_parse(text)).casefold()))
    missing = set(re.findall(r"\w+", text.casefold())) - kept
    assert not missing, (missing, text)
