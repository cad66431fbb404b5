"""Regenerate the PDF fixtures from the seed drafts (python-docx, then LibreOffice).

Usage: .venv/bin/python tests/documents/parsing/make_pdf_fixtures.py [OUT_DIR [NAME...]]

Needs ``libreoffice`` (Debian ``libreoffice-writer-nogui``).  Each seed's paragraphs are its
reflowed logical lines; headings are the lines of its expected outline.  Variants:

- ``002_styled.pdf``: Word Heading styles, justified body with a first-line indent;
- ``001_bold.pdf``: headings only in bold (no Heading style), left-aligned body;
- ``000_running.pdf``: a running header on every page and page numbers in the footer;
- ``001_printed.pdf``: seed 001's hard-wrapped text printed as it is (LibreOffice's text
  import), so the PDF keeps the extract's own line breaks;
- ``scanned.pdf``: a short draft whose second page is an image with no text layer.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

import docx
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.documents.parsing.lines import (  # noqa: E402
    LogLine,
    is_wrapped,
    mark_footnotes,
    split_source,
    typical_width,
)
from services.documents.parsing.reflow import reflow  # noqa: E402
from services.documents.parsing.tables import find_tables  # noqa: E402
from services.documents.parsing.text import nfc  # noqa: E402

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
EXPECTED = HERE / "expected"
RUNNING_HEADER = "Dự thảo Báo cáo chính trị trình Đại hội Đảng bộ tỉnh"


def logical_lines(seed: str) -> list[LogLine]:
    """The seed's paragraphs, footnotes and tables as the text parser reflows them."""
    text = (FIXTURES / f"{seed}.txt").read_text(encoding="utf-8-sig")
    lines = split_source(nfc(text))
    tables = find_tables(lines)
    wrapped = is_wrapped([ln for ln in lines if not ln.in_table])
    mark_footnotes(lines, wrapped)
    return reflow(lines, tables, wrapped, typical_width(lines))


def heading_levels(seed: str) -> dict[int, int]:
    """Source line → level of the seed's headings, from its expected outline."""
    outline = json.loads((EXPECTED / f"{seed}.json").read_text(encoding="utf-8"))
    return {h["line"]: h["level"] for h in outline}


_SUPERSCRIPT = re.compile("([⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def _add_runs(para: docx.text.paragraph.Paragraph, text: str, size: int | None = None) -> None:
    """Footnote marks as Word writes them: raised small digits, not Unicode superscripts."""
    for k, part in enumerate(_SUPERSCRIPT.split(text)):
        if not part:
            continue
        run = para.add_run(part.translate(_DIGITS) if k % 2 else part)
        run.font.superscript = bool(k % 2)
        if size:
            run.font.size = Pt(size)


def _base_document() -> docx.document.Document:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = "Liberation Serif"
    normal.font.size = Pt(13)
    normal.paragraph_format.space_after = Pt(0)
    return document


def _add_table(document: docx.document.Document, rows: list[list[str]]) -> None:
    columns = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=columns)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, cell_text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = cell_text
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(9)


def build_docx(seed: str, heading: Callable[[docx.document.Document, str, int], None]) -> bytes:
    """A .docx of the seed; ``heading`` writes each heading paragraph its own way."""
    document = _base_document()
    levels = heading_levels(seed)
    for log in logical_lines(seed):
        if log.kind == "table" and log.table is not None:
            _add_table(document, log.table.rows)
        elif log.kind == "footnote":
            _add_runs(document.add_paragraph(), log.text, size=9)
        elif log.line in levels:
            heading(document, log.text, levels[log.line])
        else:
            para = document.add_paragraph()
            _add_runs(para, log.text)
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            para.paragraph_format.first_line_indent = Cm(1)
            para.paragraph_format.space_after = Pt(6)
    return _save(document)


def styled_heading(document: docx.document.Document, text: str, level: int) -> None:
    """Word's own Heading N style."""
    document.add_heading(text, level=min(level, 6))


def bold_heading(document: docx.document.Document, text: str, level: int) -> None:
    """A Normal paragraph in bold, as many offices type headings."""
    para = document.add_paragraph()
    para.paragraph_format.space_before = Pt(6)
    para.paragraph_format.keep_with_next = True
    run = para.add_run(text)
    run.bold = True
    if level == 1:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page_field(paragraph: docx.text.paragraph.Paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def add_running_furniture(document: docx.document.Document) -> None:
    """A running header and a centred page number in the footer of every page."""
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.text = RUNNING_HEADER
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.runs[0].italic = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(footer)


def _grey_png(width: int, height: int) -> bytes:
    """A plain greyscale PNG (a stand-in for a scanned page), written without Pillow."""
    rows = b"".join(b"\x00" + bytes([200 if (y // 8) % 3 else 90]) * width for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def build_scanned() -> bytes:
    """Three pages: text, a scanned image only, text again."""
    document = _base_document()
    document.add_paragraph("BÁO CÁO").alignment = WD_ALIGN_PARAGRAPH.CENTER
    bold_heading(document, "I. TÌNH HÌNH THỰC HIỆN", 2)
    document.add_paragraph("Năm 2022, kinh tế của tỉnh tiếp tục phục hồi và phát triển.")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph().add_run().add_picture(io.BytesIO(_grey_png(160, 220)), width=Cm(15))
    section = document.add_section(WD_SECTION_START.NEW_PAGE)
    section.left_margin = Cm(3)
    bold_heading(document, "II. NHIỆM VỤ NĂM 2023", 2)
    document.add_paragraph("Tập trung thực hiện các giải pháp phát triển kinh tế - xã hội.")
    return _save(document)


def _save(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(source_bytes: bytes, name: str, out_dir: Path, suffix: str = ".docx") -> Path:
    """Convert with LibreOffice in a private profile (parallel runs must not share one)."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        raise SystemExit("libreoffice is not installed (apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"{name}{suffix}"
        source.write_bytes(source_bytes)
        profile = Path(tmp) / "profile"
        text_import = ["--infilter=Text (encoded):UTF8,LF,Liberation Serif,vi"]
        subprocess.run(
            [
                office,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                *(text_import if suffix == ".txt" else []),
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        target = out_dir / f"{name}.pdf"
        shutil.copyfile(Path(tmp) / f"{name}.pdf", target)
    return target


def build_running() -> bytes:
    """Seed 000 with a running header and page numbers."""
    document = docx.Document(io.BytesIO(build_docx("000_e341ae35a8b646af", bold_heading)))
    add_running_furniture(document)
    return _save(document)


VARIANTS: dict[str, tuple[Callable[[], bytes], str]] = {
    "002_styled": (lambda: build_docx("002_09586b55cf7290dc", styled_heading), ".docx"),
    "001_bold": (lambda: build_docx("001_fff7aae3549267b3", bold_heading), ".docx"),
    "000_running": (build_running, ".docx"),
    "001_printed": (lambda: (FIXTURES / "001_fff7aae3549267b3.txt").read_bytes(), ".txt"),
    "scanned": (build_scanned, ".docx"),
}


def main() -> None:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURES / "pdf"
    out_dir.mkdir(parents=True, exist_ok=True)
    only = set(sys.argv[2:])
    for name, (build, suffix) in VARIANTS.items():
        if only and name not in only:
            continue
        path = to_pdf(build(), name, out_dir, suffix)
        print(f"{path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
