"""Turn an uploaded draft (.txt in UTF-8, .docx or .pdf) into a parsed document, or refuse it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from fastapi import UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from services.documents import service
from services.documents.archive_limits import InflateLimits, check_archive
from services.documents.config import DocumentsSettings
from services.documents.models import Document
from services.documents.parse_worker import WorkerLimits, run_isolated
from services.documents.parsing import (
    ParsedDocument,
    PdfUnreadable,
    parse_docx,
    parse_pdf,
    parse_text,
)
from shared.text import nfc
from shared.web import DomainError

TEXT_TYPES = (".txt", ".text")
DOCX_TYPES = (".docx",)
PDF_TYPES = (".pdf",)


class InvalidUpload(DomainError):
    status_code = 422


@dataclass(frozen=True)
class UploadLimits:
    """Everything that bounds one upload: its size, what it may inflate to, its parse."""

    max_bytes: int
    inflate: InflateLimits = field(default_factory=InflateLimits)
    worker: WorkerLimits = field(default_factory=WorkerLimits)

    @classmethod
    def of(cls, settings: DocumentsSettings) -> UploadLimits:
        return cls(
            max_bytes=settings.max_upload_bytes,
            inflate=InflateLimits(
                max_total_bytes=settings.max_inflated_bytes,
                max_member_bytes=settings.max_inflated_member_bytes,
                max_members=settings.max_zip_members,
            ),
            worker=WorkerLimits(
                timeout_seconds=settings.parse_timeout_seconds,
                memory_bytes=settings.parse_memory_bytes,
            ),
        )


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), or UTF-16 with a BOM as Notepad writes it; nothing else."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return nfc(data.decode("utf-16"))
        return nfc(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:  # also a UTF-16 file cut in the middle of a character
        raise InvalidUpload(
            "Tệp văn bản không ở mã UTF-8 (hoặc bị hỏng). Hãy lưu lại tệp với mã UTF-8 "
            "(Unicode) rồi tải lên lại."
        ) from exc


def check_size(data: bytes, max_bytes: int) -> None:
    if not data:
        raise InvalidUpload("Tệp tải lên rỗng.")
    if len(data) > max_bytes:
        raise InvalidUpload(
            f"Tệp quá lớn (tối đa {max_bytes // (1024 * 1024)} MB).", status_code=413
        )


def parse_upload(
    filename: str, data: bytes, max_bytes: int, inflate: InflateLimits | None = None
) -> tuple[ParsedDocument, str]:
    """Parse by extension; return the parsed draft and a digest that identifies its content.

    Runs the parser in the calling thread: the service calls ``parse_upload_isolated``.
    """
    check_size(data, max_bytes)
    name = filename.lower()
    if name.endswith(DOCX_TYPES):
        check_archive(data, inflate or InflateLimits())
        try:
            parsed = parse_docx(data)
        except Exception as exc:  # python-docx raises many kinds on a broken package
            raise InvalidUpload("Không đọc được tệp .docx này.") from exc
        return parsed, digest_of(data)
    if name.endswith(PDF_TYPES):
        try:  # already in the bounded parse worker (parse_upload_isolated)
            parsed = parse_pdf(data)
        except PdfUnreadable as exc:
            raise InvalidUpload(str(exc)) from exc
        return parsed, digest_of(data)
    if name.endswith(TEXT_TYPES):
        text = decode_text(data)
        return parse_text(text), digest_of(text.encode("utf-8"))
    raise InvalidUpload("Chỉ nhận tệp .txt (UTF-8), .docx hoặc .pdf.")


async def parse_upload_isolated(
    filename: str, data: bytes, limits: UploadLimits
) -> tuple[ParsedDocument, str]:
    """Parse off the event loop, in a child process bounded in time and memory."""
    check_size(data, limits.max_bytes)  # the cheap refusals need no process
    result: tuple[ParsedDocument, str] = await run_isolated(
        parse_upload, filename, data, limits.max_bytes, limits.inflate, limits=limits.worker
    )
    return result


async def import_text(
    session: AsyncSession, text: str, source_name: str, limits: UploadLimits
) -> tuple[Document, bool]:
    """A new draft from pasted text, parsed off the event loop like an uploaded file."""
    text = nfc(text)
    digest = service.content_hash(text)
    document = await service.find_by_hash(session, digest)
    if document is not None:
        return document, False
    parsed: ParsedDocument = await run_isolated(parse_text, text, limits=limits.worker)
    return await service.import_parsed(session, parsed, digest, source_name), True


async def read_limited(file: UploadFile, max_bytes: int) -> bytes:
    """Read at most one byte past the limit, so an oversized file is refused, not buffered."""
    return await file.read(max_bytes + 1)


async def import_upload(
    session: AsyncSession, filename: str, data: bytes, limits: UploadLimits
) -> tuple[Document, bool]:
    """A new draft from an uploaded file; the same content again returns the existing one."""
    parsed, digest = await parse_upload_isolated(filename, data, limits)
    document = await service.find_by_hash(session, digest)
    if document is not None:
        return document, False
    return await service.import_parsed(session, parsed, digest, filename), True
