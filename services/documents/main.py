"""The documents service app: lifespan, routers, error handlers; nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware

from services.documents import parse_worker
from services.documents.config import DocumentsSettings
from services.documents.routes import admin, api, pages, revisions
from shared.events import topics
from shared.logging import configure_logging
from shared.request_guard import KB, BodyRule, RequestGuard
from shared.service_app import build_runtime, running
from shared.web import NO_OPENTELEMETRY, api_docs, install_common

SERVICE = "documents"


def create_app(settings: DocumentsSettings | None = None) -> FastAPI:
    settings = settings or DocumentsSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(SERVICE, settings.log_level)
        runtime = build_runtime(settings, produces=[topics.DOCUMENTS])
        app.state.runtime = runtime
        async with running(runtime):
            await parse_worker.warm_up()
            yield

    app = FastAPI(
        title="Góp Ý · documents",
        lifespan=lifespan,
        telemetry=NO_OPENTELEMETRY,
        **api_docs(settings),
    )
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(RequestGuard, rules=body_rules(settings), default=BodyRule("", 64 * KB))
    install_common(app, SERVICE, lambda: app.state.runtime.ready())
    app.include_router(admin.router)
    app.include_router(revisions.router)
    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def body_rules(settings: DocumentsSettings) -> list[BodyRule]:
    """Every state change here is staff's: identity first, then a cap fitting the route."""
    upload = settings.max_upload_bytes + 64 * KB  # the file plus the multipart envelope
    return [
        BodyRule(r"/api/documents/upload", upload),
        BodyRule(r"/api/documents/[^/]+/revisions", upload),
        BodyRule(r"/soan-thao/nhap", upload),
        BodyRule(r"/soan-thao/[^/]+/phien-ban", upload),
        BodyRule(r"/api/documents", settings.max_json_bytes),
        BodyRule(r".*", settings.max_form_bytes),
    ]
