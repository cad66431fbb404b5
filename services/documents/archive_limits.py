"""Refuse a .docx that would inflate past our limits, before any XML parser sees it.

A .docx is a zip: 41 KB of it can inflate to megabytes of XML, 646 KB to hundreds.
The zip's own headers are checked first (member count, declared sizes, compression
ratio); then every member is inflated as a stream and counted, so a header that lies
about its size is caught too, without holding more than one chunk in memory.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from shared.text import vn_number
from shared.web import DomainError

CHUNK = 64 * 1024
MB = 1024 * 1024


class ArchiveRefused(DomainError):
    """The upload is a zip we will not open: too many parts, or inflates too far."""

    status_code = 413


@dataclass(frozen=True)
class InflateLimits:
    """How far an uploaded archive may inflate, in total and per member, and its size."""

    max_total_bytes: int = 64 * MB
    max_member_bytes: int = 48 * MB
    max_members: int = 2000


def _mb(size: int) -> str:
    return f"{vn_number(max(1, size // MB))} MB"


def _too_large(limit: int) -> ArchiveRefused:
    return ArchiveRefused(
        f"Tệp .docx này khi giải nén vượt quá giới hạn cho phép ({_mb(limit)}). "
        "Hãy kiểm tra lại tệp (có thể tệp bị hỏng hoặc chứa dữ liệu bất thường)."
    )


def check_archive(data: bytes, limits: InflateLimits) -> None:
    """Raise ``ArchiveRefused`` (413) or a 422 unless the zip inflates within ``limits``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise DomainError(
            "Tệp .docx bị hỏng hoặc không phải tài liệu Word.", status_code=422
        ) from exc
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise ArchiveRefused(
                f"Tệp .docx có quá nhiều thành phần ({vn_number(len(members))}; tối đa "
                f"{vn_number(limits.max_members)})."
            )
        declared = 0
        for info in members:
            if info.file_size > limits.max_member_bytes:
                raise _too_large(limits.max_member_bytes)
            declared += info.file_size
            if declared > limits.max_total_bytes:
                raise _too_large(limits.max_total_bytes)
        total = 0
        for info in members:
            total = _inflate_counting(archive, info, limits, total)


def _inflate_counting(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: InflateLimits, total: int
) -> int:
    """Inflate one member chunk by chunk, counting; the headers may have lied."""
    size = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                size += len(chunk)
                total += len(chunk)
                if size > limits.max_member_bytes:
                    raise _too_large(limits.max_member_bytes)
                if total > limits.max_total_bytes:
                    raise _too_large(limits.max_total_bytes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise DomainError(
            "Tệp .docx bị hỏng hoặc không phải tài liệu Word.", status_code=422
        ) from exc
    except RuntimeError as exc:
        # zipfile refuses an encrypted member with RuntimeError itself, and a compression
        # method it does not know with a subclass of it
        if type(exc) is not RuntimeError:
            raise DomainError(
                "Tệp .docx bị hỏng hoặc không phải tài liệu Word.", status_code=422
            ) from exc
        raise DomainError(
            "Tệp .docx được đặt mật khẩu; hãy gỡ mật khẩu rồi tải lên lại.", status_code=422
        ) from exc
    return total
