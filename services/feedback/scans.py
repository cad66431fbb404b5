"""Scans of postal letters: checked by their content, stored by their hash, served safely.

The type is judged from the file's first bytes (what a browser or a viewer would trust),
never from its name or the type the uploader claimed.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from shared.web import DomainError

SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/pdf": "pdf",
    "image/tiff": "tif",
}


class ScanRefused(DomainError):
    status_code = 422


def sniff(data: bytes) -> str | None:
    """The scan's real type from its magic bytes, or None for anything else."""
    for magic, content_type in SIGNATURES:
        if data.startswith(magic):
            return content_type
    return None


def check_scan(data: bytes, name: str, max_bytes: int) -> str:
    """The content type of an acceptable scan, or a Vietnamese refusal."""
    if not data:
        raise ScanRefused(f"Tệp “{name}” rỗng.", field="scans")
    if len(data) > max_bytes:
        raise ScanRefused(
            f"Tệp “{name}” lớn hơn {max_bytes // (1024 * 1024)} MB cho mỗi trang quét.",
            status_code=413,
            field="scans",
        )
    content_type = sniff(data)
    if content_type is None:
        raise ScanRefused(
            f"Tệp “{name}” không phải ảnh JPEG, PNG, TIFF hay PDF: chỉ nhận ảnh chụp, bản quét.",
            field="scans",
        )
    return content_type


def path_of(root: Path, sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return root / sha256[:2] / sha256


def store_scan(root: Path, data: bytes) -> str:
    """Write the file durably (temp file, fsync, rename) and return its SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_of(root, digest)
    if target.exists():
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest
