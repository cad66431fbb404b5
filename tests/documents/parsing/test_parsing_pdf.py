"""PDF drafts give the same outline as their text; furniture, scans and tables are handled.

The PDFs in fixtures/pdf/ were built from the seeds by make_pdf_fixtures.py (python-docx,
then LibreOffice): 002 with Word Heading styles, 001 with bold headings and no Heading
style, 000 with a running header and page numbers, 001's hard-wrapped text printed as it
is, and a draft with a scanned page.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest

from services.documents.__main__ import main as cli
from services.documents.parsing import (
    ParsedDocument,
    PdfUnreadable,
    Table,
    outline_records,
    parse_file,
    parse_pdf,
    pdf_layout,
    pdf_text,
)
from services.documents.parsing.lines import LogLine, RawLine
from services.documents.parsing.parser import assemble
from services.documents.parsing.pdf import _glue_hyphen, logical_lines, render_text
from services.documents.parsing.text import starts_lower
from tests.documents.parsing.make_pdf_fixtures import (
    _base_document,
    _save,
    add_running_furniture,
    bold_heading,
    to_pdf,
)
from tests.documents.parsing.make_pdf_fixtures import logical_lines as source_lines

HERE = Path(__file__).parent
PDFS = HERE / "fixtures" / "pdf"
PAIRS = {
    "002_styled": "002_09586b55cf7290dc",
    "001_bold": "001_fff7aae3549267b3",
    "000_running": "000_e341ae35a8b646af",
    "001_printed": "001_fff7aae3549267b3",
}
RUNNING_HEADER = "Dự thảo Báo cáo chính trị trình Đại hội Đảng bộ tỉnh"


@functools.cache
def _logs(name: str) -> list[LogLine]:
    return logical_lines((PDFS / f"{name}.pdf").read_bytes())


@functools.cache
def _pdf(name: str) -> ParsedDocument:
    return assemble(_logs(name))


def _text(name: str) -> str:
    return render_text(_logs(name))


def _without_lines(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "line"} for r in records]


class TestSameOutlineAsText:
    @pytest.mark.parametrize("name", list(PAIRS))
    def test_headings_levels_titles_and_paths_match_the_text_draft(self, name: str) -> None:
        text_outline = outline_records(parse_file(HERE / "fixtures" / f"{PAIRS[name]}.txt"))
        pdf_outline = outline_records(_pdf(name))
        assert _without_lines(pdf_outline) == _without_lines(text_outline)

    @pytest.mark.parametrize("name", list(PAIRS))
    def test_line_counts_lines_of_the_reflowed_text(self, name: str) -> None:
        lines = _text(name).splitlines()
        outline = outline_records(_pdf(name))
        assert [h["line"] for h in outline] == sorted(h["line"] for h in outline)
        for heading in outline:
            line = lines[heading["line"] - 1]
            assert line.lower().startswith(heading["number"].lower()), (heading, line)
            around = " ".join(lines[heading["line"] - 1 : heading["line"] + 1]).lower()
            assert heading["title"][:20].lower() in around

    @pytest.mark.parametrize("name", list(PAIRS))
    def test_title_metadata_and_warnings_match_the_text_draft(self, name: str) -> None:
        text_doc = parse_file(HERE / "fixtures" / f"{PAIRS[name]}.txt")
        pdf_doc = _pdf(name)
        assert pdf_doc.title == text_doc.title
        assert pdf_doc.metadata == text_doc.metadata
        assert pdf_doc.invitation == text_doc.invitation
        assert [re.sub(r"Dòng \d+", "", w) for w in pdf_doc.warnings] == [
            re.sub(r"Dòng \d+", "", w) for w in text_doc.warnings
        ]

    def test_text_command_prints_the_reflowed_text(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert cli(["text", str(PDFS / "001_bold.pdf")]) == 0
        assert (
            capsys.readouterr().out
            == _text("001_bold")
            == pdf_text((PDFS / "001_bold.pdf").read_bytes())
        )

    def test_outline_command_prints_the_json_of_design_section_6(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert cli(["outline", str(PDFS / "001_bold.pdf")]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert printed == outline_records(_pdf("001_bold"))
        assert printed[0] == {
            "line": 3,
            "level": 1,
            "number": "A",
            "title": "KẾT QUẢ ĐẠT ĐƯỢC",
            "path": ["A"],
        }


class TestPageFurniture:
    def test_running_header_and_page_numbers_are_gone(self) -> None:
        text = _text("000_running")
        assert RUNNING_HEADER not in text
        assert not [line for line in text.splitlines() if re.fullmatch(r"\d{1,3}", line)]

    @pytest.mark.parametrize("name", [n for n in PAIRS if n != "001_printed"])
    def test_every_paragraph_comes_back_whole(self, name: str) -> None:
        """Each paragraph written into the PDF is one reflowed line again, across pages too.

        (001_printed is left out: printed as plain text, its footnotes are in body type,
        and the extract's own mark for them, a line of spaces, does not survive printing.)

        The seeds themselves split a few paragraphs at their source's page breaks (the part
        after the break starts in lowercase); the PDF reader rightly joins those.
        """
        written = [log for log in source_lines(PAIRS[name]) if log.kind != "table"]
        body = [log for log in written if log.kind != "footnote"]
        split_in_seed = {
            id(log) for log, nxt in zip(body, body[1:], strict=False) if starts_lower(nxt.text)
        } | {id(log) for log in body if starts_lower(log.text)}
        got = set(_text(name).splitlines())
        lost = [log.text for log in written if log.text not in got and id(log) not in split_in_seed]
        assert lost == []

    def test_footnotes_stay_out_of_headings_and_paragraphs(self) -> None:
        doc = _pdf("002_styled")
        texts = [b.text for s in doc.sections for b in s.blocks if not isinstance(b, Table)]
        note = next(t for t in texts if t.startswith("¹"))
        assert note.startswith("¹ Tăng 0,19 % so với kế hoạch")


class TestScannedPages:
    def test_pages_without_text_are_named_and_nothing_is_parsed(self) -> None:
        with pytest.raises(PdfUnreadable) as caught:
            parse_file(PDFS / "scanned.pdf")
        message = str(caught.value)
        assert message.startswith("Trang 2 của tệp PDF là ảnh quét")
        assert "OCR" in message and "chưa có gì được nhập" in message

    def test_the_command_says_so_in_vietnamese_and_fails(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert cli(["outline", str(PDFS / "scanned.pdf")]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and "Trang 2" in captured.err


class TestTables:
    def test_appendix_table_comes_out_as_the_same_rows_as_from_text(self) -> None:
        def table_of(doc: ParsedDocument) -> Table:
            return next(b for s in doc.sections for b in s.blocks if isinstance(b, Table))

        text_doc = parse_file(HERE / "fixtures" / f"{PAIRS['000_running']}.txt")
        pdf_table = table_of(_pdf("000_running"))
        assert pdf_table.rows == table_of(text_doc).rows
        assert pdf_table.rows[2][:3] == [
            "1",
            "Tổng sản phẩm trên địa bàn (GRDP theo giá so sánh)",
            "Tỷ đồng",
        ]


class TestBounds:
    def test_too_many_pages_are_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(pdf_layout, "MAX_PAGES", 3)
        with pytest.raises(PdfUnreadable, match="hơn 3 trang"):
            parse_pdf((PDFS / "001_bold.pdf").read_bytes())

    def test_not_a_pdf_and_a_broken_pdf_are_refused(self) -> None:
        with pytest.raises(PdfUnreadable, match="không phải tệp PDF"):
            parse_pdf(b"BM\x00\x00 an image")
        with pytest.raises(PdfUnreadable, match="PDF"):
            parse_pdf(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n")


class TestHyphenation:
    @pytest.mark.parametrize(
        ("before", "after", "joined"),
        [
            (
                "cơ sở hạ tầng (infra-",
                "structure) của tỉnh",
                "cơ sở hạ tầng (infrastructure) của tỉnh",
            ),
            ("đại dịch COVID-", "19 kéo dài", "đại dịch COVID-19 kéo dài"),
            ("vùng kinh tế-", "xã hội", "vùng kinh tế-xã hội"),
            ("phát tri\u00ad", "ển bền vững", "phát triển bền vững"),
        ],
    )
    def test_a_word_split_at_a_line_end_is_joined(
        self, before: str, after: str, joined: str
    ) -> None:
        prev, cur = RawLine(1, before, before), RawLine(2, after, after)
        _glue_hyphen(prev, cur)
        assert prev.text + cur.glue + cur.text == joined


class TestFreshConversion:
    def test_a_draft_converted_now_by_libreoffice(self, tmp_path: Path) -> None:
        """Bold-only headings, figure-led items, a running header and page numbers."""
        document = _base_document()
        add_running_furniture(document)
        bold_heading(document, "BÁO CÁO KẾT QUẢ NĂM 2023", 1)
        bold_heading(document, "I. KẾT QUẢ ĐẠT ĐƯỢC", 2)
        filler = "Các ngành, các cấp tập trung triển khai nhiệm vụ phát triển kinh tế - xã hội. "
        items = [
            "1. Về kinh tế",
            "2. 1.200 tỷ đồng vốn đầu tư công được giải ngân",
            "3. 85% số xã đạt chuẩn nông thôn mới",
            "4. Về xã hội",
        ]
        for item in items:
            bold_heading(document, item, 3)
            document.add_paragraph(filler * 12)
            document.add_paragraph("Toàn tỉnh có 9.052 phòng học kiên cố. " * 3)
        bold_heading(document, "II. NHIỆM VỤ NĂM 2024", 2)
        document.add_paragraph(filler * 30)
        pdf = to_pdf(_save(document), "fresh", tmp_path)
        outline = outline_records(parse_pdf(pdf.read_bytes()))
        assert [h["path"] for h in outline] == [
            ["I"],
            ["I", "1"],
            ["I", "2"],
            ["I", "3"],
            ["I", "4"],
            ["II"],
        ]
        assert outline[3]["title"] == "85% số xã đạt chuẩn nông thôn mới"
        text = pdf_text(pdf.read_bytes())
        assert RUNNING_HEADER not in text
        lines = text.splitlines()
        assert len(lines) == 2 + 3 * len(items) + 2  # each paragraph whole, across pages too
        assert lines[-1] == (filler * 30).strip()

    @pytest.mark.parametrize("bordered", [False, True])
    def test_title_block_beside_itself_and_word_numbering(
        self, tmp_path: Path, bordered: bool
    ) -> None:
        """The two-column title block (a layout table, with or without borders) reads column
        by column; Word's automatic numbering and raised footnote marks come through."""
        document = _base_document()
        block = document.add_table(rows=3, cols=2)
        if bordered:
            block.style = "Table Grid"
        for row, (left, right) in enumerate(
            [
                ("ỦY BAN NHÂN DÂN", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                ("TỈNH ĐIỆN BIÊN", "Độc lập - Tự do - Hạnh phúc"),
                ("Số: 12/BC-UBND", "Điện Biên, ngày 02 tháng 12 năm 2022"),
            ]
        ):
            block.cell(row, 0).text, block.cell(row, 1).text = left, right
        document.add_paragraph("BÁO CÁO")
        document.add_paragraph("Tình hình kinh tế năm 2022")
        bold_heading(document, "I. KẾT QUẢ", 2)
        for topic in ("Về nông nghiệp", "Về công nghiệp"):
            document.add_paragraph(topic, style="List Number")
            noted = document.add_paragraph("Sản lượng tăng")
            mark = noted.add_run("3")
            mark.font.superscript = True
            noted.add_run(" so với năm trước.")
        pdf = to_pdf(_save(document), "block", tmp_path)
        doc = parse_pdf(pdf.read_bytes())
        assert doc.metadata == {
            "issuer": "ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN",
            "number": "12/BC-UBND",
            "place": "Điện Biên",
            "date": "2022-12-02",
            "kind": "BÁO CÁO",
        }
        assert doc.title == "Tình hình kinh tế năm 2022"
        assert [(h["number"], h["title"]) for h in outline_records(doc)] == [
            ("I", "KẾT QUẢ"),
            ("1", "Về nông nghiệp"),
            ("2", "Về công nghiệp"),
        ]
        assert "Sản lượng tăng³ so với năm trước." in pdf_text(pdf.read_bytes())
