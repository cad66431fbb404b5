"""Read the text layer of a PDF with pdfminer.six: lines with their place, size and weight.

Only what the draft parser needs is kept: each text line's box, font size, how much of it is
bold, the width of its first word (to tell a wrapped line from a finished one), plus ruling
segments (for tables) and how much of each page is covered by images (scanned pages).
Parsing is bounded in pages, characters and time so that a hostile file cannot hang the
service.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from pdfminer.high_level import extract_pages
from pdfminer.layout import (
    LAParams,
    LTAnno,
    LTChar,
    LTComponent,
    LTFigure,
    LTImage,
    LTLine,
    LTRect,
    LTTextContainer,
    LTTextLineHorizontal,
)
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException

from .text import clean, nfc

MAX_PAGES = 400
MAX_CHARS_PER_PAGE = 30_000
MAX_CPU_SECONDS = 120.0
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|,b$|-b$", re.IGNORECASE)
_LAPARAMS = LAParams(line_margin=0.5, char_margin=2.0, word_margin=0.1, boxes_flow=None)


class PdfUnreadable(ValueError):
    """A PDF that cannot be imported; the message is for the administrator, in Vietnamese."""


@dataclass
class Cell:
    """A run of characters of one line, placed on the page (for table cells)."""

    text: str
    x0: float
    x1: float


@dataclass
class PdfLine:
    """One physical text line of a page."""

    page: int
    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    size: float
    bold: float
    bold_start: bool
    first_word: float
    pieces: list[Cell] = field(default_factory=list)
    block_end: bool = False  # last line of a column set beside another: nothing runs on

    @property
    def middle(self) -> float:
        """Vertical centre, to place the line in a table row."""
        return (self.y0 + self.y1) / 2


@dataclass
class Segment:
    """A ruling line (a table border); thin rectangles count as lines."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) > (self.y1 - self.y0)


@dataclass
class PdfPage:
    """The text lines, rules and image coverage of one page (numbered from 1)."""

    number: int
    width: float
    height: float
    lines: list[PdfLine] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    image_area: float = 0.0

    @property
    def scanned(self) -> bool:
        """Mostly an image with (almost) no text layer: a scan that needs OCR."""
        letters = sum(len(line.text.replace(" ", "")) for line in self.lines)
        return self.image_area > 0.25 * self.width * self.height and letters < 40


def _is_bold(char: LTChar) -> bool:
    return bool(_BOLD_FONT.search(char.fontname.split("+")[-1]))


_SUPERSCRIPT_DIGITS = str.maketrans("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")
_SUPERSCRIPTS = set("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")


def _raised(chars: list[LTChar]) -> set[int]:
    """Indices of small raised characters: footnote reference marks (¹, ²³)."""
    normal = sorted(c.size for c in chars)
    if not normal:
        return set()
    size = normal[len(normal) // 2]
    bases = sorted(c.y0 for c in chars if c.size > 0.85 * size)
    base = bases[len(bases) // 2] if bases else 0.0
    return {
        i
        for i, c in enumerate(chars)
        if c.size <= 0.8 * size and c.y0 - base > 0.2 * size and not c.get_text().isspace()
    }


def _line_of(page_no: int, line: LTTextLineHorizontal) -> PdfLine | None:
    """Text, size, boldness and first-word width of one pdfminer line."""
    items = list(line)
    all_chars = [item for item in items if isinstance(item, LTChar)]
    raised = {id(all_chars[i]) for i in _raised(all_chars)}
    chars: list[LTChar] = []
    pieces: list[Cell] = []
    text_parts: list[str] = []
    first_word_end: float | None = None
    gap_limit = 0.0
    for item in items:
        if isinstance(item, LTChar):
            value = item.get_text()
            if id(item) in raised:
                value = value.translate(_SUPERSCRIPT_DIGITS)
                if not set(value) <= _SUPERSCRIPTS:
                    continue  # a raised "*" or letter mark carries no text
                if text_parts and text_parts[-1].isspace() and chars:
                    text_parts.pop()  # the mark sticks to the word it annotates
            if value.isspace():
                text_parts.append(" ")
                if pieces:
                    pieces[-1].text += " "
                if chars and first_word_end is None:
                    first_word_end = chars[-1].x1
                continue
            gap_limit = max(gap_limit, item.size * 0.9)
            if not pieces or item.x0 - pieces[-1].x1 > gap_limit:
                pieces.append(Cell("", item.x0, item.x1))
            pieces[-1].text += value
            pieces[-1].x1 = item.x1
            if id(item) not in raised:
                chars.append(item)
            text_parts.append(value)
        elif isinstance(item, LTAnno):
            text_parts.append(item.get_text())
            if chars and first_word_end is None and item.get_text().isspace():
                first_word_end = chars[-1].x1
            if pieces and item.get_text() == " ":
                pieces[-1].text += " "
    text = clean(nfc("".join(text_parts)))
    if not chars or not text:
        return None
    sizes = sorted(round(c.size, 1) for c in chars)
    bold = sum(1 for c in chars if _is_bold(c)) / len(chars)
    first_end = first_word_end if first_word_end is not None else chars[-1].x1
    return PdfLine(
        page=page_no,
        text=text,
        x0=chars[0].x0,
        x1=max(c.x1 for c in chars),
        y0=line.y0,
        y1=line.y1,
        size=sizes[len(sizes) // 2],
        bold=bold,
        bold_start=all(_is_bold(c) for c in chars[:3]),
        first_word=first_end - chars[0].x0,
        pieces=[Cell(clean(nfc(p.text)), p.x0, p.x1) for p in pieces if clean(p.text)],
    )


def _walk(page: PdfPage, items: Iterable[LTComponent], budget: list[int]) -> None:
    """Collect text lines, rules and images, descending into figures and boxes."""
    for item in items:
        if isinstance(item, LTTextLineHorizontal):
            budget[0] -= len(item)
            if budget[0] < 0:
                raise PdfUnreadable(
                    f"Trang {page.number} của tệp PDF có quá nhiều ký tự để đọc an toàn."
                )
            found = _line_of(page.number, item)
            if found is not None:
                page.lines.append(found)
        elif isinstance(item, LTTextContainer):
            _walk(page, item, budget)
        elif isinstance(item, LTImage):
            page.image_area += item.width * item.height
        elif isinstance(item, LTFigure):
            _walk(page, item, budget)
        elif isinstance(item, LTLine | LTRect):
            thin = min(item.width, item.height) <= 2.5 and max(item.width, item.height) >= 4
            if thin:
                page.segments.append(Segment(item.x0, item.y0, item.x1, item.y1))
            elif isinstance(item, LTRect) and min(item.width, item.height) > 2.5:
                for x0, y0, x1, y1 in _edges(item):
                    page.segments.append(Segment(x0, y0, x1, y1))


def _edges(rect: LTRect) -> list[tuple[float, float, float, float]]:
    """The four sides of a bordered rectangle (cells drawn as boxes)."""
    x0, y0, x1, y1 = rect.bbox
    if rect.stroke:
        return [(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)]
    return []


def read_pdf(data: bytes) -> list[PdfPage]:
    """Every page's lines, or ``PdfUnreadable`` with a Vietnamese reason."""
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise PdfUnreadable("Tệp này không phải tệp PDF.")
    started = time.process_time()
    pages: list[PdfPage] = []
    try:
        for number, layout in enumerate(
            extract_pages(io.BytesIO(data), laparams=_LAPARAMS, maxpages=MAX_PAGES + 1), start=1
        ):
            if number > MAX_PAGES:
                raise PdfUnreadable(f"Tệp PDF có hơn {MAX_PAGES} trang, quá dài để nhập.")
            page = PdfPage(number, layout.width, layout.height)
            _walk(page, layout, [MAX_CHARS_PER_PAGE])
            pages.append(page)
            if time.process_time() - started > MAX_CPU_SECONDS:
                raise PdfUnreadable("Tệp PDF quá phức tạp, đọc quá lâu; hãy xuất lại từ Word.")
    except PdfUnreadable:
        raise
    except (PDFSyntaxError, PSException) as exc:
        raise PdfUnreadable("Tệp PDF bị hỏng, không đọc được.") from exc
    except Exception as exc:  # pdfminer raises many kinds on a broken or encrypted file
        raise PdfUnreadable(
            "Không đọc được tệp PDF này (có thể bị hỏng hoặc có mật khẩu)."
        ) from exc
    _refuse_scans(pages)
    return pages


def _refuse_scans(pages: list[PdfPage]) -> None:
    """Nothing is imported when a page is a scan without text: say which pages."""
    scanned = [page.number for page in pages if page.scanned]
    if not pages or not any(page.lines for page in pages):
        raise PdfUnreadable(
            "Tệp PDF không có lớp chữ (là bản quét hoặc ảnh). Cần đánh máy lại hoặc nhận dạng"
            " chữ (OCR) trước khi nhập; chưa có gì được nhập."
        )
    if scanned:
        listed = ", ".join(str(n) for n in scanned)
        raise PdfUnreadable(
            f"Trang {listed} của tệp PDF là ảnh quét, không có lớp chữ. Cần đánh máy lại hoặc"
            " nhận dạng chữ (OCR) các trang này trước khi nhập; chưa có gì được nhập."
        )
