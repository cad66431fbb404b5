"""Accepting a comment: checked against the catalogue, stored with its outbox row, or refused."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback import service
from services.feedback.models import Comment
from shared import events as ev
from shared.outbox import OutboxMessage
from tests.factories import document_state, published


async def _catalogue(session: AsyncSession, state: ev.DocumentState) -> None:
    await service.apply_document_events(session, [published(state)])
    await session.commit()


async def _count(session: AsyncSession, model: type) -> int:
    return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


def _draft(state: ev.DocumentState, **overrides: object) -> service.CommentDraft:
    values: dict[str, object] = {
        "document_id": state.document_id,
        "section_id": state.sections[1].id,
        "text": "Ý kiến đóng góp",
    }
    values.update(overrides)
    return service.CommentDraft(**values)  # type: ignore[arg-type]


class TestAccept:
    async def test_comment_and_outbox_row_are_stored_together(self, session: AsyncSession) -> None:
        state = document_state()
        await _catalogue(session, state)
        comment = await service.submit_comment(
            session, _draft(state), channel="web", max_chars=20_000
        )
        await session.commit()
        row = (await session.execute(select(OutboxMessage))).scalar_one()
        assert row.key == str(comment.id) and row.event_type == "comment.submitted"
        event = ev.parse_event(__import__("json").dumps(row.body))
        assert isinstance(event, ev.CommentSubmitted)
        assert event.payload.section_id == state.sections[1].id
        assert "email" not in row.body["payload"]

    async def test_text_is_stored_nfc_normalised(self, session: AsyncSession) -> None:
        state = document_state()
        await _catalogue(session, state)
        decomposed = "Go\u0301p y\u0301"
        comment = await service.submit_comment(
            session, _draft(state, text=decomposed), channel="web", max_chars=100
        )
        assert comment.text == "Góp ý"

    def test_receipts_are_unambiguous(self) -> None:
        codes = {service.new_receipt() for _ in range(2000)}
        assert len(codes) == 2000
        assert not any(set(c) & set("01OIL") for c in codes)

    def test_receipts_typed_carelessly_are_understood(self) -> None:
        assert service.normalise_receipt("abcde fghjk") == "ABCDE-FGHJK"
        assert service.normalise_receipt("ABCD0-1XYZW") == "ABCDO-IXYZW"


class TestRefuse:
    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"document_id": uuid.uuid4()}, "Không tìm thấy dự thảo"),
            ({"section_id": uuid.uuid4()}, "không thuộc dự thảo"),
            ({"text": "   \n "}, "nhập nội dung"),
            ({"text": "x" * 101}, "vượt quá giới hạn 100 ký tự"),
        ],
    )
    async def test_invalid_input_is_refused_and_nothing_is_stored(
        self, session: AsyncSession, overrides: dict, message: str
    ) -> None:
        state = document_state()
        await _catalogue(session, state)
        with pytest.raises(service.InvalidComment, match=message):
            await service.submit_comment(
                session, _draft(state, **overrides), channel="web", max_chars=100
            )
        await session.rollback()
        assert await _count(session, Comment) == 0
        assert await _count(session, OutboxMessage) == 0

    async def test_a_closed_window_refuses(self, session: AsyncSession) -> None:
        state = document_state()
        await _catalogue(session, state)
        late = state.closes_at + timedelta(seconds=1)  # type: ignore[operator]
        with pytest.raises(service.InvalidComment, match="hết thời hạn"):
            await service.submit_comment(
                session, _draft(state), channel="web", max_chars=100, now=late
            )

    async def test_a_window_not_yet_open_refuses(self, session: AsyncSession) -> None:
        state = document_state(status="draft")
        await _catalogue(session, state)
        with pytest.raises(service.InvalidComment, match="chưa mở"):
            await service.submit_comment(session, _draft(state), channel="web", max_chars=100)

    async def test_an_older_document_event_does_not_overwrite_a_newer_one(
        self, session: AsyncSession
    ) -> None:
        state = document_state()
        newer = ev.ConsultationClosed(
            producer="documents", payload=state.model_copy(update={"status": "closed"})
        )
        older = ev.DocumentPublished(
            producer="documents",
            payload=state,
            occurred_at=newer.occurred_at - timedelta(seconds=5),
        )
        await service.apply_document_events(session, [newer, older])
        await session.commit()
        with pytest.raises(service.InvalidComment, match="hết thời hạn"):
            await service.submit_comment(session, _draft(state), channel="web", max_chars=100)
