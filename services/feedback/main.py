"""The feedback service app: lifespan, routers, error handlers; nothing else."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from services.feedback.config import FeedbackSettings
from services.feedback.consumers import catalogue_consumer
from services.feedback.intake import CommentIntake
from services.feedback.intake_catalogue import CatalogueCache
from services.feedback.limits import BodyGuard
from services.feedback.mail.service import start_mail_intake
from services.feedback.mailer import MailSender
from services.feedback.receipt_throttle import ReceiptThrottle
from services.feedback.retention import erase_personal_data
from services.feedback.routes import api, clerk, pages, receipts
from services.feedback.routes.lean import LeanApp, put_first
from shared.events import topics, utcnow
from shared.group_commit import GroupCommitter
from shared.logging import configure_logging
from shared.openapi import document_refusal
from shared.service_app import build_runtime, running, start_periodic
from shared.web import (
    NO_OPENTELEMETRY,
    api_docs,
    authenticate,
    install_common,
    plain_errors,
    validation_message,
)

SERVICE = "feedback"


def create_app(settings: FeedbackSettings | None = None) -> FastAPI:
    settings = settings or FeedbackSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(SERVICE, settings.log_level)
        runtime = build_runtime(settings, produces=[topics.COMMENTS])
        catalogue = CatalogueCache()
        runtime.consumers.append(catalogue_consumer(runtime, on_change=catalogue.forget))
        app.state.runtime = runtime
        app.state.committer = GroupCommitter(
            runtime.worker_sessions or runtime.sessions,
            max_batch=settings.group_commit_max_batch,
            after_commit=runtime.relay.notify if runtime.relay else None,
        )
        app.state.intake = CommentIntake(
            app.state.committer, runtime.sessions, settings, catalogue=catalogue
        )
        async with running(runtime):
            await app.state.intake.warm_up()
            runtime.tasks.append(asyncio.create_task(app.state.committer.run(runtime.stop)))
            start_periodic(
                runtime,
                "personal data retention",
                settings.retention_check_hours * 3600,
                lambda session: erase_personal_data(
                    session, utcnow(), settings.personal_data_months
                ),
            )
            if settings.smtp_host:
                app.state.mailer = MailSender(runtime.sessions, settings)
                runtime.tasks.append(asyncio.create_task(app.state.mailer.run(runtime.stop)))
            async with start_mail_intake(runtime, app.state.intake, settings) as mail:
                app.state.mail = mail
                yield
        await app.state.intake.close()

    app = LeanApp(
        service=SERVICE,
        title="Góp Ý · feedback",
        lifespan=lifespan,
        telemetry=NO_OPENTELEMETRY,
        **api_docs(settings),
    )
    app.add_middleware(
        BodyGuard,
        max_bytes=settings.max_body_bytes,
        staff_uploads={"/van-thu/": settings.max_letter_bytes},
        is_staff=lambda scope: authenticate(Request(scope), settings.signing_keys) is not None,
    )
    app.add_middleware(
        ReceiptThrottle,
        per_address=settings.receipt_attempts_per_minute_per_address,
        overall=settings.receipt_attempts_per_minute,
        trusted_proxies=settings.trusted_proxies,
    )
    install_common(app, SERVICE, lambda: app.state.runtime.ready())
    # What the body guard and the receipt throttle answer before any route is reached.
    document_refusal(app, 413, lambda _path, method: method in ("POST", "PUT", "PATCH"))
    document_refusal(app, 429, lambda path, _method: path.startswith(("/api/receipts", "/receipt")))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        """Like the shared handler, but says so when the text was not valid Unicode."""
        unreadable = [e for e in exc.errors() if e.get("type") == "string_unicode"]
        message = (
            "Nội dung có ký tự không đọc được (không phải văn bản UTF-8 hợp lệ)."
            if unreadable
            else validation_message(exc)
        )
        return JSONResponse({"detail": message, "errors": plain_errors(exc)}, status_code=422)

    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(receipts.router)
    app.include_router(clerk.router)
    # The two intake routes: plain requests answered ahead of the middleware stack, the
    # rest tried first by the router (routes.lean).
    for router, path in ((api.router, "/api/comments"), (pages.router, "/comments")):
        app.answer_ahead(router, path, settings.max_body_bytes)
        put_first(app, router, path, "POST")
    return app
