"""Alembic environment of the feedback service's own database."""

from shared.migrate import run_env

run_env("feedback")
