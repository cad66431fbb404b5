"""Alembic environment of the documents service's own database."""

from shared.migrate import run_env

run_env("documents")
