"""An OpenID Connect provider that signs the ID token it is told to: the honest one, or a
forgery (another key, another issuer, another audience, another nonce).

A certified provider never forges, so the aggregator's refusals of forged tokens can only be
shown by one that does. It speaks just enough of the protocol for a code flow: discovery,
authorize (straight back with a code, nobody to sign in), token, JWKS and userinfo, under
real uvicorn on a free port in the test's own event loop.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse
from joserfc import jwt
from joserfc.jwk import RSAKey

from shared.broker import free_port

FORGERIES = ("another_key", "another_issuer", "another_audience", "another_nonce")
PERSON = {"sub": "ktv-042", "email": "hoa.lt@tinh.gov.vn", "email_verified": True}


@dataclass
class ForgingProvider:
    issuer: str
    client_id: str
    forgery: str | None = None
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "k1"}))
    # an attacker's key under the same key id: only the signature can tell them apart
    other_key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "k1"}))
    nonces: dict[str, str] = field(default_factory=dict)
    tokens_issued: int = 0

    def id_token(self, code: str) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            **PERSON,
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonces.pop(code),
            "name": "Lê Thị Hoa",
        }
        if self.forgery == "another_issuer":
            claims["iss"] = "http://127.0.0.1:1/realms/ke-gia-mao"
        elif self.forgery == "another_audience":
            claims["aud"] = "mot-ung-dung-khac"
        elif self.forgery == "another_nonce":
            claims["nonce"] = secrets.token_urlsafe(16)
        key = self.other_key if self.forgery == "another_key" else self.key
        self.tokens_issued += 1
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        async def discovery() -> dict[str, Any]:
            return {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
            }

        @app.get("/authorize")
        async def authorize(request: Request) -> RedirectResponse:
            params = request.query_params
            code = secrets.token_urlsafe(16)
            self.nonces[code] = params.get("nonce", "")
            back = urlencode({"code": code, "state": params.get("state", "")})
            return RedirectResponse(f"{params['redirect_uri']}?{back}", status_code=302)

        @app.post("/token")
        async def token(code: str = Form(...)) -> JSONResponse:
            return JSONResponse(
                {
                    "access_token": secrets.token_urlsafe(24),
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": self.id_token(code),
                }
            )

        @app.get("/jwks")
        async def jwks() -> dict[str, Any]:
            return {"keys": [self.key.as_dict(private=False)]}

        @app.get("/userinfo")
        async def userinfo() -> dict[str, Any]:
            return {**PERSON, "name": "Lê Thị Hoa"}

        return app


@asynccontextmanager
async def forging_provider(client_id: str) -> AsyncIterator[ForgingProvider]:
    """The provider under uvicorn in this event loop, on a free port, until the block ends."""
    port = free_port()
    provider = ForgingProvider(issuer=f"http://127.0.0.1:{port}", client_id=client_id)
    config = uvicorn.Config(provider.app(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 20
    while not server.started:
        assert not task.done(), "the forging provider did not start"
        assert time.monotonic() < deadline, "the forging provider did not start in 20 s"
        await asyncio.sleep(0.05)
    try:
        yield provider
    finally:
        server.should_exit = True
        await task
