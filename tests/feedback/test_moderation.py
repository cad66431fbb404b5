"""Moderation by reviewers: spam, duplicate, another section; announced and audited, or refused
with nothing changed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from services.feedback.models import Comment
from shared import events as ev
from shared.audit import AuditEntry
from shared.auth import issue_token
from shared.outbox import OutboxMessage
from tests.factories import document_state
from tests.feedback.conftest import Intake


def bearer(intake: Intake, roles: list[str]) -> dict[str, str]:
    token = issue_token(
        intake.settings.signing_keys, "account:bientap", roles, ttl=timedelta(minutes=5)
    )
    return {"Authorization": f"Bearer {token}"}


async def commented(intake: Intake, state: ev.DocumentState) -> str:
    body = {"document_id": str(state.document_id), "section_id": None, "text": "Ý kiến thử."}
    created = await intake.client.post("/api/comments", json=body)
    assert created.status_code == 201, created.text
    return str(created.json()["comment_id"])


async def rows(intake: Intake, model: type) -> list:  # type: ignore[type-arg]
    async with intake.app.state.runtime.sessions() as session:
        return list((await session.execute(select(model))).scalars().all())


class TestModeration:
    async def test_spam_is_recorded_announced_and_audited(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        comment_id = await commented(intake, open_document)
        answer = await intake.client.post(
            f"/api/comments/{comment_id}/moderation",
            json={"action": "spam"},
            headers=bearer(intake, ["reviewer"]),
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "spam" and answer.json()["state_version"] == 2
        [comment] = await rows(intake, Comment)
        assert comment.status == "spam"
        events = [o.event_type for o in await rows(intake, OutboxMessage)]
        assert events == ["comment.submitted", "comment.marked_spam"]
        [entry] = [a for a in await rows(intake, AuditEntry) if a.action == "comment.marked_spam"]
        assert entry.actor == "account:bientap" and entry.object_id == comment_id

    async def test_a_comment_moves_to_another_section_of_its_draft(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        comment_id = await commented(intake, open_document)
        target = open_document.sections[2].id
        answer = await intake.client.post(
            f"/api/comments/{comment_id}/moderation",
            json={"action": "reassign", "section_id": str(target)},
            headers=bearer(intake, ["reviewer"]),
        )
        assert answer.status_code == 200, answer.text
        [comment] = await rows(intake, Comment)
        assert comment.section_id == target
        last = (await rows(intake, OutboxMessage))[-1]
        assert last.event_type == "comment.section_reassigned"
        assert last.body["payload"]["to_section_id"] == str(target)

    async def test_a_section_of_another_draft_is_refused_and_nothing_changes(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        other = await intake.catalogue(document_state())
        comment_id = await commented(intake, open_document)
        answer = await intake.client.post(
            f"/api/comments/{comment_id}/moderation",
            json={"action": "reassign", "section_id": str(other.sections[1].id)},
            headers=bearer(intake, ["reviewer"]),
        )
        assert answer.status_code == 422 and "không thuộc dự thảo" in answer.json()["detail"]
        [comment] = await rows(intake, Comment)
        assert comment.section_id is None and comment.state_version == 1
        assert len(await rows(intake, OutboxMessage)) == 1

    async def test_only_reviewers_may_moderate(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        comment_id = await commented(intake, open_document)
        url = f"/api/comments/{comment_id}/moderation"
        anonymous = await intake.client.post(url, json={"action": "spam"})
        clerk = await intake.client.post(
            url, json={"action": "spam"}, headers=bearer(intake, ["clerk"])
        )
        assert (anonymous.status_code, clerk.status_code) == (401, 403)
        [comment] = await rows(intake, Comment)
        assert comment.status == "received"
