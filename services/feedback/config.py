"""Settings of the feedback service (env prefix ``FEEDBACK_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings, sqlite_url


class FeedbackSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FEEDBACK_", extra="ignore", populate_by_name=True)

    database_url: str = sqlite_url("feedback")
    max_comment_chars: int = 20_000
    # 20,000 Vietnamese characters take up to ~60 kB in UTF-8, ~180 kB percent-encoded.
    max_body_bytes: int = 256 * 1024
    rate_limit_per_hour: int = 20
    # Receipt-code look-ups and withdrawals (guessing a code must be slow).
    receipt_attempts_per_minute_per_address: int = 10
    receipt_attempts_per_minute: int = 300
    form_token_max_age_seconds: int = 24 * 3600

    # Outgoing acknowledgements; with no host set, mails wait in the queue until one is.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_timeout_seconds: float = 15.0
    mail_from: str = "Góp Ý <gopy@localhost>"
    mail_poll_seconds: float = 2.0
    mail_max_attempts: int = 8
    mail_retry_base_seconds: float = 30.0
    mail_retry_max_seconds: float = 3600.0
    personal_data_months: int = 12
    retention_check_hours: float = 6.0
    group_commit_max_batch: int = 200
