"""Fixtures for the citizen intake: a running feedback app in-process, its catalogue, counts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from services.feedback import service
from services.feedback.config import FeedbackSettings
from services.feedback.main import create_app
from services.feedback.models import Comment, MailMessage
from shared import events as ev
from shared import form_tokens
from shared.broker import free_port
from shared.outbox import OutboxMessage
from tests.factories import document_state, published


@dataclass
class Intake:
    """The feedback app under test, a client for it, and a way to look into its database."""

    app: FastAPI
    client: httpx.AsyncClient
    settings: FeedbackSettings
    database_url: str

    async def count(self, model: type) -> int:
        async with self.app.state.runtime.sessions() as s:
            return int((await s.execute(select(func.count()).select_from(model))).scalar_one())

    async def stored(self) -> tuple[int, int, int]:
        """Comments, outbox rows (= events to publish) and queued mails."""
        return (
            await self.count(Comment),
            await self.count(OutboxMessage),
            await self.count(MailMessage),
        )

    async def catalogue(self, state: ev.DocumentState) -> ev.DocumentState:
        async with self.app.state.runtime.sessions() as s:
            await service.apply_document_events(s, [published(state)])
            await s.commit()
        return state

    async def send_form(self, form: dict[str, str], **kwargs: Any) -> httpx.Response:
        """Post the form as a browser does: follow the 303 to the receipt page."""
        return await self.client.post("/comments", data=form, follow_redirects=True, **kwargs)

    def token(self, state: ev.DocumentState) -> str:
        return form_tokens.issue(self.settings.signing_keys, state.document_id)

    def form(self, state: ev.DocumentState, **overrides: str) -> dict[str, str]:
        values = {
            "document_id": str(state.document_id),
            "section_id": str(state.sections[1].id),
            "form_token": self.token(state),
            "text": "Đề nghị bổ sung số liệu về giảm nghèo.",
            "website": "",
        }
        values.update(overrides)
        return values


IntakeFactory = Callable[..., Any]


@pytest.fixture
def make_intake(clean_databases: dict[str, str], topic_prefix: str) -> IntakeFactory:
    """Settings for an in-process feedback app (lifespan entered by ``running_intake``).

    The broker address is a port nobody listens on: intake must never depend on the broker
    (the outbox holds events until it returns; tests/e2e proves they then arrive).
    """
    dead_broker = f"127.0.0.1:{free_port()}"

    def build(**overrides: Any) -> FeedbackSettings:
        values: dict[str, Any] = {
            "database_url": clean_databases["feedback"],
            "kafka_bootstrap_servers": dead_broker,
            "topic_prefix": topic_prefix,
            "public_feedback_url": "http://gopy.test:8002",
            "public_documents_url": "http://gopy.test:8001",
        }
        values.update(overrides)
        return FeedbackSettings(**values)

    return build


@pytest.fixture
async def intake(make_intake: IntakeFactory) -> AsyncIterator[Intake]:
    async with running_intake(make_intake()) as running:
        yield running


class running_intake:  # noqa: N801 - reads as a context manager
    """``async with running_intake(settings) as intake``: lifespan entered, client open."""

    def __init__(self, settings: FeedbackSettings) -> None:
        self.settings = settings
        self.app = create_app(settings)

    async def __aenter__(self) -> Intake:
        self._lifespan = self.app.router.lifespan_context(self.app)
        await self._lifespan.__aenter__()
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://gopy.test:8002"
        )
        return Intake(self.app, self._client, self.settings, self.settings.database_url)

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()
        await self._lifespan.__aexit__(None, None, None)


@pytest.fixture
async def open_document(intake: Intake) -> ev.DocumentState:
    return await intake.catalogue(document_state())
