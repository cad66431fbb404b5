"""The documents service app: lifespan, routers, error handlers; nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware

from services.documents.config import DocumentsSettings
from services.documents.routes import admin, api, pages, revisions
from shared.events import topics
from shared.logging import configure_logging
from shared.service_app import build_runtime, running
from shared.web import install_common

SERVICE = "documents"


def create_app(settings: DocumentsSettings | None = None) -> FastAPI:
    settings = settings or DocumentsSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(SERVICE, settings.log_level)
        runtime = build_runtime(settings, produces=[topics.DOCUMENTS])
        app.state.runtime = runtime
        async with running(runtime):
            yield

    app = FastAPI(title="Góp Ý · documents", lifespan=lifespan)
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    install_common(app, SERVICE, lambda: app.state.runtime.ready())
    app.include_router(admin.router)
    app.include_router(revisions.router)
    app.include_router(api.router)
    app.include_router(pages.router)
    return app
