"""The aggregator app: lifespan, routers, error handlers; nothing else."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from services.aggregator.accounts import admin as accounts_admin
from services.aggregator.accounts import oidc
from services.aggregator.accounts import routes as accounts_routes
from services.aggregator.clustering import Clusterer
from services.aggregator.config import AggregatorSettings
from services.aggregator.consumers import projection_consumer
from services.aggregator.retention import erase_display_names
from services.aggregator.routes import api, moderation, pages, workspace
from shared.events import topics, utcnow
from shared.logging import configure_logging
from shared.request_guard import KB, MB, BodyRule, RequestGuard
from shared.security import cookie_is_secure
from shared.service_app import build_runtime, running, start_periodic
from shared.web import NO_OPENTELEMETRY, api_docs, install_common

SERVICE = "aggregator"
# how often the clusterer looks for comments without a cluster besides being woken by its
# own consumer's commits (another instance's comments, a chunk that failed)
CLUSTER_INTERVAL_SECONDS = 1.0

# Sign-in, sign-out and setting a password are the only bodies anonymous callers send
# here; every other state change is staff's, checked before its body is read.
BODY_RULES = [
    BodyRule(r"/dang-nhap(/.*)?", 16 * KB, staff=False),
    BodyRule(r"/dang-xuat", 16 * KB, staff=False),
    BodyRule(r"/dang-xuat-moi-noi", 16 * KB, staff=False),
    BodyRule(r"/dat-mat-khau/[^/]+", 16 * KB, staff=False),
    BodyRule(r"/quan-tri(/.*)?", 64 * KB),
]


def create_app(settings: AggregatorSettings | None = None) -> FastAPI:
    settings = settings or AggregatorSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(SERVICE, settings.log_level)
        runtime = build_runtime(settings, produces=[topics.STAFF])
        clusterer = Clusterer(runtime.sessions, CLUSTER_INTERVAL_SECONDS)
        runtime.consumers.append(projection_consumer(runtime, settings.consumer_group, clusterer))
        app.state.runtime = runtime
        async with running(runtime):
            runtime.tasks.append(asyncio.create_task(clusterer.run(runtime.stop)))
            start_periodic(
                runtime,
                "display name retention",
                settings.retention_check_hours * 3600,
                lambda session: erase_display_names(
                    session, utcnow(), settings.personal_data_months
                ),
            )
            yield

    app = FastAPI(
        title="Góp Ý · aggregator",
        lifespan=lifespan,
        telemetry=NO_OPENTELEMETRY,
        **api_docs(settings),
    )
    app.add_middleware(RequestGuard, rules=BODY_RULES, default=BodyRule(r".*", 1 * MB))
    install_common(app, SERVICE, lambda: app.state.runtime.ready())
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(workspace.router)
    app.include_router(moderation.router)
    app.mount(
        "/tong-hop/tai-nguyen",
        StaticFiles(directory=str(Path(__file__).parent / "static")),
        name="workspace-static",
    )
    app.include_router(accounts_routes.router)
    app.include_router(accounts_admin.router)
    _install_oidc(app, settings)
    return app


def _install_oidc(app: FastAPI, settings: AggregatorSettings) -> None:
    """Sign-in through an OpenID Connect provider, when one is configured.

    The state, nonce and PKCE verifier of a sign-in in progress live in a signed cookie
    scoped to ``/dang-nhap`` for ten minutes; ``Lax`` lets it come back on the
    provider's redirect.
    """
    app.state.oidc = oidc.build_client(settings)
    if app.state.oidc is not None:
        app.add_middleware(
            SessionMiddleware,
            secret_key=settings.signing_keys[0],
            session_cookie=oidc.STATE_COOKIE,
            max_age=oidc.STATE_MAX_AGE_SECONDS,
            path="/dang-nhap",
            same_site="lax",
            https_only=cookie_is_secure(settings),
        )
