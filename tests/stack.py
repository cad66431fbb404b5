"""The three services over the real broker and real databases, started one way for every test.

One environment (``stack_env``) configures them, and one ``Stack`` runs them either as real
uvicorn processes (``start``: end-to-end and fault tests, which kill and restart them) or in
this process behind a transport that routes each request by port (``in_process``: the sign-in
tests, fast, and free to look into an app's runtime). Either way a test speaks HTTP to
``stack.url(name)`` through ``stack.browser()``, and state is checked through the services'
own APIs, never through another service's tables.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlmodel import col

from services.aggregator import service as projection
from services.aggregator.accounts import service as accounts
from services.aggregator.accounts.models import StaffAccount
from services.aggregator.config import AggregatorSettings
from services.aggregator.main import create_app as create_aggregator
from services.documents.config import DocumentsSettings
from services.documents.main import create_app as create_documents
from services.feedback.config import FeedbackSettings
from services.feedback.main import create_app as create_feedback
from shared.auth import issue_token
from shared.config import ServiceSettings
from shared.db import create_engine, unit_of_work
from shared.events import DocumentState, topics
from shared.events.topics import group_name, topic_name
from shared.outbox import OutboxMessage
from shared.service_app import Runtime
from tests.factories import SMALL_DRAFT, document_state, published
from tests.helpers import eventually
from tests.service_process import ServiceProcess

SERVICES = ("documents", "feedback", "aggregator")
NEW_KEY = "auth-test-key-2026-new-0123456789abcdef0123456789"
OLD_KEY = "auth-test-key-2025-old-0123456789abcdef0123456789"
KEYS = f"{NEW_KEY},{OLD_KEY}"
PASSWORD = "mat-khau-dung-12345"
HTML = {"Accept": "text/html,application/xhtml+xml"}
# In process, the services answer on the ports of ``make run`` (no socket is opened), so one
# browser's cookie jar behaves exactly as on localhost.
IN_PROCESS_PORTS = {"documents": 8001, "feedback": 8002, "aggregator": 8003}
URL = {name: f"http://127.0.0.1:{port}" for name, port in IN_PROCESS_PORTS.items()}
AGG, DOCS, FEEDBACK = URL["aggregator"], URL["documents"], URL["feedback"]
SETTINGS: dict[str, type[ServiceSettings]] = {
    "documents": DocumentsSettings,
    "feedback": FeedbackSettings,
    "aggregator": AggregatorSettings,
}
FACTORIES = {
    "documents": create_documents,
    "feedback": create_feedback,
    "aggregator": create_aggregator,
}
NOT_CATALOGUED = "Không tìm thấy dự thảo"


def stack_env(
    databases: dict[str, str], bootstrap: str, prefix: str, urls: dict[str, str]
) -> dict[str, str]:
    """The one complete environment of a test deployment (variables as in production)."""
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "KAFKA_TOPIC_PREFIX": prefix,
        "AUTH_SECRET_KEYS": KEYS,
        "LOG_LEVEL": "INFO",
        # every request comes from 127.0.0.1 here; the hourly limit is tested in tests/feedback
        "FEEDBACK_RATE_LIMIT_PER_HOUR": "1000000",
        # ... and the global and SMTP limits (tests/feedback/test_floods.py tests them)
        "FEEDBACK_RATE_LIMIT_GLOBAL_PER_MINUTE": "0",
        "FEEDBACK_INTAKE_SMTP_PER_ADDRESS_HOUR": "0",
        "FEEDBACK_INTAKE_SMTP_PER_SENDER_HOUR": "0",
        "FEEDBACK_INTAKE_SMTP_MESSAGES_PER_MINUTE": "0",
        # ... and receipts are looked up by the hundred (tests/security tests the throttle)
        "FEEDBACK_RECEIPT_ATTEMPTS_PER_MINUTE_PER_ADDRESS": "1000000",
        "FEEDBACK_RECEIPT_ATTEMPTS_PER_MINUTE": "1000000",
        "AGGREGATOR_LOGIN_MAX_FAILURES_PER_IP": "12",
        "AGGREGATOR_CONSUMER_GROUP": f"aggregator-{uuid.uuid4().hex[:6]}",
    }
    for name in SERVICES:
        env[f"{name.upper()}_DATABASE_URL"] = databases[name]
        env[f"{name.upper()}_RELAY_INTERVAL_SECONDS"] = "0.05"
        env[f"PUBLIC_{name.upper()}_URL"] = urls[name]
    return env


@contextmanager
def _environ(env: dict[str, str]) -> Iterator[None]:
    """``os.environ`` with ``env`` on top, for reading settings exactly as a process would."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class PortRouter(httpx.AsyncBaseTransport):
    """Send each request to the in-process app of its port; any other port is the network
    (a service under uvicorn, an OpenID Connect provider)."""

    def __init__(self, apps: dict[str, FastAPI]) -> None:
        self._by_port = {
            IN_PROCESS_PORTS[name]: httpx.ASGITransport(app=app) for name, app in apps.items()
        }
        # No kept-alive connections: Node (the OIDC provider) closes idle ones after 5 s, and
        # on a loaded machine a request could go out on one just as it closes.
        self._network = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._by_port.get(request.url.port or 80, self._network)
        return await transport.handle_async_request(request)

    async def aclose(self) -> None:
        await self._network.aclose()


class Stack:
    """Documents, feedback and aggregator on one broker, and the steps tests share."""

    def __init__(
        self,
        databases: dict[str, str],
        bootstrap: str,
        prefix: str,
        log_dir: Path,
        **overrides: str,
    ) -> None:
        self.processes = {name: ServiceProcess(name, {}, log_dir) for name in SERVICES}
        self.env = stack_env(
            databases, bootstrap, prefix, {n: p.url for n, p in self.processes.items()}
        )
        self.env.update(overrides)
        for process in self.processes.values():
            process.env = self.env
        self.apps: dict[str, FastAPI] = {}
        self.browsers: list[httpx.AsyncClient] = []
        self._client: httpx.AsyncClient | None = None

    # -- running ---------------------------------------------------------------------------
    def start(self, *names: str) -> Stack:
        """Start services (all by default) as uvicorn processes; stops them all on failure."""
        try:
            for name in names or SERVICES:
                self.processes[name].launch()
            for name in names or SERVICES:
                self.processes[name].wait_healthy()
        except Exception:
            self.stop()
            raise
        return self

    def stop(self, *names: str, kill: bool = False) -> None:
        for name in names or SERVICES:
            self.processes[name].stop(kill=kill)

    def settings(self, name: str) -> Any:
        """A service's settings, read from the stack's environment as its process reads them."""
        with _environ(self.env):
            return SETTINGS[name]()

    @asynccontextmanager
    async def in_process(self) -> AsyncIterator[Stack]:
        """The three apps in this process, on the ports of ``make run``; lifespans entered."""
        self.env.update({f"PUBLIC_{n.upper()}_URL": URL[n] for n in SERVICES})
        self.apps = {n: FACTORIES[n](self.settings(n)) for n in SERVICES}  # type: ignore[operator]
        try:
            async with AsyncExitStack() as exits:
                for app in self.apps.values():
                    await exits.enter_async_context(app.router.lifespan_context(app))
                yield self
        finally:
            await self.aclose()
            self.apps = {}

    async def aclose(self) -> None:
        """Close every browser handed out."""
        for client in self.browsers:
            await client.aclose()
        self.browsers.clear()
        self._client = None

    def url(self, name: str) -> str:
        return URL[name] if self.apps else self.processes[name].url

    def runtime(self, name: str) -> Runtime:
        """An in-process app's runtime (its sessions, producer, ...)."""
        return self.apps[name].state.runtime  # type: ignore[no-any-return]

    def browser(self) -> httpx.AsyncClient:
        """A fresh browser: its own cookie jar, reaching all three services."""
        client = httpx.AsyncClient(transport=PortRouter(self.apps), timeout=30)
        self.browsers.append(client)
        return client

    @property
    def client(self) -> httpx.AsyncClient:
        """The browser the shared steps below use."""
        if self._client is None:
            self._client = self.browser()
        return self._client

    # -- staff -----------------------------------------------------------------------------
    def token(
        self,
        roles: Sequence[str] = ("admin", "reviewer"),
        keys: list[str] | None = None,
        **kwargs: Any,
    ) -> str:
        subject = kwargs.pop("subject", f"token:test-{uuid.uuid4().hex[:6]}")
        ttl = kwargs.pop("ttl", timedelta(hours=1))
        return issue_token(keys or [NEW_KEY, OLD_KEY], subject, roles, ttl=ttl, **kwargs)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}

    async def account(
        self, email: str, roles: Sequence[str], password: str = PASSWORD
    ) -> StaffAccount:
        """An account with a password, written by the aggregator's own service code."""
        async with unit_of_work(self.runtime("aggregator").sessions) as session:
            account, _link = await accounts.invite(session, "test", email, "", roles, valid_hours=1)
            account.password_hash = accounts.hash_password(password)
        return account

    async def draft_in_the_aggregator(self) -> DocumentState:
        """A published draft put straight into the in-process aggregator's projection."""
        state = document_state()
        async with unit_of_work(self.runtime("aggregator").sessions) as session:
            await projection.apply_events(session, [published(state)])
        return state

    # -- the pipeline ----------------------------------------------------------------------
    async def publish_draft(
        self, text: str = SMALL_DRAFT, source_name: str = "t.txt"
    ) -> dict[str, Any]:
        """Import and open a draft for 30 days; return it once feedback can take comments."""
        document = await self.open_draft(text, source_name)
        await self.wait_catalogued(document["id"])
        return document

    async def open_draft(self, text: str, source_name: str) -> dict[str, Any]:
        """Import and open a draft for 30 days; return it as documents describes it."""
        docs = self.url("documents")
        created = await self.client.post(
            f"{docs}/api/documents",
            json={"text": text, "source_name": source_name},
            headers=self.auth,
            timeout=60,  # a long draft (the Điện Biên sample) on a loaded machine
        )
        assert created.status_code == 201, created.text
        document_id = created.json()["id"]
        opened = await self.client.post(
            f"{docs}/api/documents/{document_id}/open", json={"days": 30}, headers=self.auth
        )
        assert opened.status_code == 200, opened.text
        document: dict[str, Any] = (
            await self.client.get(f"{docs}/api/documents/{document_id}")
        ).json()
        return document

    async def wait_catalogued(self, document_id: str) -> None:
        """Until feedback knows the open draft, asked through its API: a comment on a section
        that exists nowhere is refused for the section once the draft is known (nothing is
        stored either way)."""
        body = {"document_id": document_id, "section_id": str(uuid.uuid4()), "text": "?"}

        async def probe() -> httpx.Response:
            return await self.client.post(f"{self.url('feedback')}/api/comments", json=body)

        answer = await eventually(probe, lambda r: NOT_CATALOGUED not in r.text, timeout=60)
        assert answer.status_code == 422, answer.text

    async def comment(
        self, document_id: str, section_id: str | None, text: str = "Đề nghị bổ sung số liệu."
    ) -> dict[str, Any]:
        """Post a comment through the JSON API; return its receipt."""
        body = {"document_id": document_id, "section_id": section_id, "text": text}
        response = await self.client.post(f"{self.url('feedback')}/api/comments", json=body)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    async def tally_rows(self, document_id: str) -> list[dict[str, Any]]:
        """The aggregator's tallies as its API gives them ([] while it cannot answer)."""
        try:
            response = await self.client.get(
                f"{self.url('aggregator')}/api/documents/{document_id}/tallies",
                headers=self.auth,
            )
        except httpx.TransportError:
            return []
        return response.json() if response.status_code == 200 else []  # type: ignore[no-any-return]

    async def tallies(self, document_id: str) -> dict[tuple[str, ...], int]:
        """Totals by section path."""
        return {tuple(row["path"]): row["total"] for row in await self.tally_rows(document_id)}

    async def consumer_lag(self) -> int:
        """How many comment events the aggregator's consumer group has not yet committed,
        asked of the broker (its position, not a marker event on some other partition)."""
        bootstrap, prefix = self.env["KAFKA_BOOTSTRAP_SERVERS"], self.env["KAFKA_TOPIC_PREFIX"]
        name = topic_name(topics.COMMENTS, prefix)
        partitions = [TopicPartition(name, p) for p in range(topics.PARTITIONS[topics.COMMENTS])]
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            group = group_name(self.env["AGGREGATOR_CONSUMER_GROUP"], prefix)
            committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
        finally:
            await admin.close()
        done = {tp: max(meta.offset, 0) for tp, meta in committed.items() if meta is not None}
        ends = await end_offsets(bootstrap, partitions)
        return sum(max(0, end - done.get(tp, 0)) for tp, end in ends.items())

    async def unsent_comment_events(self) -> int:
        """Comment events feedback has stored and its relay not yet published (the relay runs
        in a process of its own, which starts a moment after the service does)."""
        engine = create_engine(self.env["FEEDBACK_DATABASE_URL"])
        try:
            async with engine.connect() as connection:
                unsent = await connection.execute(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(
                        col(OutboxMessage.topic) == topics.COMMENTS,
                        col(OutboxMessage.sent_at).is_(None),
                    )
                )
                return int(unsent.scalar_one())
        finally:
            await engine.dispose()

    async def wait_consumed(self, timeout: float = 60) -> None:
        """Until every comment event feedback stored is published and the aggregator has
        committed it (the outbox first: what the relay sends after that is in the lag)."""

        async def behind() -> int:
            return await self.unsent_comment_events() + await self.consumer_lag()

        await eventually(behind, lambda n: n == 0, timeout=timeout)


async def end_offsets(
    bootstrap: str, partitions: list[TopicPartition]
) -> dict[TopicPartition, int]:
    """Each partition's end, from a fetch's high watermark: the embedded broker answers
    ListOffsets with its last batch's base offset + 1, short of the end."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        deadline = time.monotonic() + 20
        while any(consumer.highwater(tp) is None for tp in partitions):
            assert time.monotonic() < deadline, "the broker gave no high watermark in 20 s"
            await consumer.getmany(timeout_ms=200, max_records=1)
        return {tp: consumer.highwater(tp) or 0 for tp in partitions}
    finally:
        await consumer.stop()


StackFactory = Callable[..., Stack]


def aggregator_env(**settings: Any) -> dict[str, str]:
    """Aggregator settings by field name, as the environment variables that set them."""
    return {f"AGGREGATOR_{name.upper()}": str(value) for name, value in settings.items()}


@asynccontextmanager
async def running_stack(make_stack: StackFactory, **aggregator: Any) -> AsyncIterator[Stack]:
    """The three apps started in process; ``aggregator`` overrides that service's settings."""
    async with make_stack(**aggregator_env(**aggregator)).in_process() as running:
        yield running


def section_id(document: dict[str, Any], *path: str) -> str:
    """The id of the section at ``path`` in a document as the documents API gives it."""
    return next(s["id"] for s in document["sections"] if tuple(s["path"]) == path)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


async def sign_in(
    browser: httpx.AsyncClient, email: str, password: str = PASSWORD, next: str = ""
) -> httpx.Response:
    """What a person does: open the sign-in page, fill it in, submit."""
    page = await browser.get(f"{AGG}/dang-nhap", params={"next": next} if next else None)
    assert page.status_code == 200
    return await browser.post(
        f"{AGG}/dang-nhap",
        data={
            "email": email,
            "password": password,
            "next": next,
            "csrf_token": csrf_from(page.text),
        },
    )
