"""Numbered items whose text begins with a figure are headings when their sequence says so.

"3. 85% số xã đạt chuẩn …" reads like a number in running text; what makes it item 3 is the
item 2 before it (or, for a first item, the item 2 after it).  Real traps stay body text: a
quantity at the start of a wrapped line, "9.052 phòng học", years, dates, and a figure-led
line whose number the real sequence already uses or does not expect.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.documents.parsing import outline_records, parse_text
from services.documents.parsing.headings import figure_label, recognise


def _numbers(text: str) -> list[str]:
    return [h["number"] for h in outline_records(parse_text(text))]


def _titles(text: str) -> list[str]:
    return [h["title"] for h in outline_records(parse_text(text))]


class TestFigureLabels:
    def test_a_figure_after_the_label_is_only_a_candidate(self) -> None:
        assert recognise("3. 85% số xã đạt chuẩn nông thôn mới") is None
        label = figure_label("3. 85% số xã đạt chuẩn nông thôn mới")
        assert label is not None and (label.kind, label.number) == ("arabic1", "3")
        assert figure_label("2.1. 1.200 tỷ đồng vốn đầu tư công") is not None

    def test_quantities_years_and_dates_are_no_candidates(self) -> None:
        for text in (
            "9.052 phòng học kiên cố",
            "2022. Năm bản lề",
            "15.10.2022 Ủy ban nhân dân tỉnh",
            "12/5/2022 là ngày",
            "1.200 tỷ đồng vốn",
            "3 85% số xã",
        ):
            assert figure_label(text) is None, text

    def test_an_ordinary_heading_is_no_figure_candidate(self) -> None:
        assert figure_label("3. Về y tế") is None


class TestSequenceDecides:
    def test_items_continuing_a_sequence_are_headings(self) -> None:
        text = (
            "I. KẾT QUẢ\n"
            "1. Về kinh tế\nTăng trưởng khá.\n"
            "2. 1.200 tỷ đồng vốn đầu tư công đã được giải ngân.\nCòn chậm ở một số dự án.\n"
            "3. 85% số xã đạt chuẩn nông thôn mới. Vượt kế hoạch.\n"
            "4. Về xã hội\nỔn định.\n"
            "II. NHIỆM VỤ\n"
        )
        assert _numbers(text) == ["I", "1", "2", "3", "4", "II"]
        assert _titles(text)[2:4] == [
            "1.200 tỷ đồng vốn đầu tư công đã được giải ngân",
            "85% số xã đạt chuẩn nông thôn mới",
        ]

    def test_a_first_item_is_confirmed_by_the_next(self) -> None:
        text = "I. KẾT QUẢ\n1. 95% hộ dân được dùng điện.\n2. Về giao thông\nII. NHIỆM VỤ\n"
        assert _numbers(text) == ["I", "1", "2", "II"]

    def test_sub_items_follow_their_parent(self) -> None:
        text = (
            "1. Kinh tế\n1.1. Nông nghiệp\n1.2. 30% diện tích được tưới.\n"
            "2. Xã hội\n2.1. 98% trẻ em đến trường.\n2.2. Y tế\n"
        )
        assert _numbers(text) == ["1", "1.1", "1.2", "2", "2.1", "2.2"]

    def test_lettered_items_too(self) -> None:
        text = "1. Kinh tế\na) Nông nghiệp\nb. 45 dự án được khởi công.\nc) Dịch vụ\n"
        assert _numbers(text) == ["1", "a", "b", "c"]

    def test_in_a_wrapped_pdf_extract(self) -> None:
        filler = " ".join(["kết quả thực hiện nhiệm vụ phát triển kinh tế"] * 2)
        lines = [
            "I. KẾT QUẢ",
            "1. Về kinh tế",
            *[f"{filler} năm" for _ in range(12)],
            f"{filler}.",
            "2. 85% số xã đạt chuẩn nông thôn mới, vượt kế hoạch đề ra trong năm, nhiều",
            "xã đạt chuẩn nâng cao.",
            "3. Về xã hội",
        ]
        text = "\n\n".join(lines) + "\n"
        assert _numbers(text) == ["I", "1", "2", "3"]


class TestTrapsStayBody:
    def test_a_quantity_at_the_start_of_a_wrapped_line(self) -> None:
        text = "1. Giáo dục\nToàn tỉnh có\n9.052 phòng học kiên cố.\n2. Y tế\n"
        assert _numbers(text) == ["1", "2"]

    def test_a_figure_line_whose_number_is_taken_by_the_real_item(self) -> None:
        text = (
            "1. Kinh tế\nKết quả như sau:\n2. 300 hộ được hỗ trợ nhà ở.\n"
            "2. Xã hội\nỔn định.\n3. Quốc phòng\n"
        )
        assert _numbers(text) == ["1", "2", "3"]
        assert _titles(text)[1] == "Xã hội"

    def test_a_figure_line_out_of_sequence(self) -> None:
        text = "1. Kinh tế\nNăm nay:\n7. 200 tỷ đồng được giải ngân.\n2. Xã hội\n"
        assert _numbers(text) == ["1", "2"]

    def test_a_lone_first_figure_item_without_its_second(self) -> None:
        text = "I. KẾT QUẢ\nTrong đó:\n1. 200 tỷ đồng vốn ngân sách.\nII. NHIỆM VỤ\n"
        assert _numbers(text) == ["I", "II"]

    def test_years_and_dates_at_a_line_start(self) -> None:
        text = "1. Kinh tế\nKết quả:\n2022. Năm bản lề.\n15.10.2022 Hội nghị tổng kết.\n2. Xã hội\n"
        assert _numbers(text) == ["1", "2"]


FIGURES = ["85% số xã", "1.200 tỷ đồng", "9.052 phòng học", "30 dự án", "2,5 triệu lượt khách"]
WORDS = ["Về kinh tế", "Về xã hội", "Nông nghiệp", "Giáo dục", "Quốc phòng"]
TRAPS = [
    "Toàn tỉnh có\n9.052 phòng học.",
    "Năm nay:\n{wrong}. 200 tỷ đồng được giải ngân.",
    "Kết quả:\n2022. Năm bản lề.",
    "Ngày\n15.10.2022 Hội nghị.",
]


@st.composite
def figure_drafts(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Roman sections of numbered items, some figure-led, with trap lines in their bodies."""
    lines: list[str] = []
    expected: list[str] = []
    for roman in ("I", "II", "III")[: draw(st.integers(1, 3))]:
        lines.append(f"{roman}. PHẦN {roman}")
        expected.append(roman)
        count = draw(st.integers(2, 5))
        for n in range(1, count + 1):
            title = draw(st.sampled_from(FIGURES if draw(st.booleans()) else WORDS))
            lines.append(f"{n}. {title} đạt kết quả tốt.")
            expected.append(str(n))
            for trap in draw(st.lists(st.sampled_from(TRAPS), max_size=2)):
                lines.append(trap.format(wrong=n + 3))
    return "\n".join(lines) + "\n", expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(figure_drafts())
def test_generated_figure_items_are_found_and_traps_refused(case: tuple[str, list[str]]) -> None:
    text, expected = case
    assert _numbers(text) == expected
