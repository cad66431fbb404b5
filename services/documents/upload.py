"""Turn an uploaded draft (.txt in UTF-8, .docx or .pdf) into a parsed document, or refuse it."""

from __future__ import annotations

import hashlib
import io
import zipfile

from fastapi import UploadFile
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.ext.asyncio import AsyncSession

from services.documents import service
from services.documents.models import Document
from services.documents.parsing import ParsedDocument, PdfUnreadable, parse_docx, parse_text
from services.documents.parsing.pdf_isolated import parse_pdf_isolated
from shared.text import nfc
from shared.web import DomainError

TEXT_TYPES = (".txt", ".text")
DOCX_TYPES = (".docx",)
PDF_TYPES = (".pdf",)


class InvalidUpload(DomainError):
    status_code = 422


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), or UTF-16 with a BOM as Notepad writes it; nothing else."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return nfc(data.decode("utf-16"))
    try:
        return nfc(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InvalidUpload(
            "Tệp văn bản không ở mã UTF-8. Hãy lưu lại tệp với mã UTF-8 (Unicode) rồi tải lên lại."
        ) from exc


def parse_upload(filename: str, data: bytes, max_bytes: int) -> tuple[ParsedDocument, str]:
    """Parse by extension; return the parsed draft and a digest that identifies its content."""
    if not data:
        raise InvalidUpload("Tệp tải lên rỗng.")
    if len(data) > max_bytes:
        raise InvalidUpload(
            f"Tệp quá lớn (tối đa {max_bytes // (1024 * 1024)} MB).", status_code=413
        )
    name = filename.lower()
    if name.endswith(DOCX_TYPES):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise InvalidUpload("Tệp .docx bị hỏng hoặc không phải tài liệu Word.")
        try:
            parsed = parse_docx(data)
        except Exception as exc:  # python-docx raises many kinds on a broken package
            raise InvalidUpload("Không đọc được tệp .docx này.") from exc
        return parsed, digest_of(data)
    if name.endswith(PDF_TYPES):
        try:
            parsed = parse_pdf_isolated(data)
        except PdfUnreadable as exc:
            raise InvalidUpload(str(exc)) from exc
        return parsed, digest_of(data)
    if name.endswith(TEXT_TYPES):
        text = decode_text(data)
        return parse_text(text), digest_of(text.encode("utf-8"))
    raise InvalidUpload("Chỉ nhận tệp .txt (UTF-8), .docx hoặc .pdf.")


async def read_limited(file: UploadFile, max_bytes: int) -> bytes:
    """Read at most one byte past the limit, so an oversized file is refused, not buffered."""
    return await file.read(max_bytes + 1)


async def import_upload(
    session: AsyncSession, filename: str, data: bytes, max_bytes: int
) -> tuple[Document, bool]:
    """A new draft from an uploaded file; the same content again returns the existing one."""
    # Parsing a large PDF takes seconds: keep the event loop serving other requests meanwhile.
    parsed, digest = await run_in_threadpool(parse_upload, filename, data, max_bytes)
    document = await service.find_by_hash(session, digest)
    if document is not None:
        return document, False
    return await service.import_parsed(session, parsed, digest, filename), True
