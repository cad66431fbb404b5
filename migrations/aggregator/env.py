"""Alembic environment of the aggregator's own database: its models, its tables."""

from services.aggregator import models
from services.aggregator.accounts import models as accounts
from services.aggregator.config import AggregatorSettings
from shared import audit, idempotency, outbox, revocation
from shared.migrate import run_env

run_env(
    [models, accounts, outbox, idempotency, audit, revocation],
    lambda: AggregatorSettings().database_url,
)
