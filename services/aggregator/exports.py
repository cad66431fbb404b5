"""CSV and XLSX exports of comments and tallies, with the reviewer's filters applied.

Comments are read page by page (keyset) in their own session, so an export of a million
rows streams in constant memory; the XLSX is written by openpyxl's write-only workbook to
a spooled temporary file (a zip cannot be sent before it is finished). No personal
details: the aggregator never receives e-mail, phone or address, and names stay out too.
"""

from __future__ import annotations

import csv
import io
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.aggregator import service
from services.aggregator.search import CommentFilter, CommentRow, iterate_comments
from shared.text import vn_datetime

COMMENT_HEADER = [
    "Mã ý kiến",
    "Mục",
    "Kênh",
    "Thời điểm nhận",
    "Nội dung",
    "Trạng thái",
    "Hướng xử lý",
    "Giải trình",
    "Chủ đề",
    "Nhóm ý kiến giống nhau",
    "Tổ chức",
]
TALLY_HEADER = [
    "Mục",
    "Tiêu đề",
    "Tổng số ý kiến",
    "Số người góp ý",
    "Trên cổng",
    "Thư điện tử",
    "Văn bản giấy",
]
CHANNEL_LABEL = {"web": "Cổng thông tin", "email": "Thư điện tử", "post": "Văn bản giấy"}
STATUS_LABEL = {
    "active": "Hợp lệ",
    "spam": "Thư rác",
    "duplicate": "Trùng lặp",
    "withdrawn": "Đã rút",
}
DISPOSITION_LABEL = {
    "taken_in": "Tiếp thu",
    "explained": "Giải trình",
    "set_aside": "Không tiếp thu",
}


def _safe(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def comment_cells(row: CommentRow, paths: dict[uuid.UUID, str]) -> list[str]:
    c, r = row.comment, row.review
    return [
        str(c.comment_id),
        paths.get(c.section_id, "Toàn văn dự thảo") if c.section_id else "Toàn văn dự thảo",
        CHANNEL_LABEL.get(c.channel, c.channel),
        vn_datetime(c.submitted_at),
        _safe(c.text),
        STATUS_LABEL.get(c.status, c.status),
        DISPOSITION_LABEL.get(r.disposition or "", "") if r else "",
        _safe(r.explanation) if r else "",
        ", ".join(r.themes) if r else "",
        str(c.cluster_id or ""),
        _safe(c.organisation or ""),
    ]


async def section_paths(session: AsyncSession, document_id: uuid.UUID) -> dict[uuid.UUID, str]:
    return {
        t.section_id: ".".join(t.path) + " " + t.title
        for t in await service.tallies(session, document_id)
    }


async def comment_rows(
    sessions: async_sessionmaker[AsyncSession], document_id: uuid.UUID, f: CommentFilter
) -> AsyncIterator[list[str]]:
    """Every matching comment as export cells, read in its own session."""
    async with sessions() as session:
        paths = await section_paths(session, document_id)
        async for page in iterate_comments(session, document_id, f):
            for row in page:
                yield comment_cells(row, paths)


def tally_rows(tallies: Sequence[service.SectionTally]) -> list[list[Any]]:
    return [
        [
            ".".join(t.path),
            t.title,
            t.total,
            t.commenters,
            t.by_channel.get("web", 0),
            t.by_channel.get("email", 0),
            t.by_channel.get("post", 0),
        ]
        for t in tallies
    ]


def csv_line(cells: Iterable[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


async def stream_csv(header: list[str], rows: AsyncIterator[list[Any]]) -> AsyncIterator[bytes]:
    """UTF-8 with a BOM, so Excel shows the Vietnamese letters right."""
    yield ("\ufeff" + csv_line(header)).encode()
    chunk: list[str] = []
    async for cells in rows:
        chunk.append(csv_line(cells))
        if len(chunk) >= 500:
            yield "".join(chunk).encode()
            chunk = []
    if chunk:
        yield "".join(chunk).encode()


async def build_xlsx(
    title: str, header: list[str], rows: AsyncIterator[list[Any]]
) -> tempfile.SpooledTemporaryFile[bytes]:
    """A write-only workbook in a spooled file (memory up to 8 MB, then disk)."""
    # imported on the first export: openpyxl is 11 MB of every aggregator's resident memory
    # (issue 15's 200 MB), for a route a reviewer calls now and then
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    async for cells in rows:
        sheet.append(cells)
    out: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(
        max_size=8 * 1024 * 1024
    )
    book.save(out)
    out.seek(0)
    return out


async def file_chunks(
    out: tempfile.SpooledTemporaryFile[bytes], size: int = 256 * 1024
) -> AsyncIterator[bytes]:
    try:
        while chunk := out.read(size):
            yield chunk
    finally:
        out.close()


async def listed(rows: list[list[Any]]) -> AsyncIterator[list[Any]]:
    for row in rows:
        yield row


ProgressCallback = Callable[[int], None]
