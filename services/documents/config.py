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
