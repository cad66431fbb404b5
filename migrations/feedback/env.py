"""Alembic environment of the feedback service's own database: its models, its tables."""

from services.feedback import models
from services.feedback.config import FeedbackSettings
from shared import audit, idempotency, outbox, revocation
from shared.migrate import run_env

run_env([models, outbox, idempotency, audit, revocation], lambda: FeedbackSettings().database_url)
