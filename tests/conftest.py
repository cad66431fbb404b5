"""Session fixtures: real PostgreSQL (SQLite only where PostgreSQL cannot be reached outside CI)
and the real embedded broker, both shared by the whole run; a database session for the
service a test folder tests; the three services as one ``Stack``."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shared import migrate
from shared.broker import EmbeddedBroker, start_broker
from shared.db import create_engine, is_sqlite, session_factory
from tests.service_process import ServiceProcess
from tests.stack import Stack, StackFactory

pytest_plugins = ["tests.no_skips"]

PG_HOST, PG_PORT = "127.0.0.1", 5432
SERVICES = ("documents", "feedback", "aggregator")


def _postgres_reachable() -> bool:
    try:
        socket.create_connection((PG_HOST, PG_PORT), timeout=1).close()
        return True
    except OSError:
        return False


async def _recreate_databases(names: list[str], *, create: bool = True) -> None:
    """Drop each database (with its connections) and, unless told not to, create it empty."""
    admin = create_engine(
        f"postgresql+asyncpg://{PG_HOST}:{PG_PORT}/test", isolation_level="AUTOCOMMIT"
    )
    async with admin.connect() as conn:
        for name in names:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if create:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One migrated database per service, as in production: PostgreSQL, or SQLite off-CI."""
    if _postgres_reachable():
        run = uuid.uuid4().hex[:8]
        names = {s: f"gopy_test_{s}_{run}" for s in SERVICES}
        asyncio.run(_recreate_databases(list(names.values())))
        urls = {s: f"postgresql+asyncpg://{PG_HOST}:{PG_PORT}/{n}" for s, n in names.items()}
    elif os.environ.get("CI"):
        pytest.fail("CI must run against PostgreSQL at 127.0.0.1:5432, which is not reachable")
    else:
        folder = tmp_path_factory.mktemp("db")
        urls = {s: f"sqlite+aiosqlite:///{folder / (s + '.db')}" for s in SERVICES}
        names = {}
    for service, url in urls.items():
        migrate.upgrade(service, url)
    yield urls
    if names:
        asyncio.run(_recreate_databases(list(names.values()), create=False))


@pytest.fixture(scope="session")
def broker() -> Iterator[EmbeddedBroker]:
    """The real Tansu broker on a free port, for the whole session."""
    running = start_broker()
    yield running
    running.stop()


async def truncate_all(engine: AsyncEngine) -> None:
    """Empty every table of a service's database (except Alembic's) between tests."""
    async with engine.begin() as conn:
        if is_sqlite(str(engine.url)):
            # ordinary tables only: an FTS5 table's shadow tables are its own to write, and
            # the comments' delete trigger empties the external-content index
            listed = (await conn.execute(text("PRAGMA main.table_list"))).mappings().all()
            names = [
                r["name"]
                for r in listed
                if r["type"] == "table"
                and not r["name"].startswith("sqlite_")
                and r["name"] != "alembic_version"
            ]
            for name in names:
                await conn.execute(text(f'DELETE FROM "{name}"'))
            for r in listed:
                if r["type"] == "virtual":  # FTS5 only: re-read from the emptied content
                    await conn.execute(
                        text(f'INSERT INTO "{r["name"]}"("{r["name"]}") VALUES (\'rebuild\')')
                    )
        else:
            names = [
                r[0]
                for r in await conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                        "AND tablename != 'alembic_version'"
                    )
                )
            ]
            if names:
                # a process some test left running may hold a lock: fail, never wait for ever
                await conn.execute(text("SET LOCAL lock_timeout = '30s'"))
                await conn.execute(
                    text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " CASCADE")
                )


@pytest.fixture(autouse=True)
def no_service_left_running() -> Iterator[None]:
    """Kill the services a test started and did not stop (it failed before its ``stop``):
    left running, one holds the database's locks and the next test's clean-up waits."""
    before = set(ServiceProcess.launched)
    yield
    for process in set(ServiceProcess.launched) - before:
        process.stop(kill=True)


@pytest.fixture
async def clean_databases(database_urls: dict[str, str]) -> AsyncIterator[dict[str, str]]:
    """The per-service databases, emptied before the test."""
    for url in database_urls.values():
        engine = create_engine(url)
        await truncate_all(engine)
        await engine.dispose()
    yield database_urls


@pytest.fixture
def topic_prefix() -> str:
    """Each test gets its own topics on the shared broker, so tests never see each other."""
    return f"t{uuid.uuid4().hex[:10]}."


@pytest.fixture
async def session(
    request: pytest.FixtureRequest, clean_databases: dict[str, str]
) -> AsyncIterator[AsyncSession]:
    """A session on the emptied database of the service whose folder the test is in
    (tests/feedback/... gets the feedback database)."""
    folder = Path(request.node.path).relative_to(Path(__file__).parent).parts[0]
    if folder not in SERVICES:
        raise LookupError(f"the session fixture serves {SERVICES}, not tests/{folder}")
    engine = create_engine(clean_databases[folder])
    async with session_factory(engine)() as s:
        yield s
    await engine.dispose()


@pytest.fixture
async def make_stack(
    clean_databases: dict[str, str], broker: EmbeddedBroker, topic_prefix: str, tmp_path: Path
) -> AsyncIterator[StackFactory]:
    """Build stacks on this test's databases and topics (the shared broker unless another
    bootstrap address is given); every one is stopped afterwards."""
    built: list[Stack] = []

    def build(bootstrap: str = "", **env: str) -> Stack:
        stack = Stack(clean_databases, bootstrap or broker.bootstrap, topic_prefix, tmp_path, **env)
        built.append(stack)
        return stack

    yield build
    for stack in built:
        stack.stop()
        await stack.aclose()


@pytest.fixture
def stack(make_stack: StackFactory) -> Stack:
    """The three services as real processes on the shared broker (stopped afterwards)."""
    return make_stack().start()
