"""New versions of a draft: preview how its sections match the current ones, then apply.

Applying keeps the id of every matched section, so comments and tallies filed under it
carry over; the report names every current section that would lose its place, before
anything changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.documents import service
from services.documents.matching import match_sections
from services.documents.models import Document, DocumentRevision, Section
from services.documents.parsing import ParsedDocument
from services.documents.upload import UploadLimits, parse_upload_isolated
from shared import outbox
from shared.events import DocumentUpdated, topics
from shared.web import DomainError, NotFound


def match_report(old: Sequence[Section], parsed: ParsedDocument) -> dict[str, Any]:
    """What the admin reads before publishing: kept, new, and orphaned sections."""
    report = match_sections(old, parsed.sections)
    by_id = {s.id: s for s in old}
    kept, new = [], []
    for position, section in enumerate(parsed.sections):
        entry = {"position": position, "path": list(section.path), "title": section.title}
        old_id = report.matched.get(position)
        if old_id is None:
            new.append(entry)
        else:
            kept.append(
                {
                    **entry,
                    "how": report.how[position],
                    "id": str(old_id),
                    "old_path": list(by_id[old_id].path),
                    "old_title": by_id[old_id].title,
                }
            )
    orphaned = [
        {"id": str(i), "path": list(by_id[i].path), "title": by_id[i].title}
        for i in report.unmatched_old
    ]
    return {"kept": kept, "new": new, "orphaned": orphaned, "warnings": list(parsed.warnings)}


async def propose_revision(
    session: AsyncSession,
    document: Document,
    filename: str,
    data: bytes,
    *,
    limits: UploadLimits,
    by: str,
) -> DocumentRevision:
    parsed, digest = await parse_upload_isolated(filename, data, limits)
    if digest == document.content_hash:
        raise DomainError("Tệp này giống hệt phiên bản hiện tại của dự thảo.", status_code=409)
    if not parsed.sections:
        raise DomainError("Không tìm thấy đề mục nào trong bản sửa đổi.", status_code=422)
    revision = DocumentRevision(
        document_id=document.id,
        source_name=filename,
        content_hash=digest,
        content=data,
        report=match_report(await service.sections_of(session, document.id), parsed),
        created_by=by,
    )
    session.add(revision)
    await session.flush()
    return revision


async def get_revision(
    session: AsyncSession, document: Document, revision_id: Any
) -> DocumentRevision:
    revision = await session.get(DocumentRevision, revision_id)
    if revision is None or revision.document_id != document.id:
        raise NotFound("Không tìm thấy bản sửa đổi.")
    return revision


async def apply_revision(
    session: AsyncSession, document: Document, revision: DocumentRevision, *, limits: UploadLimits
) -> Document:
    """Replace the section tree, keeping matched ids; tell consumers in the same transaction."""
    if revision.status != "pending":
        raise DomainError("Bản sửa đổi này đã được xử lý.", status_code=409)
    parsed, digest = await parse_upload_isolated(revision.source_name, revision.content, limits)
    old = await service.sections_of(session, document.id)
    report = match_sections(old, parsed.sections)
    await session.execute(delete(Section).where(col(Section.document_id) == document.id))
    await session.flush()
    session.add_all(service.build_sections(document.id, parsed, report.matched))
    document.version += 1
    document.content_hash = digest
    document.source_name = revision.source_name
    if parsed.title:
        document.title = parsed.title
    service.apply_parsed_fields(document, parsed)
    revision.status, revision.version = "applied", document.version
    session.add_all([document, revision])
    await session.flush()
    if document.status != "draft":
        state = service.document_state(document, await service.sections_of(session, document.id))
        outbox.add(
            session, topics.DOCUMENTS, DocumentUpdated(producer=service.PRODUCER, payload=state)
        )
    return document


async def revisions_of(session: AsyncSession, document: Document) -> Sequence[DocumentRevision]:
    query = (
        select(DocumentRevision)
        .where(col(DocumentRevision.document_id) == document.id)
        .order_by(col(DocumentRevision.created_at))
    )
    return (await session.execute(query)).scalars().all()
