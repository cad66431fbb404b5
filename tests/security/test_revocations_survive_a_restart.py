"""Medium: a revoked session stays refused after the stack restarts, even when the broker
forgot ``staff.v1``: the aggregator re-publishes its history, and every service keeps
what it learnt in its own database."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from shared import outbox
from shared.auth import issue_token
from shared.broker import EmbeddedBroker
from shared.db import create_engine, session_factory, unit_of_work
from shared.events import SessionsRevokedPayload, StaffSessionsRevoked, topics, utcnow
from tests.helpers import eventually
from tests.security.conftest import aggregator_service, documents_service

SUBJECT = "account:bientap"


async def _me(client: httpx.AsyncClient, token: str) -> int:
    answer = await client.get("/api/staff/me", headers={"Authorization": f"Bearer {token}"})
    return answer.status_code


async def _revocation_already_published(aggregator_url: str) -> None:
    """The aggregator's outbox as a previous run left it: the revocation was sent."""
    engine = create_engine(aggregator_url)
    async with unit_of_work(session_factory(engine)) as session:
        row = outbox.add(
            session,
            topics.STAFF,
            StaffSessionsRevoked(
                producer="aggregator",
                payload=SessionsRevokedPayload(subject=SUBJECT, session_epoch=1),
            ),
        )
        row.sent_at = utcnow()
    await engine.dispose()


async def _feed_state(feed: object) -> str:
    if getattr(feed, "waiting_for_topic", False):
        return "waiting"
    return "connected" if getattr(feed, "connected", False) else "starting"


class TestRevocationsSurviveARestart:
    async def test_the_aggregator_republishes_staff_history_the_broker_lost(
        self, clean_databases: dict[str, str], broker: EmbeddedBroker
    ) -> None:
        await _revocation_already_published(clean_databases["aggregator"])
        fresh_broker = f"t{uuid.uuid4().hex[:10]}."  # a restarted broker: no topics at all
        async with documents_service(clean_databases, broker, fresh_broker) as docs:
            old_cookie = issue_token(
                docs.settings.signing_keys, SUBJECT, ["reviewer"], ttl=timedelta(hours=1)
            )
            assert await _me(docs.anonymous, old_cookie) == 200  # nothing learnt yet
            feed = docs.app.state.runtime.revocation_feed
            # documents is up and its feed has acted (it must wait, not create the topic)
            await eventually(
                lambda: _feed_state(feed), lambda state: state != "starting", timeout=20
            )
            async with aggregator_service(clean_databases, broker, fresh_broker):
                await eventually(
                    lambda: _me(docs.anonymous, old_cookie), lambda s: s == 401, timeout=30
                )

    async def test_a_service_remembers_a_revocation_without_the_broker(
        self, clean_databases: dict[str, str], broker: EmbeddedBroker
    ) -> None:
        await _revocation_already_published(clean_databases["aggregator"])
        first_run = f"t{uuid.uuid4().hex[:10]}."
        async with aggregator_service(clean_databases, broker, first_run):
            async with documents_service(clean_databases, broker, first_run) as docs:
                old_cookie = issue_token(
                    docs.settings.signing_keys, SUBJECT, ["reviewer"], ttl=timedelta(hours=1)
                )
                await eventually(
                    lambda: _me(docs.anonymous, old_cookie), lambda s: s == 401, timeout=30
                )
        # documents restarts against a broker that knows nothing, with no aggregator running
        async with documents_service(clean_databases, broker, f"t{uuid.uuid4().hex[:10]}.") as docs:
            assert await _me(docs.anonymous, old_cookie) == 401
