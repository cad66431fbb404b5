"""``CommentIntake.accept``, the one way in that every channel calls (API, form, e-mail, post)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from services.feedback.intake import Source, idempotency_key
from services.feedback.models import Comment
from services.feedback.service import CommentDraft
from services.feedback.validation import InvalidComment
from shared import events as ev
from shared.audit import AuditEntry
from shared.auth import Staff
from shared.outbox import OutboxMessage
from tests.factories import document_state
from tests.feedback.conftest import Intake

CLERK = Staff(subject="acct-42", roles=frozenset({"clerk"}), name="Văn thư Nguyễn Thị H")


def _draft(state: ev.DocumentState, **fields: object) -> CommentDraft:
    values: dict[str, object] = {
        "document_id": state.document_id,
        "section_id": state.sections[1].id,
        "text": "Đề nghị giữ nguyên điều này.",
    }
    values.update(fields)
    return CommentDraft(**values)  # type: ignore[arg-type]


class TestChannels:
    async def test_a_letter_entered_by_a_clerk_is_stored_and_audited(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        received = ev.utcnow() - timedelta(hours=5)  # entered later the same day
        draft = _draft(
            open_document,
            name="Ông Lê Văn K",
            address="Bản Mường, xã Thanh Nưa",
            received_at=received,
            source_ref="CV-đến 125/2026",
        )
        receipt = await intake.app.state.intake.accept(draft, Source("post", actor=CLERK))
        async with intake.app.state.runtime.sessions() as s:
            comment = await s.get(Comment, receipt.comment_id)
            audit = (await s.execute(select(AuditEntry))).scalar_one()
            outbox = (await s.execute(select(OutboxMessage))).scalar_one()
        assert comment is not None and comment.channel == "post"
        assert comment.entered_by == "acct-42" and comment.source_ref == "CV-đến 125/2026"
        assert comment.received_at == received
        assert (audit.action, audit.actor, audit.actor_name) == (
            "comment.entered",
            "acct-42",
            "Văn thư Nguyễn Thị H",
        )
        assert audit.object_id == str(comment.id)
        assert outbox.body["payload"]["channel"] == "post"
        assert outbox.body["payload"]["submitted_at"].startswith(received.date().isoformat())

    async def test_letters_from_one_sender_share_a_commenter_key(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        """A letter names no e-mail or phone: its sender's name and address say who it is."""
        receipts = [
            await intake.app.state.intake.accept(draft, Source("post", actor=CLERK))
            for draft in (
                _draft(open_document, name="Ông Lê Văn K", address="Bản Mường, xã Thanh Nưa"),
                _draft(open_document, name="ông lê văn k", address="Bản  Mường, Xã Thanh Nưa"),
                _draft(open_document, name="Ông Lê Văn K"),  # no address: no one in particular
            )
        ]
        async with intake.app.state.runtime.sessions() as s:
            rows = (await s.execute(select(OutboxMessage))).scalars().all()
        key_of = {r.key: r.body["payload"].get("commenter_key") for r in rows}
        first, second, nameless = (key_of[str(r.comment_id)] for r in receipts)
        assert first and first == second and nameless is None
        assert "Mường" not in str([r.body for r in rows])

    async def test_a_letter_received_in_time_is_accepted_after_the_close(
        self, intake: Intake
    ) -> None:
        """The window is checked against when the letter arrived, not when it was typed in."""
        state = document_state()
        state = state.model_copy(update={"closes_at": ev.utcnow() - timedelta(hours=1)})
        await intake.catalogue(state)
        late = _draft(state, received_at=ev.utcnow() - timedelta(hours=3))
        assert await intake.app.state.intake.accept(late, Source("post", actor=CLERK))
        with pytest.raises(InvalidComment, match="Đã hết thời hạn góp ý"):
            await intake.app.state.intake.accept(_draft(state), Source("post", actor=CLERK))

    async def test_a_letter_needs_the_clerk_who_entered_it(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        with pytest.raises(ValueError, match="clerk"):
            await intake.app.state.intake.accept(_draft(open_document), Source("post"))

    async def test_an_email_read_twice_is_one_comment(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        """What the e-mail readers will do: key by Message-ID and section."""
        key = idempotency_key("email", "<abc@mail.example.vn>", open_document.sections[1].id)
        draft = _draft(
            open_document,
            email="cu.tri@example.vn",
            source_ref="<abc@mail.example.vn>",
            idempotency_key=key,
        )
        first = await intake.app.state.intake.accept(draft, Source("email"))
        intake.app.state.intake._recent.clear()  # as after a restart: found in the database
        again = await intake.app.state.intake.accept(draft, Source("email"))
        assert (again.code, again.repeated, first.repeated) == (first.code, True, False)
        # no mail per comment: the mail reader sends one reply per message (mail/replies.py)
        assert await intake.stored() == (1, 1, 0)

    async def test_staff_entering_letters_are_not_rate_limited(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        intake.app.state.intake.settings = intake.settings.model_copy(
            update={"rate_limit_per_sender_hour": 1}
        )
        for n in range(3):
            draft = _draft(open_document, text=f"Thư số {n}", email="mot@example.vn")
            await intake.app.state.intake.accept(draft, Source("post", actor=CLERK))
        assert (await intake.stored())[0] == 3
