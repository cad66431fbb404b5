"""The feedback service app: lifespan, routers, error handlers; nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.feedback.config import FeedbackSettings
from services.feedback.consumers import catalogue_consumer
from services.feedback.routes import api, pages
from shared.events import topics
from shared.logging import configure_logging
from shared.service_app import build_runtime, running
from shared.web import install_common

SERVICE = "feedback"


def create_app(settings: FeedbackSettings | None = None) -> FastAPI:
    settings = settings or FeedbackSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(SERVICE, settings.log_level)
        runtime = build_runtime(settings, produces=[topics.COMMENTS])
        runtime.consumers.append(catalogue_consumer(runtime))
        app.state.runtime = runtime
        async with running(runtime):
            yield

    app = FastAPI(title="Góp Ý · feedback", lifespan=lifespan)
    install_common(app, SERVICE, lambda: app.state.runtime.ready())
    app.include_router(api.router)
    app.include_router(pages.router)
    return app
