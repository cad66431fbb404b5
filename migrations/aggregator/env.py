"""Alembic environment of the aggregator service's own database."""

from shared.migrate import run_env

run_env("aggregator")
