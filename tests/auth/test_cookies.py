"""Cookie flags and redirect targets, checked without a running service."""

from __future__ import annotations

import pytest
from fastapi import Response

from services.aggregator.config import AggregatorSettings
from shared.security import safe_next, set_session_cookie


def test_the_session_cookie_is_secure_when_served_over_https() -> None:
    response = Response()
    settings = AggregatorSettings(
        public_aggregator_url="https://gopy.tinh.gov.vn",
        auth_secret_keys="a-real-key-for-an-https-deployment-0123456789abcdef",
    )
    set_session_cookie(response, settings, "token", 8 * 3600)
    cookie = response.headers["set-cookie"]
    for flag in (
        "gopy_session=token",
        "HttpOnly",
        "Secure",
        "SameSite=lax",
        "Path=/",
        "Max-Age=28800",
    ):
        assert flag in cookie


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/d/123?x=1", "/d/123?x=1"),
        ("http://127.0.0.1:8001/api/documents", "http://127.0.0.1:8001/api/documents"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("http://127.0.0.1:9999/", "/"),
        ("", "/"),
    ],
)
def test_only_our_own_pages_are_followed_after_sign_in(target: str, expected: str) -> None:
    assert safe_next(target, AggregatorSettings()) == expected
