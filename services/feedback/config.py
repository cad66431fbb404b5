"""Settings of the feedback service (env prefix ``FEEDBACK_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings, sqlite_url


class FeedbackSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FEEDBACK_", extra="ignore", populate_by_name=True)

    database_url: str = sqlite_url("feedback")
    max_comment_chars: int = 20_000
    max_body_bytes: int = 256 * 1024
