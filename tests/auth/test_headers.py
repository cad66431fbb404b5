"""Security headers on every page of every service; staff answers are never cached."""

from __future__ import annotations

import pytest

from tests.stack import AGG, DOCS, FEEDBACK, HTML, Stack, sign_in


@pytest.mark.parametrize("path", ["/healthz", "/", "/dang-nhap", "/khong-co-trang-nay"])
async def test_every_answer_of_every_service_carries_the_security_headers(
    stack: Stack, path: str
) -> None:
    browser = stack.browser()
    for base in (DOCS, FEEDBACK, AGG):
        answer = await browser.get(base + path, headers=HTML)
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert "unsafe-inline" not in script_src
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "same-origin"
        assert answer.headers["x-content-type-options"] == "nosniff"


async def test_staff_answers_are_not_cached(stack: Stack) -> None:
    await stack.account("admin@tinh.gov.vn", ["admin"])
    browser = stack.browser()
    login_page = await browser.get(f"{AGG}/dang-nhap")
    assert "gopy_csrf=" in login_page.headers["set-cookie"]
    assert "HttpOnly" in login_page.headers["set-cookie"]
    await sign_in(browser, "admin@tinh.gov.vn")
    for url in (f"{AGG}/quan-tri/nhan-su", f"{DOCS}/api/staff/me", f"{FEEDBACK}/api/staff/me"):
        assert (await browser.get(url)).headers["cache-control"] == "no-store"
