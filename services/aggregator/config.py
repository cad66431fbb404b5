"""Settings of the aggregator service (env prefix ``AGGREGATOR_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings, sqlite_url


class AggregatorSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="AGGREGATOR_", extra="ignore", populate_by_name=True
    )

    database_url: str = sqlite_url("aggregator")
    consumer_group: str = "aggregator"
    session_hours: float = 8.0
    login_window_minutes: int = 15
    login_max_failures_per_account: int = 5
    login_max_failures_per_ip: int = 20
    invite_valid_hours: int = 72
    api_token_days: int = 90
    personal_data_months: int = 12
    retention_check_hours: float = 6.0
