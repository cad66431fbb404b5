"""Settings of the documents service (env prefix ``DOCUMENTS_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings, sqlite_url


class DocumentsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="DOCUMENTS_", extra="ignore", populate_by_name=True
    )

    database_url: str = sqlite_url("documents")
    max_upload_bytes: int = 10 * 1024 * 1024
    # JSON import (POST /api/documents): the text of a draft, escaped; generous but bounded.
    max_json_bytes: int = 16 * 1024 * 1024
    # Any other staff form or JSON call (open, close, contacts, ...).
    max_form_bytes: int = 64 * 1024
    # What a .docx may inflate to before it is parsed, and how long a parse may take.
    max_inflated_bytes: int = 64 * 1024 * 1024
    max_inflated_member_bytes: int = 48 * 1024 * 1024
    max_zip_members: int = 2000
    parse_timeout_seconds: float = 60.0
    parse_memory_bytes: int = 1024 * 1024 * 1024
