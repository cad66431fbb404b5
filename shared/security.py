"""Browser-facing safeguards shared by the services: CSRF tokens, cookies, safe redirects.

CSRF uses a signed double-submit token: the form carries ``nonce.signature`` where the
signature (HMAC under the shared signing key) covers the nonce and a value bound to the
browser's session cookie, or before sign-in to a random ``gopy_csrf`` cookie. A forged
form cannot know the cookie, and a token from another session does not verify.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request, Response

from shared.auth import SESSION_COOKIE
from shared.config import ServiceSettings

CSRF_COOKIE = "gopy_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
CSRF_MESSAGE = "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang rồi thử lại."
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfRejected(Exception):
    """A staff form arrived without a valid CSRF token; nothing may change."""


def settings_of(request: Request) -> ServiceSettings:
    return request.app.state.runtime.settings  # type: ignore[no-any-return]


def cookie_is_secure(settings: ServiceSettings) -> bool:
    """Cookies are Secure when the deployment is served over https."""
    return settings.public_aggregator_url.lower().startswith("https://")


def _binding(request: Request) -> str:
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        return "s:" + hashlib.sha256(session.encode()).hexdigest()
    anonymous = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_cookie", "")
    if not anonymous:
        anonymous = secrets.token_urlsafe(24)
        request.state.new_csrf_cookie = anonymous  # set on the response by the middleware
    return "a:" + anonymous


def _sign(key: str, binding: str, nonce: str) -> str:
    message = f"csrf|{binding}|{nonce}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The hidden field value for a form rendered in this request (a Jinja global)."""
    nonce = secrets.token_urlsafe(12)
    keys = settings_of(request).signing_keys
    return f"{nonce}.{_sign(keys[0], _binding(request), nonce)}"


def csrf_valid(request: Request, token: str) -> bool:
    nonce, _, signature = token.partition(".")
    if not nonce or not signature:
        return False
    if not request.cookies.get(SESSION_COOKIE) and not request.cookies.get(CSRF_COOKIE):
        return False
    binding = _binding(request)
    return any(
        hmac.compare_digest(signature, _sign(k, binding, nonce))
        for k in settings_of(request).signing_keys
    )


def check_origin(request: Request) -> None:
    """Refuse a state change that a page of another site started (``Origin`` not ours)."""
    origin = request.headers.get("origin")
    if origin is None:
        return  # not sent by this browser for this request; the CSRF token decides
    ours = {_origin(u) for u in public_urls(settings_of(request))}
    ours.add(_origin(str(request.base_url)))
    if origin.strip().lower() == "null" or _origin(origin.strip()) not in ours:
        raise CsrfRejected("Yêu cầu đến từ một trang web khác nên không được thực hiện.")


async def require_csrf(request: Request) -> None:
    """Refuse an unsafe request made with cookies unless it carries a valid token."""
    if request.method not in UNSAFE_METHODS:
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return  # a script's bearer token is never sent by a browser on its own
    check_origin(request)
    token = request.headers.get(CSRF_HEADER, "")
    if not token and "form" in request.headers.get("content-type", ""):
        token = str((await request.form()).get(CSRF_FIELD, ""))
    if not csrf_valid(request, token):
        raise CsrfRejected(CSRF_MESSAGE)


CsrfProtected = Depends(require_csrf)


def set_csrf_cookie_if_new(request: Request, response: Response) -> None:
    """Called by the common middleware: give an anonymous browser its CSRF binding."""
    value = getattr(request.state, "new_csrf_cookie", "")
    if value:
        response.set_cookie(
            CSRF_COOKIE,
            value,
            httponly=True,
            samesite="lax",
            secure=cookie_is_secure(settings_of(request)),
            path="/",
        )


def set_session_cookie(response: Response, settings: ServiceSettings, token: str, ttl: int) -> None:
    """The one sign-in cookie every service reads (host-only, so shared across ports)."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=ttl,
        httponly=True,
        samesite="lax",
        secure=cookie_is_secure(settings),
        path="/",
    )


def clear_session_cookie(response: Response, settings: ServiceSettings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=cookie_is_secure(settings)
    )


def public_urls(settings: ServiceSettings) -> list[str]:
    return [
        settings.public_documents_url,
        settings.public_feedback_url,
        settings.public_aggregator_url,
    ]


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def safe_next(target: str, settings: ServiceSettings, default: str = "/") -> str:
    """Where to go after sign-in: a local path, or a page of one of our own services."""
    target = (target or "").strip()
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return default
    if target.startswith("/") and not target.startswith("//"):
        return target
    if _origin(target) in {_origin(u) for u in public_urls(settings)}:
        return target
    return default


def own_public_url(settings: ServiceSettings) -> str:
    """This service's public URL, named after its settings class (DocumentsSettings, ...)."""
    name = type(settings).__name__.removesuffix("Settings").lower()
    return str(getattr(settings, f"public_{name}_url", "") or "")


def login_url(request: Request) -> str:
    """The aggregator's sign-in page, asking to come back here afterwards."""
    settings = settings_of(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    own = own_public_url(settings).rstrip("/")
    aggregator = settings.public_aggregator_url.rstrip("/")
    back = here if _origin(own) == _origin(aggregator) else own + here
    return f"{aggregator}/dang-nhap?next={quote(back, safe='')}"


def wants_html(request: Request) -> bool:
    """A browser asking for a page (redirect it) rather than a script (answer JSON)."""
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )
