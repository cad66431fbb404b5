""".docx drafts give the same tree as their text version."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.document import Document as DocxDocument

from services.documents.parsing import Table, outline_records, parse_docx, parse_file, parse_text

LINES = [
    ("PHẦN THỨ NHẤT", "Heading 1"),
    ("ĐÁNH GIÁ TÌNH HÌNH", None),
    ("I. KẾT QUẢ ĐẠT ĐƯỢC", "Heading 2"),
    ("1. Kinh tế", "Heading 3"),
    ("1.1. Nông nghiệp: Sản lượng lương thực tăng 2%.", None),
    ("- Lúa nước tăng.", None),
    ("9.052 phòng học được xây mới.", None),
    ("2. Xã hội", None),
    ("a) Giáo dục", None),
    ("Một là, nâng cao chất lượng.", None),
    ("II. HẠN CHẾ", "Heading 2"),
]


def _build(path: Path, lines: list[tuple[str, str | None]]) -> DocxDocument:
    document = docx.Document()
    for text, style in lines:
        if style:
            document.add_paragraph(text, style=style)
        else:
            document.add_paragraph(text)
        document.add_paragraph("")
    document.save(str(path))
    return document


def _shape(records: list[dict]) -> list[tuple]:
    return [(r["level"], r["number"], r["title"], r["path"]) for r in records]


class TestDocx:
    def test_same_tree_as_text_version(self, tmp_path: Path) -> None:
        path = tmp_path / "draft.docx"
        _build(path, LINES)
        from_docx = outline_records(parse_file(path))
        from_text = outline_records(parse_text("\n".join(t for t, _ in LINES)))
        assert _shape(from_docx) == _shape(from_text)
        assert [r["number"] for r in from_docx] == [
            "Phần thứ nhất",
            "I",
            "1",
            "1.1",
            "2",
            "a",
            "II",
        ]

    def test_line_counts_non_empty_paragraphs(self, tmp_path: Path) -> None:
        path = tmp_path / "draft.docx"
        _build(path, LINES)
        records = outline_records(parse_docx(path.read_bytes()))
        assert [r["line"] for r in records] == [1, 3, 4, 5, 8, 9, 11]

    def test_heading_style_without_label(self, tmp_path: Path) -> None:
        path = tmp_path / "draft.docx"
        _build(path, [("MỞ ĐẦU", "Heading 1"), ("Nội dung.", None), ("1. Kinh tế", None)])
        records = outline_records(parse_file(path))
        assert _shape(records) == [
            (1, "MỞ ĐẦU", "MỞ ĐẦU", ["MỞ ĐẦU"]),
            (2, "1", "Kinh tế", ["MỞ ĐẦU", "1"]),
        ]

    def test_automatic_numbering_is_rendered(self, tmp_path: Path) -> None:
        document = docx.Document()
        document.add_paragraph("Kinh tế", style="List Number")
        document.add_paragraph("Sản lượng tăng.")
        document.add_paragraph("Xã hội", style="List Number")
        path = tmp_path / "auto.docx"
        document.save(str(path))
        records = outline_records(parse_file(path))
        assert [(r["number"], r["title"]) for r in records] == [("1", "Kinh tế"), ("2", "Xã hội")]

    def test_tables_become_blocks(self, tmp_path: Path) -> None:
        document = docx.Document()
        document.add_paragraph("1. Phụ lục")
        table = document.add_table(rows=2, cols=3)
        for i, row in enumerate([["STT", "Chỉ tiêu", "Đơn vị"], ["1", "GRDP", "Tỷ đồng"]]):
            for j, value in enumerate(row):
                table.cell(i, j).text = value
        path = tmp_path / "table.docx"
        document.save(str(path))
        doc = parse_file(path)
        assert doc.sections[0].blocks == [
            Table([["STT", "Chỉ tiêu", "Đơn vị"], ["1", "GRDP", "Tỷ đồng"]])
        ]

    def test_header_table_goes_to_metadata(self, tmp_path: Path) -> None:
        document = docx.Document()
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH ĐIỆN BIÊN"
        table.cell(1, 0).text = "Số: 350 /BC-UBND"
        table.cell(0, 1).text = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        table.cell(1, 1).text = "Điện Biên, ngày 02 tháng 12 năm 2022"
        document.add_paragraph("BÁO CÁO")
        document.add_paragraph("Tình hình kinh tế năm 2022")
        document.add_paragraph("I. KẾT QUẢ")
        path = tmp_path / "header.docx"
        document.save(str(path))
        doc = parse_file(path)
        assert doc.metadata["number"] == "350 /BC-UBND"
        assert doc.metadata["date"] == "2022-12-02"
        assert doc.metadata["kind"] == "BÁO CÁO"
        assert doc.title == "Tình hình kinh tế năm 2022"
        assert [s.number for s in doc.sections] == ["I"]
