"""Personal data is erased a fixed time after the consultation closed; the text stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback import service
from services.feedback.models import Comment, MailMessage
from services.feedback.retention import erase_personal_data
from shared import events as ev
from tests.factories import document_state, published


async def _comment_with_details(session: AsyncSession, state: ev.DocumentState) -> Comment:
    await service.apply_document_events(session, [published(state)])
    draft = service.CommentDraft(
        document_id=state.document_id,
        section_id=None,
        text="Ý kiến còn giá trị",
        name="Lò Văn Hùng",
        email="hung@example.vn",
        phone="0912345678",
        address="Bản Him Lam",
        organisation="Chi bộ bản Him Lam 2",
    )
    new = await service.submit_comment(session, draft, channel="web", max_chars=1000)
    session.add(MailMessage(comment_id=new.id, to_address="hung@example.vn", subject="x", body="x"))
    await session.commit()
    comment = await session.get(Comment, new.id)
    assert comment is not None
    return comment


async def test_details_of_a_long_closed_consultation_are_erased(session: AsyncSession) -> None:
    state = document_state()
    comment = await _comment_with_details(session, state)
    later = state.closes_at + timedelta(days=30 * 12 + 1)  # type: ignore[operator]
    assert await erase_personal_data(session, later, months=12) == 1
    await session.commit()
    await session.refresh(comment)
    assert (comment.name, comment.email, comment.phone, comment.address, comment.organisation) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert comment.text == "Ý kiến còn giá trị" and comment.receipt
    assert (await session.execute(select(func.count()).select_from(MailMessage))).scalar_one() == 0


async def test_details_are_kept_within_the_period(session: AsyncSession) -> None:
    state = document_state()
    comment = await _comment_with_details(session, state)
    soon = state.closes_at + timedelta(days=300)  # type: ignore[operator]
    assert await erase_personal_data(session, soon, months=12) == 0
    await session.refresh(comment)
    assert comment.name == "Lò Văn Hùng"
