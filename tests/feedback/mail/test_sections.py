"""Which section a message names, on a small catalogue written for the purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.documents.parsing import parse_file
from services.feedback.mail.catalogue import Catalogue
from services.feedback.mail.draft import catalogue_from_document
from services.feedback.mail.references import find_label_references
from services.feedback.mail.sections import resolve_sections

SECTIONS = [
    (["Phần thứ nhất"], "KẾT QUẢ", ""),
    (["Phần thứ nhất", "I"], "KINH TẾ", ""),
    (["Phần thứ nhất", "I", "1"], "Nông nghiệp", "Sản lượng lúa tăng nhờ cánh đồng Mường Thanh."),
    (["Phần thứ nhất", "I", "1", "1.3"], "Cây ăn quả", "Diện tích xoài và nhãn tăng."),
    (["Phần thứ nhất", "II"], "HẠN CHẾ", "Giải ngân chậm."),
    (["Phần thứ hai"], "NHIỆM VỤ", ""),
    (["Phần thứ hai", "I"], "MỤC TIÊU", ""),
    (["Phần thứ hai", "I", "1"], "Mục tiêu tổng quát", ""),
    (["Phần thứ hai", "I", "1", "1.3"], "Hạ tầng giao thông nông thôn miền núi", "Làm đường."),
    (["Phần thứ hai", "V"], "GIẢI PHÁP", ""),
    (["Phần thứ hai", "V", "2"], "Văn hóa", ""),
    (["Phần thứ hai", "V", "2", "a"], "Bảo tồn", "Bảo tồn chữ Thái cổ."),
    (
        ["Phần thứ hai", "V", "3"],
        "Chỉ tiêu chủ yếu",
        "STT | Chỉ tiêu | Đơn vị\n1 | Tổng sản lượng lương thực | Nghìn tấn\n"
        "2 | Tỷ lệ hộ nghèo giảm bình quân | %",
    ),
]


@pytest.fixture(scope="module")
def small() -> Catalogue:
    return Catalogue.from_records(
        [
            {"id": f"s{i}", "path": path, "number": path[-1], "title": title, "text": text}
            for i, (path, title, text) in enumerate(SECTIONS)
        ]
    )


def _sections(small: Catalogue, text: str, subject: str = "") -> list[tuple[str, ...]]:
    resolution = resolve_sections(small, subject, text)
    assert not resolution.problems, resolution.problems
    return [e.path if e else () for e, _ in resolution.comments]


class TestLabels:
    @pytest.mark.parametrize(
        "text, path",
        [
            ("mục 1.3 phần thứ hai: làm đường", ("Phần thứ hai", "I", "1", "1.3")),
            ("muc 1.3 phan thu hai can lam", ("Phần thứ hai", "I", "1", "1.3")),
            ("Tiểu mục 1.3, mục I, Phần thứ nhất nên", ("Phần thứ nhất", "I", "1", "1.3")),
            ("điểm a, mục 2, phần V về chữ Thái", ("Phần thứ hai", "V", "2", "a")),
            ("Phần II- mục V góp ý", ("Phần thứ hai", "V")),
            ("Mục II. Phần thứ nhất còn nhẹ", ("Phần thứ nhất", "II")),
            ("phần thứ 2, mục I, tiểu mục 1.3", ("Phần thứ hai", "I", "1", "1.3")),
            ("Phần thứ nhất nói chung là tốt", ("Phần thứ nhất",)),
        ],
    )
    def test_ways_of_writing_a_reference(
        self, small: Catalogue, text: str, path: tuple[str, ...]
    ) -> None:
        assert _sections(small, text) == [path]

    def test_words_that_only_look_like_keywords_are_not_references(self) -> None:
        text = "Mức 2 cao, phần lớn dân số, phân 2 loại, phần thu năm 2020, khoản 2 tỷ đồng."
        assert find_label_references(text) == []

    def test_no_reference_is_the_whole_document(self, small: Catalogue) -> None:
        assert _sections(small, "Dự thảo nên ngắn gọn hơn.") == [()]

    def test_subject_names_the_section_of_the_body(self, small: Catalogue) -> None:
        assert _sections(small, "Nên làm thêm đường.", subject="Góp ý phần V") == [
            ("Phần thứ hai", "V")
        ]

    def test_subject_part_narrows_an_ambiguous_body_reference(self, small: Catalogue) -> None:
        assert _sections(small, "Mục 1.3: cần làm đường.", subject="Phần thứ hai") == [
            ("Phần thứ hai", "I", "1", "1.3")
        ]


class TestProblems:
    def test_nonexistent_reference(self, small: Catalogue) -> None:
        problems = resolve_sections(small, "", "Mục 7.7 phần thứ hai cần sửa.").problems
        assert problems == ["Không tìm thấy “mục 7.7, phần thứ hai” trong dự thảo."]

    def test_ambiguous_reference(self, small: Catalogue) -> None:
        problems = resolve_sections(small, "", "Mục 1.3 cần sửa.").problems
        assert len(problems) == 1 and "2 mục khác nhau" in problems[0]


class TestPhrasesAndAppendix:
    def test_quoted_title(self, small: Catalogue) -> None:
        assert _sections(small, "Phần “Hạ tầng giao thông nông thôn miền núi” cần thêm.") == [
            ("Phần thứ hai", "I", "1", "1.3")
        ]

    def test_long_title_written_out(self, small: Catalogue) -> None:
        text = "Về hạ tầng giao thông nông thôn miền núi, nên ưu tiên bản xa."
        assert _sections(small, text) == [("Phần thứ hai", "I", "1", "1.3")]

    def test_a_heading_copied_from_the_draft(self, small: Catalogue) -> None:
        text = "1.3. Hạ tầng giao thông nông thôn: nên làm thêm đường liên bản."
        assert _sections(small, text) == [("Phần thứ hai", "I", "1", "1.3")]

    def test_the_citizens_own_numbering_is_not_a_heading(self, small: Catalogue) -> None:
        assert _sections(small, "1. Dự thảo dài quá.\n2. Nên có thêm ảnh minh họa.") == [()]

    def test_quoted_phrase_of_the_text(self, small: Catalogue) -> None:
        assert _sections(small, "Câu “nhờ cánh đồng Mường Thanh” chưa đủ.") == [
            ("Phần thứ nhất", "I", "1")
        ]

    def test_appendix_indicator_by_name(self, small: Catalogue) -> None:
        text = "Chỉ tiêu tỷ lệ hộ nghèo giảm bình quân 2% là thấp."
        assert _sections(small, text) == [("Phần thứ hai", "V", "3")]

    def test_the_appendix_by_name(self, small: Catalogue) -> None:
        assert _sections(small, "Phụ lục kèm theo thiếu số liệu năm 2019.") == [
            ("Phần thứ hai", "V", "3")
        ]

    def test_an_appendix_that_does_not_exist(self, small: Catalogue) -> None:
        problems = resolve_sections(small, "", "Phụ lục 4 thiếu số liệu.").problems
        assert problems == ["Không tìm thấy “phụ lục 4” trong dự thảo."]


class TestSplitting:
    def test_each_section_gets_its_own_text(self, small: Catalogue) -> None:
        text = (
            "Kính gửi Ban biên tập,\n\n"
            "Mục II, Phần thứ nhất: giải ngân chậm cần nêu nguyên nhân.\n\n"
            "Phần thứ hai, mục V, mục 2, điểm a: nên dạy chữ Thái.\nỞ tất cả các trường.\n\n"
            "Lại về mục II phần thứ nhất: nêu trách nhiệm."
        )
        comments = resolve_sections(small, "", text).comments
        assert [(e.path if e else (), body) for e, body in comments] == [
            (
                ("Phần thứ nhất", "II"),
                "Mục II, Phần thứ nhất: giải ngân chậm cần nêu nguyên nhân.\n\n"
                "Lại về mục II phần thứ nhất: nêu trách nhiệm.",
            ),
            (
                ("Phần thứ hai", "V", "2", "a"),
                "Phần thứ hai, mục V, mục 2, điểm a: nên dạy chữ Thái.\nỞ tất cả các trường.",
            ),
        ]

    def test_a_long_general_opening_is_a_comment_on_the_whole_document(
        self, small: Catalogue
    ) -> None:
        opening = "Nhìn chung dự thảo còn dài và nhiều số liệu khó hiểu với người dân. " * 3
        text = opening + "\nMục II phần thứ nhất: thêm.\nPhần V: thêm nữa."
        paths = [e.path if e else () for e, _ in resolve_sections(small, "", text).comments]
        assert paths == [(), ("Phần thứ nhất", "II"), ("Phần thứ hai", "V")]


SEED_002 = (
    Path(__file__).parents[2] / "documents" / "parsing" / "fixtures" / "002_09586b55cf7290dc.txt"
)


@pytest.fixture(scope="module")
def seed_002() -> Catalogue:
    return catalogue_from_document(parse_file(SEED_002))


class TestNarrowing:
    """When a label fits several sections, the message usually says which one."""

    def test_the_fewest_unnamed_levels_win(self, seed_002: Catalogue) -> None:
        assert _sections(seed_002, "Mục I.1 phần thứ nhất: kinh tế") == [
            ("Phần thứ nhất", "I", "I.1")
        ]
        assert _sections(seed_002, "Mục 1.2, mục I, Phần thứ nhất: văn hóa") == [
            ("Phần thứ nhất", "I", "1.2")
        ]

    def test_the_title_written_after_the_label(self, seed_002: Catalogue) -> None:
        assert _sections(seed_002, "tiểu mục 3.4 Lĩnh vực Bưu chính viễn thông: tốt") == [
            ("Phần thứ nhất", "I", "I.1", "3", "3.4")
        ]
        assert _sections(seed_002, "mục 3.4: Cải thiện môi trường đầu tư kinh doanh") == [
            ("Phần thứ hai", "II", "3", "3.4")
        ]

    def test_an_exact_quoted_title_beats_a_longer_one(self, seed_002: Catalogue) -> None:
        assert _sections(seed_002, "Về “Dịch vụ du lịch” cần bổ sung.") == [
            ("Phần thứ nhất", "I", "I.1", "3", "3.2")
        ]

    def test_letters_keep_their_case(self, small: Catalogue) -> None:
        assert _sections(small, "điểm a mục 2 phần V: chữ Thái") == [
            ("Phần thứ hai", "V", "2", "a")
        ]


class TestSentences:
    def test_one_paragraph_about_two_sections_is_cut_at_the_sentence(
        self, small: Catalogue
    ) -> None:
        text = (
            "Tôi có hai ý. Thứ nhất, mục II phần thứ nhất cần nêu nguyên nhân. "
            "Thứ hai, ở phần V nên dạy chữ Thái cổ. Xin cảm ơn."
        )
        comments = resolve_sections(small, "", text).comments
        assert [(e.path if e else (), body) for e, body in comments] == [
            (("Phần thứ nhất", "II"), "Thứ nhất, mục II phần thứ nhất cần nêu nguyên nhân."),
            (("Phần thứ hai", "V"), "Thứ hai, ở phần V nên dạy chữ Thái cổ. Xin cảm ơn."),
        ]


class TestSubjectAgainstWeakSignals:
    def test_a_title_met_in_the_body_does_not_override_the_subject(self, small: Catalogue) -> None:
        text = "Cần thêm vốn cho hạ tầng giao thông nông thôn miền núi ở phần này."
        assert _sections(small, text, subject="Góp ý mục II phần thứ nhất") == [
            ("Phần thứ nhất", "II")
        ]

    def test_a_title_inside_the_subjects_section_is_more_precise(self, small: Catalogue) -> None:
        text = "Cần thêm vốn cho hạ tầng giao thông nông thôn miền núi."
        assert _sections(small, text, subject="Góp ý phần thứ hai") == [
            ("Phần thứ hai", "I", "1", "1.3")
        ]
