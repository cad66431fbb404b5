"""Turn an uploaded draft (.txt in UTF-8, or .docx) into a parsed document, or refuse it clearly."""

from __future__ import annotations

import hashlib
import io
import zipfile

from fastapi import UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from services.documents import service
from services.documents.models import Document
from services.documents.parsing import ParsedDocument, parse_docx, parse_text
from shared.text import nfc
from shared.web import DomainError

TEXT_TYPES = (".txt", ".text")
DOCX_TYPES = (".docx",)


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
    if name.endswith(TEXT_TYPES):
        text = decode_text(data)
        return parse_text(text), digest_of(text.encode("utf-8"))
    raise InvalidUpload("Chỉ nhận tệp .txt (UTF-8) hoặc .docx.")


async def read_limited(file: UploadFile, max_bytes: int) -> bytes:
    """Read at most one byte past the limit, so an oversized file is refused, not buffered."""
    return await file.read(max_bytes + 1)


async def import_upload(
    session: AsyncSession, filename: str, data: bytes, max_bytes: int
) -> tuple[Document, bool]:
    """A new draft from an uploaded file; the same content again returns the existing one."""
    parsed, digest = parse_upload(filename, data, max_bytes)
    document = await service.find_by_hash(session, digest)
    if document is not None:
        return document, False
    return await service.import_parsed(session, parsed, digest, filename), True
