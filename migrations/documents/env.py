"""Alembic environment of the documents service's own database: its models, its tables."""

from services.documents import models
from services.documents.config import DocumentsSettings
from shared import audit, outbox, revocation
from shared.migrate import run_env

run_env([models, outbox, audit, revocation], lambda: DocumentsSettings().database_url)
