"""Alembic glue: one history per service, each seeing only its own tables.

SQLModel keeps every table in one global metadata; without the ``include_object``
filter one service's autogenerate would propose dropping the others' tables. Each
``migrations/<service>/env.py`` names the model modules it owns and where its database
is; this module knows no service.

    python -m shared.migrate [SERVICE ...]   # upgrade to head (all of migrations/ by default)
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Table, pool
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "migrations"
INI = MIGRATIONS / "alembic.ini"


def histories() -> list[str]:
    """The services with a migration history: the folders of migrations/ holding an env.py."""
    return sorted(p.parent.name for p in MIGRATIONS.glob("*/env.py"))


def tables_of(modules: Iterable[ModuleType]) -> frozenset[str]:
    """The tables defined in these modules (a shared module's tables included)."""
    names: set[str] = set()
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, Table):
                names.add(value.name)
            elif isinstance(getattr(value, "__table__", None), Table):
                if value.__module__ == module.__name__:  # not a model it only imports
                    names.add(value.__table__.name)
    return frozenset(names)


def _ensure_sqlite_folder(url: str) -> None:
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)


def run_env(own_models: Iterable[ModuleType], database_url: Callable[[], str]) -> None:
    """The body of each service's env.py: migrate only the tables of ``own_models``.

    ``database_url`` gives the service's configured database when the caller (a test, the
    ``upgrade`` below) did not pass one.
    """
    tables = tables_of(own_models)
    config = context.config
    url = config.attributes.get("url") or database_url()
    _ensure_sqlite_folder(url)

    def include_object(obj: Any, name: str | None, type_: str, *_args: Any) -> bool:
        if type_ == "table":
            return name in tables
        table = getattr(obj, "table", None)
        return table is None or table.name in tables

    def configure(connection: Connection | None = None, **kwargs: Any) -> None:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            include_object=include_object,
            render_as_batch=url.startswith("sqlite"),
            compare_type=True,
            **kwargs,
        )

    if context.is_offline_mode():
        configure(url=url, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    def do_run(connection: Connection) -> None:
        configure(connection)
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()

    asyncio.run(run_async())


def alembic_config(service: str, url: str | None = None) -> Config:
    config = Config(str(INI), ini_section=service)
    config.set_main_option("script_location", str(MIGRATIONS / service))
    if url:
        config.attributes["url"] = url
    return config


def upgrade(service: str, url: str | None = None) -> None:
    """Bring a service's database to head (call outside a running event loop)."""
    command.upgrade(alembic_config(service, url), "head")


if __name__ == "__main__":
    for name in sys.argv[1:] or histories():
        upgrade(name)
