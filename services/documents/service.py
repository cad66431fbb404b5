"""What the documents service does: import drafts, publish them, open and close the window.

Functions add and flush; the caller's unit of work commits, so each state change and
its ``documents.v1`` outbox row land in one transaction.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.documents.models import Document, Section
from services.documents.parsing import ParsedDocument, Table, parse_text
from shared import outbox
from shared.events import (
    PERSONAL_FIELDS,
    ConsultationClosed,
    ConsultationOpened,
    DocumentPublished,
    DocumentState,
    DocumentUpdated,
    SectionInfo,
    topics,
    utcnow,
)
from shared.text import LOCAL_TZ, nfc, slugify, vn_date
from shared.web import DomainError, NotFound, found

PRODUCER = "documents"


def end_of_local_day(day: date) -> datetime:
    """'đến hết ngày 18/6/2020' means 23:59:59 that day in Asia/Ho_Chi_Minh, stored in UTC."""
    return datetime.combine(day, time(23, 59, 59), LOCAL_TZ).astimezone(UTC)


def start_of_local_day(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), LOCAL_TZ).astimezone(UTC)


def content_hash(text: str) -> str:
    return hashlib.sha256(nfc(text).encode("utf-8")).hexdigest()


def _block_json(block: object) -> dict:
    kind = "table" if isinstance(block, Table) else "paragraph"
    return {"kind": kind, **asdict(block)}  # type: ignore[call-overload]


SECTION_TEXT_MAX = 20_000  # per section in documents.v1: phrases to match, not the archive


def section_text(blocks: Sequence[dict[str, Any]] | None) -> str:
    """A section's body as plain text: paragraphs, and table rows with cells joined by " | "."""
    lines: list[str] = []
    for block in blocks or []:
        if block.get("kind") == "table":
            lines += [" | ".join(str(cell) for cell in row) for row in block.get("rows") or []]
        else:
            lines.append(str(block.get("text") or ""))
    return "\n".join(lines)[:SECTION_TEXT_MAX]


def build_sections(
    document_id: uuid.UUID, parsed: ParsedDocument, keep_ids: dict[int, uuid.UUID] | None = None
) -> list[Section]:
    """Turn the parser's flat outline into rows with parent links and unique anchors.

    ``keep_ids`` gives, by position, the id a section continues from the previous version.
    """
    keep_ids = keep_ids or {}
    rows: list[Section] = []
    stack: list[Section] = []
    anchors: set[str] = set()
    for position, heading in enumerate(parsed.sections):
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        anchor = base = "muc-" + slugify("-".join(heading.path), 60)
        suffix = 2
        while anchor in anchors:
            anchor, suffix = f"{base}-{suffix}", suffix + 1
        anchors.add(anchor)
        row = Section(
            id=keep_ids.get(position) or uuid.uuid4(),
            document_id=document_id,
            parent_id=stack[-1].id if stack else None,
            position=position,
            line=heading.line,
            level=heading.level,
            number=heading.number,
            title=heading.title,
            path=list(heading.path),
            anchor=anchor,
            blocks=[_block_json(b) for b in heading.blocks],
        )
        rows.append(row)
        stack.append(row)
    return rows


async def find_by_hash(session: AsyncSession, digest: str) -> Document | None:
    return (
        await session.execute(select(Document).where(col(Document.content_hash) == digest))
    ).scalar_one_or_none()


async def import_draft(
    session: AsyncSession, text: str, source_name: str = ""
) -> tuple[Document, bool]:
    """Parse and store a draft; the same text imported again returns the existing document."""
    text = nfc(text)
    digest = content_hash(text)
    existing = await find_by_hash(session, digest)
    if existing is not None:
        return existing, False
    return await import_parsed(session, parse_text(text), digest, source_name), True


async def import_parsed(
    session: AsyncSession, parsed: ParsedDocument, digest: str, source_name: str = ""
) -> Document:
    """Store a parsed draft as a new document in the 'draft' state, ready for preview."""
    if not parsed.sections:
        raise DomainError(
            "Không tìm thấy đề mục nào trong dự thảo; hãy kiểm tra tệp.", status_code=422
        )
    document = Document(
        slug=await _unique_slug(session, parsed.title or source_name),
        title=parsed.title or source_name or "Dự thảo",
        content_hash=digest,
        source_name=source_name,
    )
    apply_parsed_fields(document, parsed)
    inv = parsed.invitation
    if inv.deadline:
        document.closes_at = end_of_local_day(inv.deadline)
        document.opens_at = start_of_local_day(inv.opens) if inv.opens else None
    session.add(document)
    await session.flush()
    session.add_all(build_sections(document.id, parsed))
    await session.flush()
    return document


def apply_parsed_fields(document: Document, parsed: ParsedDocument) -> None:
    """Copy what the draft states about itself: metadata, contacts, preamble, warnings."""
    inv = parsed.invitation
    document.stated_deadline = inv.deadline.isoformat() if inv.deadline else None
    document.doc_metadata = dict(parsed.metadata)
    document.contacts = {
        "emails": list(inv.emails),
        "postal_addresses": list(inv.postal_addresses),
        "postage_free": inv.postage_free,
    }
    document.preamble = [_block_json(b) for b in parsed.preamble]
    document.warnings = list(parsed.warnings)


async def _unique_slug(session: AsyncSession, title: str) -> str:
    base = slugify(title)
    slug, n = base, 2
    while (
        await session.execute(select(col(Document.id)).where(col(Document.slug) == slug))
    ).first():
        slug, n = f"{base}-{n}", n + 1
    return slug


async def sections_of(session: AsyncSession, document_id: uuid.UUID) -> Sequence[Section]:
    query = select(Section).where(Section.document_id == document_id).order_by(Section.position)  # type: ignore[arg-type]
    return (await session.execute(query)).scalars().all()


async def get_document(session: AsyncSession, document_id: uuid.UUID) -> Document:
    return found(await session.get(Document, document_id), "Không tìm thấy dự thảo.")


def is_published(document: Document) -> bool:
    """Published means open or closed; a draft under preparation is confidential."""
    return document.status != "draft"


def require_visible(document: Document, include_drafts: bool) -> Document:
    """A draft is 404 to the public, as if it did not exist; staff see it."""
    if not include_drafts and not is_published(document):
        raise NotFound("Không tìm thấy dự thảo.")
    return document


async def get_by_slug(
    session: AsyncSession, slug: str, *, include_drafts: bool = False
) -> Document:
    """The document a public page names; drafts only when staff asks (``include_drafts``)."""
    query = select(Document).where(col(Document.slug) == slug)
    document = found((await session.execute(query)).scalar_one_or_none(), "Không tìm thấy dự thảo.")
    return require_visible(document, include_drafts)


async def list_documents(
    session: AsyncSession, *, include_drafts: bool = True
) -> Sequence[Document]:
    query = select(Document).order_by(Document.created_at)  # type: ignore[arg-type]
    if not include_drafts:
        query = query.where(col(Document.status) != "draft")
    return (await session.execute(query)).scalars().all()


def document_state(document: Document, sections: Sequence[Section]) -> DocumentState:
    return DocumentState(
        document_id=document.id,
        slug=document.slug,
        title=document.title,
        status=document.status,  # type: ignore[arg-type]
        version=document.version,
        opens_at=document.opens_at,
        closes_at=document.closes_at,
        required_fields=list(document.required_fields or []),
        contact_emails=list((document.contacts or {}).get("emails") or []),
        postal_addresses=list((document.contacts or {}).get("postal_addresses") or []),
        sections=[
            SectionInfo(
                id=s.id,
                parent_id=s.parent_id,
                position=s.position,
                level=s.level,
                number=s.number,
                title=s.title,
                path=list(s.path),
                text=section_text(s.blocks),
            )
            for s in sections
        ],
    )


async def open_consultation(
    session: AsyncSession,
    document: Document,
    *,
    opens_at: datetime,
    closes_at: datetime,
    note: str = "",
) -> Document:
    """Open (or re-open) the window and tell the other services, in the same transaction."""
    if closes_at <= opens_at:
        raise DomainError("Thời hạn kết thúc phải sau thời điểm bắt đầu.", status_code=422)
    first_publication = document.status == "draft"
    document.opens_at, document.closes_at = opens_at, closes_at
    document.status = "open"
    document.window_note = note
    session.add(document)
    await session.flush()
    state = document_state(document, await sections_of(session, document.id))
    event_class = DocumentPublished if first_publication else ConsultationOpened
    outbox.add(session, topics.DOCUMENTS, event_class(producer=PRODUCER, payload=state))
    return document


async def close_consultation(session: AsyncSession, document: Document) -> Document:
    if document.status != "open":
        raise DomainError("Dự thảo không ở trạng thái đang lấy ý kiến.", status_code=409)
    document.status = "closed"
    document.closes_at = min(document.closes_at or utcnow(), utcnow())
    session.add(document)
    await session.flush()
    state = document_state(document, await sections_of(session, document.id))
    outbox.add(session, topics.DOCUMENTS, ConsultationClosed(producer=PRODUCER, payload=state))
    return document


def reopen_note(stated_deadline: str | None, opens: date, closes: date) -> str:
    """Say on the page why the window differs from the one the draft states."""
    stated = ""
    if stated_deadline:
        stated = f" (đến hết ngày {vn_date(date.fromisoformat(stated_deadline))})"
    return (
        f"Thời hạn góp ý ghi trong dự thảo{stated} đã qua; cửa sổ góp ý được mở lại "
        f"từ ngày {vn_date(opens)} đến hết ngày {vn_date(closes)}."
    )


async def open_for_days_from_today(
    session: AsyncSession, document: Document, days: int, today: date | None = None
) -> Document:
    """Open a draft whose own window has passed, from today for ``days`` days, saying so."""
    today = today or utcnow().astimezone(LOCAL_TZ).date()
    closes = today + timedelta(days=days)
    note = reopen_note(document.stated_deadline, today, closes)
    return await open_consultation(
        session,
        document,
        opens_at=start_of_local_day(today),
        closes_at=end_of_local_day(closes),
        note=note,
    )


async def set_required_fields(
    session: AsyncSession, document: Document, fields: Sequence[str]
) -> Document:
    """Choose which personal details a comment must carry; consumers learn it at once."""
    unknown = set(fields) - set(PERSONAL_FIELDS)
    if unknown:
        raise DomainError(
            "Trường thông tin không hợp lệ: " + ", ".join(sorted(unknown)), status_code=422
        )
    document.required_fields = [f for f in PERSONAL_FIELDS if f in set(fields)]
    session.add(document)
    await session.flush()
    if document.status != "draft":
        state = document_state(document, await sections_of(session, document.id))
        outbox.add(session, topics.DOCUMENTS, DocumentUpdated(producer=PRODUCER, payload=state))
    return document


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def set_contacts(
    document: Document, emails: str, postal_addresses: str, postage_free: bool
) -> None:
    """Replace the contact details the draft stated (an admin's correction wins)."""
    addresses = [a for a in re.split(r"[\s,;]+", nfc(emails).strip()) if a]
    wrong = [a for a in addresses if not _EMAIL.match(a)]
    if wrong:
        raise DomainError("Địa chỉ thư điện tử không hợp lệ: " + ", ".join(wrong), status_code=422)
    document.contacts = {
        "emails": addresses,
        "postal_addresses": [
            line.strip() for line in nfc(postal_addresses).splitlines() if line.strip()
        ],
        "postage_free": postage_free,
    }
