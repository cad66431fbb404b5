"""High: a small .docx that inflates to a huge document.xml is refused before parsing,
and a long parse runs off the event loop, bounded in time, while /healthz still answers."""

from __future__ import annotations

import asyncio
import io
import time
import zipfile

from tests.security.conftest import Docs, documents_service

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def docx_with_paragraphs(paragraphs: list[str]) -> bytes:
    """A minimal, valid .docx written by hand, so the test controls every byte."""
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def zip_bomb_docx(inflated_mb: int) -> bytes:
    """A .docx whose document.xml inflates to ``inflated_mb`` MB of one repeated paragraph."""
    buffer = io.BytesIO()
    paragraph = b"<w:p><w:r><w:t>Tang truong kinh te.</w:t></w:r></w:p>"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>'.encode())
            block = paragraph * (1024 * 1024 // len(paragraph))
            for _ in range(inflated_mb):
                member.write(block)
            member.write(b"</w:body></w:document>")
    return buffer.getvalue()


def _upload(data: bytes, name: str = "du-thao.docx") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, data, "application/octet-stream")}


class TestZipBomb:
    async def test_a_docx_inflating_past_the_limit_is_refused_quickly(self, docs: Docs) -> None:
        bomb = zip_bomb_docx(200)
        assert len(bomb) < 1_000_000  # small on the wire: the danger is what it inflates to
        started = time.monotonic()
        answer = await docs.admin.post("/api/documents/upload", files=_upload(bomb))
        elapsed = time.monotonic() - started
        assert answer.status_code in (413, 422), answer.text
        assert "giải nén" in answer.json()["detail"]
        assert elapsed < 10, f"took {elapsed:.1f}s"
        assert (await docs.admin.get("/api/documents")).json() == []

    async def test_a_docx_of_too_many_parts_is_refused(self, docs: Docs) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", CONTENT_TYPES)
            for n in range(2100):
                archive.writestr(f"word/media/p{n}.xml", "")
        answer = await docs.admin.post("/api/documents/upload", files=_upload(buffer.getvalue()))
        assert answer.status_code == 413
        assert "quá nhiều thành phần" in answer.json()["detail"]


class TestParsingStaysOffTheEventLoop:
    async def test_healthz_answers_while_a_long_docx_is_imported(
        self, clean_databases: dict[str, str], broker: object, topic_prefix: str
    ) -> None:
        paragraphs = ["BÁO CÁO"] + [
            f"{n}. Mục số {n} của dự thảo, nội dung đủ dài để đọc." for n in range(1, 40_000)
        ]
        big = docx_with_paragraphs(paragraphs)
        async with documents_service(
            clean_databases,
            broker,  # type: ignore[arg-type]
            topic_prefix,
            max_upload_bytes=5_000_000,
            parse_timeout_seconds=4.0,
        ) as docs:
            upload = asyncio.create_task(
                docs.admin.post("/api/documents/upload", files=_upload(big), timeout=120)
            )
            worst = 0.0
            answered = 0
            while not upload.done():
                started = time.monotonic()
                health = await docs.anonymous.get("/healthz", timeout=5)
                worst = max(worst, time.monotonic() - started)
                assert health.status_code == 200
                answered += 1
                await asyncio.wait({upload}, timeout=0.05)
            answer = await upload
            assert answered >= 3, "the import finished before /healthz could be probed"
            assert worst < 1.0, f"/healthz waited {worst:.2f}s behind the import"
            # bounded in time: the parse either finished or was stopped with a Vietnamese 422
            assert answer.status_code in (201, 422), answer.text
            if answer.status_code == 422:
                assert "thời gian" in answer.json()["detail"]


async def test_the_worker_refusal_keeps_public_pages_up(docs: Docs) -> None:
    """After a refused bomb the service still serves its public pages."""
    await docs.admin.post("/api/documents/upload", files=_upload(zip_bomb_docx(100)))
    assert (await docs.anonymous.get("/")).status_code == 200
