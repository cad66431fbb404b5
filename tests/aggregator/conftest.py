"""The aggregator app in process, a reviewer's token, and a way to feed it events."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.aggregator import clustering, service
from services.aggregator.config import AggregatorSettings
from services.aggregator.main import create_app
from shared import events as ev
from shared import migrate
from shared.auth import issue_token
from shared.broker import EmbeddedBroker
from shared.db import create_engine, session_factory, unit_of_work

KEY = "aggregator-test-key-0123456789abcdef0123456789abcdef"


@dataclass
class Workspace:
    client: httpx.AsyncClient
    sessions: async_sessionmaker[AsyncSession]
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def apply(self, events: Sequence[ev.AnyEvent]) -> None:
        """Deliver events as the consumer does: one transaction per batch, then cluster what
        it stored, as the clusterer it wakes does (in transactions of its own)."""
        async with unit_of_work(self.sessions) as session:
            await service.apply_events(session, events)
        async with unit_of_work(self.sessions) as session:
            await clustering.drain(session)

    async def get(self, path: str, **params: object) -> httpx.Response:
        return await self.client.get(path, params=params, headers=self.auth)  # type: ignore[arg-type]


@pytest.fixture
def aggregator_settings(
    clean_databases: dict[str, str], broker: EmbeddedBroker, topic_prefix: str
) -> AggregatorSettings:
    """The aggregator's settings over the test database and broker."""
    return AggregatorSettings(
        database_url=clean_databases["aggregator"],
        kafka_bootstrap_servers=broker.bootstrap,
        topic_prefix=topic_prefix,
    )


@pytest.fixture
async def workspace(
    clean_databases: dict[str, str], broker: EmbeddedBroker, topic_prefix: str
) -> AsyncIterator[Workspace]:
    settings = AggregatorSettings(
        database_url=clean_databases["aggregator"],
        kafka_bootstrap_servers=broker.bootstrap,
        topic_prefix=topic_prefix,
        auth_secret_keys=KEY,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            token = issue_token(
                [KEY], "token:test-reviewer", ["reviewer"], ttl=timedelta(hours=1), name="Chị Lan"
            )
            yield Workspace(client, app.state.runtime.sessions, token)


@pytest.fixture(params=["database", "sqlite"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, clean_databases: dict[str, str]
) -> Iterator[str]:
    """The suite's aggregator database (PostgreSQL on CI), and a migrated SQLite file."""
    if request.param == "database":
        yield clean_databases["aggregator"]
        return
    url = f"sqlite+aiosqlite:///{tmp_path / 'aggregator.db'}"
    migrate.upgrade("aggregator", url)
    yield url


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on each of the two databases in turn (see ``database_url``)."""
    engine = create_engine(database_url)
    yield session_factory(engine)
    await engine.dispose()
