"""Settings common to every service, read from environment variables.

Each service subclasses ``ServiceSettings`` with its own env prefix (``FEEDBACK_``, ...);
the fields that every service must agree on (broker, signing keys) are read from
unprefixed variables so that one value configures the whole deployment.
"""

from __future__ import annotations

from functools import lru_cache
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.events.personal import PERSONAL_DATA_MONTHS

VAR_DIR = Path("var")
DEV_SECRET = "dev-only-secret-change-me-in-production-0123456789"


def sqlite_url(name: str) -> str:
    """The zero-setup database of ``make run``: one SQLite file per service under var/."""
    return f"sqlite+aiosqlite:///{VAR_DIR / (name + '.db')}"


class ServiceSettings(BaseSettings):
    """What every service needs: its database, the broker, the shared signing key."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    database_url: str = ""
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092",
        validation_alias=AliasChoices("kafka_bootstrap_servers", "KAFKA_BOOTSTRAP_SERVERS"),
    )
    kafka_recreate_mismatched_topics: bool = Field(
        default=True,
        validation_alias=AliasChoices(
            "kafka_recreate_mismatched_topics", "KAFKA_RECREATE_MISMATCHED_TOPICS"
        ),
        description="Re-create a topic whose partition count is not ours (dev broker only).",
    )
    topic_prefix: str = Field(
        default="", validation_alias=AliasChoices("topic_prefix", "KAFKA_TOPIC_PREFIX")
    )
    auth_secret_keys: str = Field(
        default=DEV_SECRET,
        validation_alias=AliasChoices("auth_secret_keys", "AUTH_SECRET_KEYS"),
        description="Comma-separated signing keys, newest first; older ones still verify.",
    )
    public_documents_url: str = Field(
        default="http://127.0.0.1:8001",
        validation_alias=AliasChoices("public_documents_url", "PUBLIC_DOCUMENTS_URL"),
    )
    public_feedback_url: str = Field(
        default="http://127.0.0.1:8002",
        validation_alias=AliasChoices("public_feedback_url", "PUBLIC_FEEDBACK_URL"),
    )
    public_aggregator_url: str = Field(
        default="http://127.0.0.1:8003",
        validation_alias=AliasChoices("public_aggregator_url", "PUBLIC_AGGREGATOR_URL"),
    )
    timezone: str = Field(
        default="Asia/Ho_Chi_Minh",
        validation_alias=AliasChoices("timezone", "GOPY_TIMEZONE"),
        description="The zone of deadlines and shown times (shared.text.LOCAL_TZ).",
    )
    personal_data_months: int = Field(
        default=PERSONAL_DATA_MONTHS,
        validation_alias=AliasChoices("personal_data_months", "PERSONAL_DATA_MONTHS"),
        description="One value for feedback and the aggregator: both erase on the same day.",
    )
    relay_interval_seconds: float = 0.2
    # Under load a relay round starts at most this often, so one round carries many commits'
    # rows (at most ``relay_interval_seconds``).
    relay_linger_seconds: float = 0.05
    # The outbox relay in a child process of its own (``shared.relay_process``), on
    # PostgreSQL; SQLite keeps it in the service's process.
    relay_in_own_process: bool = False
    commit_timeout_seconds: float = 10.0
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("log_level", "LOG_LEVEL"))
    environment: str = Field(
        default="development",
        validation_alias=AliasChoices("environment", "GOPY_ENV"),
        description="'development' (make run, tests) or 'production' (the Docker image).",
    )
    trusted_proxies: str = Field(
        default="",
        validation_alias=AliasChoices("trusted_proxies", "TRUSTED_PROXIES"),
        description="Comma-separated IPs/CIDRs of our reverse proxies; only they may "
        "set X-Forwarded-For.",
    )
    metrics_token: str = Field(
        default="",
        validation_alias=AliasChoices("metrics_token", "METRICS_TOKEN"),
        description="Bearer token that opens /metrics from outside loopback; empty: loopback only.",
    )
    api_docs: bool = Field(
        default=False,
        validation_alias=AliasChoices("api_docs", "GOPY_API_DOCS"),
        description="Serve /docs and /openapi.json (off by default: not public).",
    )

    @model_validator(mode="after")
    def _no_development_key_outside_development(self) -> ServiceSettings:
        """The development key is public (it is in this file): refuse it where it matters."""
        if DEV_SECRET in self.signing_keys and not self.is_loopback_development:
            raise ValueError(
                "AUTH_SECRET_KEYS is not set (or still holds the development key): set a long "
                "random key. The development key is only accepted for a development run whose "
                "public URLs are all http://127.0.0.1 or http://localhost (or *.test)."
            )
        return self

    @property
    def is_loopback_development(self) -> bool:
        """A ``make run`` on one's own machine: development mode, every URL on loopback."""
        if self.environment.strip().lower() != "development":
            return False
        urls = [self.public_documents_url, self.public_feedback_url, self.public_aggregator_url]
        return all(_is_loopback_http(u) for u in urls)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        """An unknown zone stops the service at start, not at the first deadline shown."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone: {value}") from exc
        return value

    @property
    def signing_keys(self) -> list[str]:
        """Signing keys, newest first (the first signs, all verify) so a key can be rotated."""
        return list(_split_keys(self.auth_secret_keys))


@lru_cache(maxsize=16)
def _split_keys(value: str) -> tuple[str, ...]:
    """Read on every comment (its address is counted under a keyed hash): split once per
    value, not per request (issue 15)."""
    return tuple(k.strip() for k in value.split(",") if k.strip())


def _is_loopback_http(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "http" or not host:
        return False
    # names reserved by RFC 6761 that never resolve on the internet: test set-ups only
    if host == "localhost" or host.endswith((".localhost", ".test")):
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False
