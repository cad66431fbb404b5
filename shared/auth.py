"""Staff identity shared by the three services: signed tokens that each service verifies.

Tokens are JWTs signed with HS256 under a key id (``kid``); the first configured key
signs and every configured key verifies, so a key can be rotated without a flag day.
No service reads another's tables to check a token: revocations reach each service
as events (``staff.v1``, see ``shared.revocation``).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import jwt

from shared.events import utcnow

ROLES = ("admin", "reviewer", "clerk")
ROLE_LABELS = {"admin": "Quản trị", "reviewer": "Tổng hợp, biên tập", "clerk": "Văn thư"}
ISSUER = "gopy"
SESSION_COOKIE = "gopy_session"


def key_id(secret: str) -> str:
    """A short public fingerprint of a key, carried in the token header."""
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


def token_digest(token: str) -> str:
    """What the aggregator stores of an API token: enough to recognise it, never to replay it."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Staff:
    """Who is acting: the subject (account id or ``token:...``) and the roles they hold."""

    subject: str
    roles: frozenset[str] = field(default_factory=frozenset)
    token_id: str = ""
    kind: str = "session"
    epoch: int = 0
    name: str = ""
    expires_at: int = 0

    def has(self, role: str) -> bool:
        return role in self.roles or "admin" in self.roles

    @property
    def label(self) -> str:
        """How audit lines and pages name the person: their name, else the subject."""
        return self.name or self.subject


class InvalidToken(Exception):
    """The token is missing, tampered with, expired, or signed with an unknown key."""


def issue_token(
    keys: list[str],
    subject: str,
    roles: list[str] | tuple[str, ...] | frozenset[str],
    *,
    ttl: timedelta,
    kind: str = "session",
    epoch: int = 0,
    name: str = "",
    token_id: str | None = None,
) -> str:
    """Sign a token with the newest key; ``epoch`` lets sign-out-everywhere revoke it later."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    now = utcnow()
    claims = {
        "iss": ISSUER,
        "sub": subject,
        "roles": sorted(set(roles)),
        "kind": kind,
        "jti": token_id or uuid.uuid4().hex,
        "ep": epoch,
        "name": name,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(claims, keys[0], algorithm="HS256", headers={"kid": key_id(keys[0])})


def verify_token(keys: list[str], token: str) -> Staff:
    """Check signature, issuer and expiry under any configured key; revocation is checked apart."""
    try:
        header = jwt.get_unverified_header(token)
        by_id = {key_id(k): k for k in keys}
        secret = by_id.get(str(header.get("kid", "")))
        if secret is None:
            raise InvalidToken("unknown signing key")
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            issuer=ISSUER,
            options={"require": ["exp", "sub", "jti"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    roles = frozenset(r for r in claims.get("roles", []) if r in ROLES)
    return Staff(
        subject=str(claims["sub"]),
        roles=roles,
        token_id=str(claims["jti"]),
        kind=str(claims.get("kind", "session")),
        epoch=int(claims.get("ep", 0) or 0),
        name=str(claims.get("name", "") or ""),
        expires_at=int(claims["exp"]),
    )
