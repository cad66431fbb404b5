"""The three services in one process, reached as one browser would reach them on localhost.

A transport routes each request by port (8001-8003) to its app, so one httpx client is
one browser with one cookie jar: the sign-in cookie set by the aggregator on 127.0.0.1
is sent to every port, exactly as on ``make run``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.aggregator.accounts import service as accounts
from services.aggregator.accounts.models import StaffAccount
from services.aggregator.config import AggregatorSettings
from services.aggregator.main import create_app as create_aggregator
from services.documents.config import DocumentsSettings
from services.documents.main import create_app as create_documents
from services.feedback.config import FeedbackSettings
from services.feedback.main import create_app as create_feedback
from shared.auth import issue_token
from shared.broker import EmbeddedBroker
from shared.db import unit_of_work
from shared.service_app import Runtime

NEW_KEY = "auth-test-key-2026-new-0123456789abcdef0123456789"
OLD_KEY = "auth-test-key-2025-old-0123456789abcdef0123456789"
KEYS = f"{NEW_KEY},{OLD_KEY}"
PORTS = {"documents": 8001, "feedback": 8002, "aggregator": 8003}
URL = {name: f"http://127.0.0.1:{port}" for name, port in PORTS.items()}
AGG, DOCS, FEEDBACK = URL["aggregator"], URL["documents"], URL["feedback"]
PASSWORD = "mat-khau-dung-12345"
HTML = {"Accept": "text/html,application/xhtml+xml"}


class PortRouter(httpx.AsyncBaseTransport):
    """Send each request to the app listening on its port; any other port is the network
    (an OpenID Connect provider, say)."""

    def __init__(self, apps: dict[str, FastAPI]) -> None:
        self._by_port = {PORTS[name]: httpx.ASGITransport(app=app) for name, app in apps.items()}
        self._network = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._by_port.get(request.url.port or 80, self._network)
        return await transport.handle_async_request(request)

    async def aclose(self) -> None:
        await self._network.aclose()


@dataclass
class Stack:
    apps: dict[str, FastAPI]
    settings: dict[str, Any]
    browsers: list[httpx.AsyncClient] = field(default_factory=list)

    def runtime(self, name: str) -> Runtime:
        return self.apps[name].state.runtime  # type: ignore[no-any-return]

    def browser(self) -> httpx.AsyncClient:
        """A fresh browser: its own cookie jar, reaching all three services."""
        client = httpx.AsyncClient(transport=PortRouter(self.apps), timeout=30)
        self.browsers.append(client)
        return client

    async def account(
        self, email: str, roles: Sequence[str], password: str = PASSWORD
    ) -> StaffAccount:
        """An account with a password, written straight into the aggregator's database."""
        async with unit_of_work(self.runtime("aggregator").sessions) as session:
            account, _link = await accounts.invite(session, "test", email, "", roles, valid_hours=1)
            account.password_hash = accounts.hash_password(password)
        return account

    def token(self, roles: Sequence[str], keys: list[str] | None = None, **kwargs: Any) -> str:
        subject = kwargs.pop("subject", f"token:test-{uuid.uuid4().hex[:6]}")
        ttl = kwargs.pop("ttl", timedelta(hours=1))
        return issue_token(keys or [NEW_KEY, OLD_KEY], subject, roles, ttl=ttl, **kwargs)


def settings_for(
    name: str, urls: dict[str, str], broker: EmbeddedBroker, prefix: str, **aggregator: Any
) -> Any:
    common = {
        "database_url": urls[name],
        "kafka_bootstrap_servers": broker.bootstrap,
        "topic_prefix": prefix,
        "auth_secret_keys": KEYS,
        "relay_interval_seconds": 0.05,
    }
    if name == "aggregator":
        return AggregatorSettings(**{**common, "login_max_failures_per_ip": 12, **aggregator})
    return {"documents": DocumentsSettings, "feedback": FeedbackSettings}[name](**common)


FACTORIES = {
    "documents": create_documents,
    "feedback": create_feedback,
    "aggregator": create_aggregator,
}


@pytest.fixture
async def stack(
    clean_databases: dict[str, str], broker: EmbeddedBroker, topic_prefix: str
) -> AsyncIterator[Stack]:
    async with running_stack(clean_databases, broker, topic_prefix) as running:
        yield running


@asynccontextmanager
async def running_stack(
    databases: dict[str, str], broker: EmbeddedBroker, prefix: str, **aggregator: Any
) -> AsyncIterator[Stack]:
    """The three apps started; ``aggregator`` overrides that service's settings."""
    settings = {n: settings_for(n, databases, broker, prefix, **aggregator) for n in FACTORIES}
    apps = {n: FACTORIES[n](settings[n]) for n in FACTORIES}  # type: ignore[operator]
    async with AsyncExitStack() as exits:
        for app in apps.values():
            await exits.enter_async_context(app.router.lifespan_context(app))
        running = Stack(apps=apps, settings=settings)
        try:
            yield running
        finally:
            for client in running.browsers:
                await client.aclose()


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
