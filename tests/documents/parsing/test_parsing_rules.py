"""One test per trap of Vietnamese administrative writing, grouped by behaviour."""

from __future__ import annotations

from services.documents.parsing import Paragraph, Table, outline_records, parse_text


def outline(text: str) -> list[tuple[int, int, str, str, list[str]]]:
    """(line, level, number, title, path) of every heading."""
    return [
        (h["line"], h["level"], h["number"], h["title"], h["path"])
        for h in outline_records(parse_text(text))
    ]


def numbers(text: str) -> list[str]:
    return [h["number"] for h in outline_records(parse_text(text))]


class TestHeadingStyles:
    def test_part_ordinal_with_caps_subtitle_on_next_lines(self) -> None:
        text = (
            "Mở đầu báo cáo.\n\n"
            "                    Phần thứ nhất   \n"
            "        ĐÁNH GIÁ TÌNH HÌNH THỰC HIỆN\n"
            "        NGHỊ QUYẾT NHIỆM KỲ 2015 - 2020\n\n"
            "Nội dung phần một.\n"
        )
        assert outline(text) == [
            (
                3,
                1,
                "Phần thứ nhất",
                "ĐÁNH GIÁ TÌNH HÌNH THỰC HIỆN NGHỊ QUYẾT NHIỆM KỲ 2015 - 2020",
                ["Phần thứ nhất"],
            )
        ]

    def test_part_upper_case_and_roman_and_same_line_title(self) -> None:
        text = "PHẦN THỨ HAI\n\nPHƯƠNG HƯỚNG NHIỆM VỤ\n\nPhần III: KIẾN NGHỊ\n\nNội dung.\n"
        assert outline(text) == [
            (1, 1, "Phần thứ hai", "PHƯƠNG HƯỚNG NHIỆM VỤ", ["Phần thứ hai"]),
            (5, 1, "Phần III", "KIẾN NGHỊ", ["Phần III"]),
        ]

    def test_letter_and_roman_with_dot_or_dash(self) -> None:
        text = (
            "A. KẾT QUẢ ĐẠT ĐƯỢC\nI- NHỮNG KẾT QUẢ NỔI BẬT\nNội dung.\nII - HẠN CHẾ\n"
            "Nội dung.\nB- NHIỆM VỤ\nIII. GIẢI PHÁP\n"
        )
        assert outline(text) == [
            (1, 1, "A", "KẾT QUẢ ĐẠT ĐƯỢC", ["A"]),
            (2, 2, "I", "NHỮNG KẾT QUẢ NỔI BẬT", ["A", "I"]),
            (4, 2, "II", "HẠN CHẾ", ["A", "II"]),
            (6, 1, "B", "NHIỆM VỤ", ["B"]),
            (7, 2, "III", "GIẢI PHÁP", ["B", "III"]),
        ]

    def test_arabic_levels_with_and_without_final_dot(self) -> None:
        text = (
            "I. KINH TẾ\n1. Nông nghiệp\n1.1. Trồng trọt\n1.1.1. Cây lúa\n1.1.2 Cây ngô\n"
            "a) Vụ đông xuân\nb) Vụ mùa\n1.2 Chăn nuôi\n2. Công nghiệp\n"
        )
        assert outline(text) == [
            (1, 1, "I", "KINH TẾ", ["I"]),
            (2, 2, "1", "Nông nghiệp", ["I", "1"]),
            (3, 3, "1.1", "Trồng trọt", ["I", "1", "1.1"]),
            (4, 4, "1.1.1", "Cây lúa", ["I", "1", "1.1", "1.1.1"]),
            (5, 4, "1.1.2", "Cây ngô", ["I", "1", "1.1", "1.1.2"]),
            (6, 5, "a", "Vụ đông xuân", ["I", "1", "1.1", "1.1.2", "a"]),
            (7, 5, "b", "Vụ mùa", ["I", "1", "1.1", "1.1.2", "b"]),
            (8, 3, "1.2", "Chăn nuôi", ["I", "1", "1.2"]),
            (9, 2, "2", "Công nghiệp", ["I", "2"]),
        ]

    def test_colon_splits_title_and_body(self) -> None:
        doc = parse_text(
            "1. Sản xuất\n1.1. Cây lương thực: Tập trung chỉ đạo mở rộng diện tích lúa nước.\n"
        )
        section = doc.sections[1]
        assert (section.number, section.title) == ("1.1", "Cây lương thực")
        assert section.blocks == [Paragraph("Tập trung chỉ đạo mở rộng diện tích lúa nước.")]

    def test_trailing_colon_without_body(self) -> None:
        assert outline("1. Sản xuất nông, lâm nghiệp, thủy sản:\nNội dung.\n")[0][3] == (
            "Sản xuất nông, lâm nghiệp, thủy sản"
        )

    def test_label_followed_by_nbsp_and_indentation(self) -> None:
        heading = outline("1. Một\n   4.3.\u00a0 Đối với đại biểu\n")[1]
        assert heading[2:4] == ("4.3", "Đối với đại biểu")

    def test_letters_nested_under_roman_when_document_does_so(self) -> None:
        text = "I. TÌNH HÌNH\nA. Kinh tế\n1. Nông nghiệp\nB. Xã hội\nII. NHIỆM VỤ\n"
        assert [(h[1], h[4]) for h in outline(text)] == [
            (1, ["I"]),
            (2, ["I", "A"]),
            (3, ["I", "A", "1"]),
            (2, ["I", "B"]),
            (1, ["II"]),
        ]

    def test_letter_i_after_h_is_a_letter(self) -> None:
        text = "".join(f"{c}. Mục {c}\n" for c in "ABCDEFGHI")
        assert [h[1] for h in outline(text)] == [1] * 9


class TestRunOnItems:
    def test_numbered_paragraph_is_a_heading_titled_by_first_sentence(self) -> None:
        doc = parse_text(
            "II- NHỮNG HẠN CHẾ\n\n"
            "1. Thu ngân sách còn thấp. Quản lý tiềm năng chưa tương xứng.\n\n"
            "2. Văn hóa, y tế có mặt chưa đáp ứng yêu cầu.\n"
        )
        assert [(s.number, s.title) for s in doc.sections[1:]] == [
            ("1", "Thu ngân sách còn thấp"),
            ("2", "Văn hóa, y tế có mặt chưa đáp ứng yêu cầu"),
        ]
        assert doc.sections[1].blocks == [Paragraph("Quản lý tiềm năng chưa tương xứng.")]

    def test_colon_in_a_later_sentence_does_not_cut_the_title(self) -> None:
        title = outline("1. Thực hiện tốt các đột phá. Các dự án như: cầu, đường.\n")[0][3]
        assert title == "Thực hiện tốt các đột phá"


class TestSkippedLevels:
    def test_numbered_items_straight_under_a_part(self) -> None:
        text = (
            "Phần thứ nhất\nKẾT QUẢ\n1. Kinh tế\n2. Xã hội\nPhần thứ hai\nNHIỆM VỤ\nI. MỤC TIÊU\n"
        )
        assert [(h[1], h[4]) for h in outline(text)] == [
            (1, ["Phần thứ nhất"]),
            (2, ["Phần thứ nhất", "1"]),
            (2, ["Phần thứ nhất", "2"]),
            (1, ["Phần thứ hai"]),
            (2, ["Phần thứ hai", "I"]),
        ]

    def test_sub_items_straight_under_roman(self) -> None:
        text = "II. NHIỆM VỤ\n2.1. Kinh tế\n2.2. Xã hội\n"
        assert [(h[1], h[4]) for h in outline(text)] == [
            (1, ["II"]),
            (2, ["II", "2.1"]),
            (2, ["II", "2.2"]),
        ]


class TestBodyIsNotHeading:
    def test_bullets(self) -> None:
        text = "1. Kinh tế\n- Lúa nước: tăng 3%.\n+ Ngô: giảm.\n* Về thuận lợi: tốt.\n• Khác.\n"
        assert numbers(text) == ["1"]

    def test_mot_la_items(self) -> None:
        assert numbers("3. Bài học\nMột là, chú trọng tuyên truyền.\nHai là, tự lực.\n") == ["3"]

    def test_parenthesised_items(self) -> None:
        text = "2.1. Về kinh tế\n(1)- Tăng trưởng 7%.\n(2) Cơ cấu kinh tế.\n13)- Tỷ lệ hộ.\n"
        assert numbers(text) == ["2.1"]

    def test_quantity_starting_a_line(self) -> None:
        text = "1. Giáo dục\nToàn tỉnh có\n9.052 phòng học kiên cố.\n4.221 Người lao động.\n"
        assert numbers(text) == ["1"]

    def test_footnote_lines(self) -> None:
        text = (
            "1. Kinh tế\nDiện tích tăng¹³.\n¹³ Bao gồm: 2 bưu cục cấp I.\n"
            "Diện tích rừng tăng.\n14 Theo số liệu cập nhật năm 2019.\n"
        )
        doc = parse_text(text)
        assert [s.number for s in doc.sections] == ["1"]
        texts = [b.text for b in doc.sections[0].blocks if isinstance(b, Paragraph)]
        assert "14 Theo số liệu cập nhật năm 2019." in texts

    def test_page_numbers_and_dates(self) -> None:
        text = "1. Kinh tế\n12\n02/7/2020\n15.3.2022 Ngày khai mạc.\n2. Xã hội\n"
        assert numbers(text) == ["1", "2"]

    def test_running_text_mentioning_a_part(self) -> None:
        assert numbers("1. Kinh tế\nPhần thứ hai của kế hoạch đã hoàn thành.\n") == ["1"]


class TestNumberingErrors:
    def test_gap_is_kept_and_warned(self) -> None:
        doc = parse_text("1. Một\n2. Hai\n4. Bốn\n")
        assert [s.number for s in doc.sections] == ["1", "2", "4"]
        assert any("“4”" in w and "“2”" in w for w in doc.warnings)

    def test_repeated_number_is_kept_and_warned(self) -> None:
        doc = parse_text("1. Một\n2. Hai\n2. Hai nữa\n")
        assert [s.path for s in doc.sections] == [["1"], ["2"], ["2"]]
        assert any("lặp" in w for w in doc.warnings)

    def test_missing_first_sub_item(self) -> None:
        doc = parse_text("2. Phát triển kinh tế\n2.2. Nông nghiệp\n")
        assert doc.sections[1].path == ["2", "2.2"]
        assert any("“2.2”" in w for w in doc.warnings)

    def test_dotted_number_standing_for_next_roman(self) -> None:
        doc = parse_text("I. KẾT QUẢ\n1. Kinh tế\n2. Xã hội\n1.2. HẠN CHẾ\n1. Kinh tế còn khó\n")
        assert [(s.level, s.path) for s in doc.sections] == [
            (1, ["I"]),
            (2, ["I", "1"]),
            (2, ["I", "2"]),
            (1, ["1.2"]),
            (2, ["1.2", "1"]),
        ]
        assert any("“1.2”" in w and "II" in w for w in doc.warnings)

    def test_one_for_roman_i_in_sub_sections(self) -> None:
        text = (
            "I. TÌNH HÌNH\nI.1. Kinh tế\n1. Nông nghiệp\n7. Đầu tư\n7.4. Dự án\n"
            "1.2. Xã hội\n1. Lao động\nI.3. Khoa học\n"
        )
        doc = parse_text(text)
        assert [(s.number, s.level) for s in doc.sections] == [
            ("I", 1),
            ("I.1", 2),
            ("1", 3),
            ("7", 3),
            ("7.4", 4),
            ("1.2", 2),
            ("1", 3),
            ("I.3", 2),
        ]
        assert doc.sections[5].path == ["I", "1.2"]


class TestPdfReflow:
    PDF = (
        " Năm 2019, là năm then chốt có ý nghĩa quan trọng trong việc thực hiện các mục \n\n"
        "tiêu của nghị quyết Đại hội Đảng bộ tỉnh lần thứ XIII và kế hoạch năm năm. \n\n"
        "A. KẾT QUẢ ĐẠT ĐƯỢC \n\n"
        "1.1. Cây lương thực: Tập trung chỉ đạo mở rộng diện tích lúa nước, giảm \n\n"
        "diện tích canh tác trên nương, ứng dụng tiến bộ khoa học vào sản xuất, toàn \n\n"
        "tỉnh có\n\n"
        "                   \n\n"
        "1 Do đo đạc, kiểm kê lại: Mường Chà giảm 15ha. \n"
        "2 Giảm 211,4 ha do chuyển đổi. \n"
        " 9.052 phòng học được xây mới trong năm, tăng so với năm trước1 và vượt kế \n\n"
        "hoạch. \n\n"
        "7. Về cải thiện môi trường đầu tư kinh doanh, thu hút đầu tư và phát \n\n"
        "triển doanh nghiệp \n\n"
        "- Chỉ đạo xây dựng chương trình hành động. \n"
    ) * 3

    def test_wrapped_lines_are_reflowed_and_lines_kept(self) -> None:
        heads = outline(self.PDF)[:3]
        assert heads == [
            (5, 1, "A", "KẾT QUẢ ĐẠT ĐƯỢC", ["A"]),
            (7, 2, "1.1", "Cây lương thực", ["A", "1.1"]),
            (
                21,
                2,
                "7",
                "Về cải thiện môi trường đầu tư kinh doanh, thu hút đầu tư và phát "
                "triển doanh nghiệp",
                ["A", "7"],
            ),
        ]

    def test_footnotes_do_not_break_the_paragraph(self) -> None:
        doc = parse_text(self.PDF)
        texts = [b.text for b in doc.sections[1].blocks if isinstance(b, Paragraph)]
        assert texts[0].startswith("Tập trung chỉ đạo")
        assert texts[0].endswith(
            "toàn tỉnh có 9.052 phòng học được xây mới trong năm, tăng so "
            "với năm trước1 và vượt kế hoạch."
        )
        assert "1 Do đo đạc, kiểm kê lại: Mường Chà giảm 15ha." in texts
        assert doc.preamble == [
            Paragraph(
                "Năm 2019, là năm then chốt có ý nghĩa quan trọng trong việc thực hiện các mục tiêu "
                "của nghị quyết Đại hội Đảng bộ tỉnh lần thứ XIII và kế hoạch năm năm."
            )
        ]


class TestTables:
    def test_flattened_table_rebuilt_with_columns(self) -> None:
        cells = [
            "S",
            "T",
            "T",
            "Chỉ tiêu",
            "Đơn vị tính",
            "Kế hoạch",
            "Thực hiện",
            "A",
            "Chỉ tiêu kinh tế",
            "\u00a0",
            "\u00a0",
            "\u00a0",
            "1",
            "Tổng sản phẩm",
            "Tỷ đồng",
            "12.355,5",
            "17.327,5",
            "\u00a0",
            "Tăng trưởng",
            "%/năm",
            "6,80",
            "6,83",
            "2",
            "Cơ cấu GRDP",
            "%",
            "2",
            "3",
            "B",
            "Chỉ tiêu xây dựng đảng",
            "\u00a0",
            "\u00a0",
            "\u00a0",
            "3",
            "Kết nạp đảng viên",
            "ĐV/năm",
            "2.000",
            "2.500",
        ]
        invite = "Mọi ý kiến đóng góp gửi về Email: a@b.vn."
        text = "1. Phụ lục\n\n" + "\n\n".join(cells) + "\n\n" + invite + "\n"
        doc = parse_text(text)
        assert [s.number for s in doc.sections] == ["1"]
        table = next(b for b in doc.sections[0].blocks if isinstance(b, Table))
        assert table.rows == [
            ["STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện"],
            ["A", "Chỉ tiêu kinh tế", "", "", ""],
            ["1", "Tổng sản phẩm", "Tỷ đồng", "12.355,5", "17.327,5"],
            ["", "Tăng trưởng", "%/năm", "6,80", "6,83"],
            ["2", "Cơ cấu GRDP", "%", "2", "3"],
            ["B", "Chỉ tiêu xây dựng đảng", "", "", ""],
            ["3", "Kết nạp đảng viên", "ĐV/năm", "2.000", "2.500"],
        ]
        assert doc.invitation.emails == ["a@b.vn"]


class TestMetadata:
    HEADER = (
        "ỦY BAN NHÂN DÂN\nTỈNH LAI CHÂU\n\nSố: 12/BC-UBND\n\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
        "Lai Châu, ngày 5 tháng 3 năm 2021\n\nBÁO CÁO\n\nTình hình kinh tế - xã hội năm 2020\n\n"
        "Kính gửi: Hội đồng nhân dân tỉnh.\n\nI. KẾT QUẢ\n"
    )

    def test_title_block_goes_to_metadata(self) -> None:
        doc = parse_text(self.HEADER)
        assert doc.metadata == {
            "issuer": "ỦY BAN NHÂN DÂN TỈNH LAI CHÂU",
            "number": "12/BC-UBND",
            "place": "Lai Châu",
            "date": "2021-03-05",
            "kind": "BÁO CÁO",
        }
        assert doc.title == "Tình hình kinh tế - xã hội năm 2020"
        assert doc.preamble == [Paragraph("Kính gửi: Hội đồng nhân dân tỉnh.")]
        assert [s.number for s in doc.sections] == ["I"]

    def test_text_is_nfc_normalised(self) -> None:
        import unicodedata

        doc = parse_text(unicodedata.normalize("NFD", "1. Kinh tế Điện Biên\n"))
        assert doc.sections[0].title == unicodedata.normalize("NFC", "Kinh tế Điện Biên")
