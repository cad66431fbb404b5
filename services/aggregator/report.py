"""The synthesis report as .docx: "Báo cáo tổng hợp, tiếp thu, giải trình ý kiến góp ý".

The official shape: a title block, the counts per section and channel, then per section
the main points raised (clusters of near-identical comments with a representative text),
what the subcommittee decided and why, and an annex listing every comment. The data are
read from the database first; the document is then built in a worker thread, so a report
on 100,000 comments does not stall the service's other requests.
"""

from __future__ import annotations

import asyncio
import io
import re
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncSession

from services.aggregator import service
from services.aggregator.exports import CHANNEL_LABEL, DISPOSITION_LABEL
from services.aggregator.models import AggregatedDocument
from services.aggregator.search import CommentFilter, CommentRow, iterate_comments
from shared.events import utcnow
from shared.text import LOCAL_TZ, vn_date, vn_number
from shared.web import NotFound

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
TITLE = "Báo cáo tổng hợp, tiếp thu, giải trình ý kiến góp ý"
POINTS_PER_SECTION = 10  # the main points; the annex has every comment


@dataclass
class Point:
    """One position: a cluster of near-identical comments within a section."""

    text: str
    count: int = 0
    dispositions: Counter[str] = field(default_factory=Counter)
    explanation: str = ""


@dataclass
class AnnexLine:
    section: str
    channel: str
    day: str
    text: str
    disposition: str


@dataclass
class ReportData:
    title: str
    generated_at: datetime
    tallies: list[service.SectionTally]
    totals: dict[str, int]
    people: int
    points: dict[uuid.UUID | None, dict[uuid.UUID, Point]]
    annex: list[AnnexLine]


def _collect(row: CommentRow, points: dict[uuid.UUID | None, dict[uuid.UUID, Point]]) -> None:
    c, r = row.comment, row.review
    cluster = points.setdefault(c.section_id, {}).setdefault(
        c.cluster_id or c.comment_id, Point(text=c.text)
    )
    cluster.count += 1
    if r is not None and r.disposition:
        cluster.dispositions[r.disposition] += 1
        if not cluster.explanation and r.explanation:
            cluster.explanation = r.explanation


async def gather(session: AsyncSession, document_id: uuid.UUID) -> ReportData:
    """Everything the report says, read page by page from the projection."""
    document = await session.get(AggregatedDocument, document_id)
    if document is None:
        raise NotFound("Không tìm thấy dự thảo.")
    tallies = await service.tallies(session, document_id)
    labels = {t.section_id: " ".join(t.path) + ". " + t.title for t in tallies}
    points: dict[uuid.UUID | None, dict[uuid.UUID, Point]] = {}
    annex: list[AnnexLine] = []
    async for page in iterate_comments(session, document_id, CommentFilter()):
        for row in page:
            _collect(row, points)
            c = row.comment
            annex.append(
                AnnexLine(
                    labels.get(c.section_id, "Toàn văn") if c.section_id else "Toàn văn",
                    CHANNEL_LABEL.get(c.channel, c.channel),
                    vn_date(c.submitted_at),
                    c.text,
                    DISPOSITION_LABEL.get(row.disposition or "", "Chưa xử lý"),
                )
            )
    return ReportData(
        document.title,
        utcnow(),
        tallies,
        await service.document_totals(session, document_id),
        await service.document_commenters(session, document_id),
        points,
        annex,
    )


async def render(session: AsyncSession, document_id: uuid.UUID) -> bytes:
    data = await gather(session, document_id)
    return await asyncio.to_thread(build, data)


def _set_cell(cell: object, text: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    run = paragraph.add_run(text)
    run.bold = bold


def _table(document: object, header: list[str], widths: list[float]) -> Table:
    table: Table = document.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid, which LibreOffice follows
    for cell, text, width in zip(table.rows[0].cells, header, widths, strict=True):
        _set_cell(cell, text, bold=True)
        cell.width = Cm(width)
    _repeat_header(table)
    return table


def _repeat_header(table: Table) -> None:
    properties = table.rows[0]._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _add_rows(table: Table, rows: list[list[str]], pending: dict[str, str]) -> None:
    """Add the rows as XML text, spliced into the saved document in place of a marker row.

    Building rows through python-docx, or moving parsed rows into its tree, grows much
    worse than linearly (seconds per thousand rows); text splicing stays linear.
    """
    cell_properties = [
        etree.tostring(tc.tcPr).decode() if tc.tcPr is not None else ""
        for tc in table.rows[0]._tr.tc_lst
    ]
    run = '<w:r><w:rPr><w:sz w:val="22"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>'
    parts = []
    for values in rows:
        parts.append("<w:tr>")
        for properties, value in zip(cell_properties, values, strict=True):
            paragraphs = "".join(
                "<w:p>" + run.format(escape(_xml_safe(line))) + "</w:p>"
                for line in (value.split("\n") or [""])
            )
            parts.append(f"<w:tc>{properties}{paragraphs}</w:tc>")
        parts.append("</w:tr>")
    marker = f"@@rows-{len(pending)}-{uuid.uuid4().hex}@@"
    table.add_row().cells[0].text = marker
    pending[marker] = "".join(parts)


def _splice(docx: bytes, pending: dict[str, str]) -> bytes:
    """Replace each marker row of word/document.xml by its rows."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    xml = source.read("word/document.xml").decode()
    for marker, rows in pending.items():
        at = xml.index(marker)
        start = max(xml.rfind("<w:tr>", 0, at), xml.rfind("<w:tr ", 0, at))
        end = xml.index("</w:tr>", at) + len("</w:tr>")
        xml = xml[:start] + rows + xml[end:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = xml.encode() if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item, data)
    return out.getvalue()


def _xml_safe(text: str) -> str:
    """XML 1.0 refuses most control characters; a pasted letter may carry them."""
    return _CONTROL.sub("", text)


def _title_block(document: object, data: ReportData) -> None:
    block = document.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    left, right = block.rows[0].cells
    left.paragraphs[0].add_run("BAN SOẠN THẢO").bold = True
    left.add_paragraph("Số: ....../BC-BST")
    right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold = True
    right.add_paragraph().add_run("Độc lập - Tự do - Hạnh phúc").bold = True
    local = data.generated_at.astimezone(LOCAL_TZ)
    right.add_paragraph(f"ngày {local.day} tháng {local.month} năm {local.year}").runs[
        0
    ].italic = True
    for cell in (left, right):
        for paragraph in cell.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading = document.add_paragraph()  # type: ignore[attr-defined]
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_before = Pt(18)
    heading.add_run("BÁO CÁO\n").bold = True
    heading.add_run(TITLE + "\n").bold = True
    heading.add_run(f"đối với {data.title}").italic = True


def build(data: ReportData) -> bytes:
    """The .docx bytes of the report."""
    document = Document()
    pending: dict[str, str] = {}
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"  # type: ignore[attr-defined]
    style.font.size = Pt(13)  # type: ignore[attr-defined]
    for name in ("Heading 2", "Heading 3"):
        heading_style = document.styles[name]
        heading_style.font.name = "Times New Roman"  # type: ignore[attr-defined]
        heading_style.font.color.rgb = RGBColor(0, 0, 0)  # type: ignore[attr-defined]
        heading_style.font.size = Pt(13)  # type: ignore[attr-defined]
    page = document.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.left_margin, page.right_margin = Cm(3), Cm(2)
    page.top_margin = page.bottom_margin = Cm(2)
    _title_block(document, data)

    total = sum(data.totals.values())
    document.add_heading("I. Tình hình tiếp nhận ý kiến góp ý", level=2)
    document.add_paragraph(
        f"Tổng số ý kiến hợp lệ: {vn_number(total)}, của {vn_number(data.people)} người góp "
        f"ý; trong đó qua cổng thông tin "
        f"{vn_number(data.totals.get('web', 0))}, qua thư điện tử "
        f"{vn_number(data.totals.get('email', 0))}, bằng văn bản giấy "
        f"{vn_number(data.totals.get('post', 0))}. Số liệu tính đến {vn_date(data.generated_at)}; "
        "không tính thư rác, ý kiến trùng lặp và ý kiến đã rút. Mỗi người được đếm một lần "
        "trong mỗi mục (nhận ra qua thư điện tử, số điện thoại, hoặc họ tên và địa chỉ trên thư "
        "giấy); ý kiến không ghi các thông tin này được tính là của một người riêng."
    )
    summary = _table(
        document,
        [
            "Mục",
            "Tiêu đề",
            "Số ý kiến",
            "Số người",
            "Cổng thông tin",
            "Thư điện tử",
            "Văn bản giấy",
        ],
        [1.6, 4.4, 1.7, 1.7, 2.1, 2.1, 2.1],
    )
    _add_rows(
        summary,
        [
            [
                " ".join(t.path),
                t.title,
                vn_number(t.total),
                vn_number(t.commenters),
                vn_number(t.by_channel.get("web", 0)),
                vn_number(t.by_channel.get("email", 0)),
                vn_number(t.by_channel.get("post", 0)),
            ]
            for t in data.tallies
        ],
        pending,
    )

    document.add_heading("II. Tổng hợp, tiếp thu, giải trình ý kiến theo từng mục", level=2)
    order: list[tuple[uuid.UUID | None, str]] = [(None, "Ý kiến chung về toàn văn dự thảo")]
    order += [(t.section_id, f"Mục {' '.join(t.path)}. {t.title}") for t in data.tallies]
    for section_id, label in order:
        clusters = data.points.get(section_id)
        if not clusters:
            continue
        document.add_heading(label, level=3)
        ranked = sorted(clusters.values(), key=lambda p: -p.count)
        for number, point in enumerate(ranked[:POINTS_PER_SECTION], start=1):
            who = f"{vn_number(point.count)} ý kiến" if point.count > 1 else "1 ý kiến"
            p = document.add_paragraph()
            p.add_run(f"{number}. ({who}) ").bold = True
            p.add_run(_xml_safe(point.text))
            decided = point.dispositions.most_common(1)
            outcome = DISPOSITION_LABEL.get(decided[0][0], "") if decided else "Chưa xử lý"
            answer = document.add_paragraph()
            answer.paragraph_format.left_indent = Cm(1)
            answer.add_run(f"Hướng xử lý: {outcome}. ").italic = True
            if point.explanation:
                answer.add_run(_xml_safe(point.explanation))
        if len(ranked) > POINTS_PER_SECTION:
            rest = sum(p.count for p in ranked[POINTS_PER_SECTION:])
            document.add_paragraph(f"Và {vn_number(rest)} ý kiến khác (xem Phụ lục).")

    annex_page = document.add_section()
    annex_page.orientation = WD_ORIENT.LANDSCAPE
    annex_page.page_width, annex_page.page_height = Cm(29.7), Cm(21)
    document.add_heading("Phụ lục: Danh sách ý kiến góp ý", level=2)
    annex = _table(
        document,
        ["STT", "Mục", "Kênh", "Ngày", "Nội dung ý kiến", "Hướng xử lý"],
        [1.2, 3.5, 2.4, 2.3, 13.6, 2.7],
    )
    _add_rows(
        annex,
        [
            [str(i), a.section, a.channel, a.day, a.text, a.disposition]
            for i, a in enumerate(data.annex, start=1)
        ],
        pending,
    )
    out = io.BytesIO()
    document.save(out)
    return _splice(out.getvalue(), pending)
