"""New versions of a draft: matched sections keep their ids, the rest is reported first."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.documents import revisions, service
from services.documents.models import Document, DocumentRevision
from services.documents.upload import UploadLimits
from shared.audit import AuditEntry
from shared.auth import Staff
from shared.outbox import OutboxMessage

ADMIN = Staff(subject="acct-7", roles=frozenset({"admin"}), name="Trần Thị Quản Trị")

ORIGINAL = """BÁO CÁO DỰ THẢO

I. KẾT QUẢ ĐẠT ĐƯỢC

1. Phát triển kinh tế

Kinh tế tăng trưởng khá.

2. Văn hóa - xã hội

Giáo dục có nhiều chuyển biến.

3. Quốc phòng, an ninh

Giữ vững ổn định chính trị.

II. PHƯƠNG HƯỚNG

Phát triển bền vững.
"""

REVISED = """BÁO CÁO DỰ THẢO

I. KẾT QUẢ ĐẠT ĐƯỢC

1. Công tác xây dựng Đảng

Mục mới được bổ sung.

2. Phát triển kinh tế

Kinh tế tăng trưởng khá.

3. Văn hóa và xã hội

Giáo dục có nhiều chuyển biến.

II. PHƯƠNG HƯỚNG, NHIỆM VỤ

Phát triển bền vững.
"""

LIMITS = UploadLimits(max_bytes=10**6)


async def _open_document(session: AsyncSession) -> Document:
    document, _ = await service.import_draft(session, ORIGINAL, "v1.txt")
    await service.open_for_days_from_today(session, document, 30)
    await session.commit()
    return document


async def _propose(session: AsyncSession, document: Document) -> DocumentRevision:
    """The revised draft (v2.txt), proposed by the admin."""
    return await revisions.propose_revision(
        session, document, "v2.txt", REVISED.encode(), limits=LIMITS, actor=ADMIN
    )


async def _proposed_on_an_open_document(
    session: AsyncSession,
) -> tuple[Document, DocumentRevision]:
    document = await _open_document(session)
    return document, await _propose(session, document)


def _ids_by_title(sections: object) -> dict[str, object]:
    return {s.title: s.id for s in sections}  # type: ignore[attr-defined]


class TestPreview:
    async def test_the_report_names_kept_new_and_orphaned_sections(
        self, session: AsyncSession
    ) -> None:
        document, revision = await _proposed_on_an_open_document(session)
        report = revision.report
        assert [e["title"] for e in report["new"]] == ["Công tác xây dựng Đảng"]
        assert [e["title"] for e in report["orphaned"]] == ["Quốc phòng, an ninh"]
        kept = {e["title"]: e["how"] for e in report["kept"]}
        assert kept["Phát triển kinh tế"] == "title"  # moved from 1 to 2, same title
        assert kept["PHƯƠNG HƯỚNG, NHIỆM VỤ"] == "path"
        assert kept["Văn hóa và xã hội"] in {"path", "title"}

    async def test_previewing_changes_nothing(self, session: AsyncSession) -> None:
        document = await _open_document(session)
        before = _ids_by_title(await service.sections_of(session, document.id))
        await _propose(session, document)
        assert _ids_by_title(await service.sections_of(session, document.id)) == before
        assert document.version == 1

    async def test_the_same_file_again_is_refused(self, session: AsyncSession) -> None:
        document = await _open_document(session)
        with pytest.raises(revisions.DomainError, match="giống hệt"):
            await revisions.propose_revision(
                session, document, "v1.txt", ORIGINAL.encode(), limits=LIMITS, actor=ADMIN
            )


class TestApply:
    async def test_matched_sections_keep_their_ids_and_consumers_are_told(
        self, session: AsyncSession
    ) -> None:
        document = await _open_document(session)
        before = _ids_by_title(await service.sections_of(session, document.id))
        revision = await _propose(session, document)
        await revisions.apply_revision(session, document, revision, limits=LIMITS, actor=ADMIN)
        await session.commit()
        after = await service.sections_of(session, document.id)
        by_title = _ids_by_title(after)
        assert by_title["Phát triển kinh tế"] == before["Phát triển kinh tế"]
        assert by_title["PHƯƠNG HƯỚNG, NHIỆM VỤ"] == before["PHƯƠNG HƯỚNG"]
        assert by_title["Công tác xây dựng Đảng"] not in before.values()
        economy = next(s for s in after if s.title == "Phát triển kinh tế")
        assert economy.path == ["I", "2"]
        assert document.version == 2
        events = (await session.execute(select(OutboxMessage.event_type))).scalars().all()
        assert events[-1] == "document.updated"

    async def test_a_revision_is_applied_once(self, session: AsyncSession) -> None:
        document, revision = await _proposed_on_an_open_document(session)
        await revisions.apply_revision(session, document, revision, limits=LIMITS, actor=ADMIN)
        with pytest.raises(revisions.DomainError, match="đã được xử lý"):
            await revisions.apply_revision(session, document, revision, limits=LIMITS, actor=ADMIN)


class TestAudit:
    async def test_proposing_and_applying_are_audited_under_the_actors_subject(
        self, session: AsyncSession
    ) -> None:
        """Whatever the entry point (API or staff page), the service writes the trace."""
        document, revision = await _proposed_on_an_open_document(session)
        await revisions.apply_revision(session, document, revision, limits=LIMITS, actor=ADMIN)
        await session.commit()
        entries = (await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars()
        lines = [(e.action, e.actor, e.actor_name, e.object_id) for e in entries]
        assert lines[-2:] == [
            ("document.revision_proposed", "acct-7", "Trần Thị Quản Trị", str(document.id)),
            ("document.version_applied", "acct-7", "Trần Thị Quản Trị", str(document.id)),
        ]
        assert revision.created_by == "acct-7"
