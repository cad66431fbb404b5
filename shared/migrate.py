"""Alembic glue: one history per service, each seeing only its own tables.

SQLModel keeps every table in one global metadata; without the ``include_object``
filter one service's autogenerate would propose dropping the others' tables.

    python -m shared.migrate [documents feedback aggregator]   # upgrade to head
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

ROOT = Path(__file__).resolve().parent.parent
INI = ROOT / "migrations" / "alembic.ini"

SERVICES: dict[str, tuple[str, str, frozenset[str]]] = {
    # service: (models module, settings class path, tables it owns)
    "documents": (
        "services.documents.models",
        "services.documents.config:DocumentsSettings",
        frozenset({"documents", "sections", "document_revisions", "outbox", "audit_log"}),
    ),
    "feedback": (
        "services.feedback.models",
        "services.feedback.config:FeedbackSettings",
        frozenset(
            {
                "comments",
                "feedback_documents",
                "feedback_sections",
                "mail_queue",
                "outbox",
                "processed_events",
                "audit_log",
            }
        ),
    ),
    "aggregator": (
        "services.aggregator.models",
        "services.aggregator.config:AggregatorSettings",
        frozenset(
            {
                "aggregator_documents",
                "aggregator_sections",
                "aggregator_comments",
                "aggregator_section_counts",
                "aggregator_daily_counts",
                "aggregator_cluster_bands",
                "aggregator_reviews",
                "aggregator_section_assignments",
                "processed_events",
                "audit_log",
                "outbox",
                "staff_accounts",
                "staff_api_tokens",
                "staff_login_failures",
                "document_reviewers",
            }
        ),
    ),
}
# model modules a service owns beyond its models.py
EXTRA_MODELS: dict[str, tuple[str, ...]] = {
    "aggregator": ("services.aggregator.accounts.models",),
}


def service_url(service: str) -> str:
    module_name, class_name = SERVICES[service][1].split(":")
    settings = getattr(importlib.import_module(module_name), class_name)()
    return str(settings.database_url)


def run_env(service: str) -> None:
    """The body of each service's env.py."""
    models, _settings, tables = SERVICES[service]
    importlib.import_module(models)
    for extra in EXTRA_MODELS.get(service, ()):
        importlib.import_module(extra)
    importlib.import_module("shared.outbox")
    importlib.import_module("shared.idempotency")
    importlib.import_module("shared.audit")
    config = context.config
    url = config.attributes.get("url") or service_url(service)

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
    config.set_main_option("script_location", str(ROOT / "migrations" / service))
    if url:
        config.attributes["url"] = url
    return config


def upgrade(service: str, url: str | None = None) -> None:
    """Bring a service's database to head (call outside a running event loop)."""
    if url is None or url.startswith("sqlite"):
        from sqlalchemy.engine import make_url

        database = make_url(url or service_url(service)).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(service, url), "head")


if __name__ == "__main__":
    for name in sys.argv[1:] or list(SERVICES):
        upgrade(name)
