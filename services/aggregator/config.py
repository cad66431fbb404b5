"""Settings of the aggregator service (env prefix ``AGGREGATOR_``)."""

from __future__ import annotations

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from shared.auth import ROLES
from shared.config import ServiceSettings, sqlite_url


class AggregatorSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="AGGREGATOR_", extra="ignore", populate_by_name=True
    )

    database_url: str = sqlite_url("aggregator")
    # Where moderation requests go (the feedback service owns the comments); empty: its
    # public URL. In production, its address on the internal network.
    feedback_api_url: str = ""
    feedback_timeout_seconds: float = 10.0
    consumer_group: str = "aggregator"
    session_hours: float = 8.0
    login_window_minutes: int = 15
    login_max_failures_per_account: int = 5
    login_max_failures_per_ip: int = 20
    invite_valid_hours: int = 72
    api_token_days: int = 90
    retention_check_hours: float = 6.0

    # Sign-in through an OpenID Connect provider (Keycloak, ...) beside local passwords.
    oidc_issuer: str = ""  # e.g. https://sso.example.gov.vn/realms/gopy; empty turns it off
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid email profile"
    oidc_roles_claim: str = ""  # dotted path, e.g. realm_access.roles; empty: roles set here
    oidc_role_map: str = ""  # provider-role=role pairs, e.g. gopy-reviewer=reviewer
    oidc_button_label: str = "Đăng nhập bằng tài khoản một cửa (SSO)"
    oidc_timeout_seconds: float = 10.0

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer)

    @property
    def oidc_roles(self) -> dict[str, str]:
        """The provider's role names mapped to ours (``a=b,c=d``)."""
        pairs = (item.split("=", 1) for item in self.oidc_role_map.split(",") if "=" in item)
        return {name.strip(): role.strip() for name, role in pairs if name.strip()}

    @model_validator(mode="after")
    def _oidc_complete(self) -> AggregatorSettings:
        if self.oidc_issuer and not (self.oidc_client_id and self.oidc_client_secret):
            raise ValueError(
                "AGGREGATOR_OIDC_ISSUER is set: AGGREGATOR_OIDC_CLIENT_ID and "
                "AGGREGATOR_OIDC_CLIENT_SECRET are needed too"
            )
        unknown = set(self.oidc_roles.values()) - set(ROLES)
        if unknown:
            raise ValueError(f"AGGREGATOR_OIDC_ROLE_MAP names unknown roles: {sorted(unknown)}")
        return self
