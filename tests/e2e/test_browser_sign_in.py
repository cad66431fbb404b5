"""A reviewer in headless Chromium signs in through the OpenID Connect provider: the
aggregator under real uvicorn, node-oidc-provider, the real broker. The redirects, the
SameSite=Lax state cookie and the provider's own pages are what a browser really does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.auth.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider, running_provider
from tests.e2e.browser import PHONE, SHOTS, fits_the_screen, needs_chromium, serious_violations
from tests.stack import ServiceProcess, StackFactory

pytestmark = needs_chromium


@pytest.fixture
def signed_in_setup(
    make_stack: StackFactory, tmp_path: Path
) -> Iterator[tuple[ServiceProcess, OidcProvider]]:
    """The aggregator, its public URL known before start so the provider can name its
    redirect URI; roles come from the provider's ``roles`` claim."""
    stack = make_stack()
    aggregator = stack.processes["aggregator"]
    callback = f"{aggregator.url}/dang-nhap/oidc/callback"
    with running_provider([callback], tmp_path) as provider:
        provider.set_people(
            {
                "lan-ttbvk": {
                    "email": "lan.tt@tinh.gov.vn",
                    "email_verified": True,
                    "name": "Trần Thị Lan",
                    "roles": ["gopy-reviewer"],
                }
            }
        )
        stack.env.update(
            AGGREGATOR_OIDC_ISSUER=provider.issuer,
            AGGREGATOR_OIDC_CLIENT_ID=CLIENT_ID,
            AGGREGATOR_OIDC_CLIENT_SECRET=CLIENT_SECRET,
            AGGREGATOR_OIDC_SCOPES="openid email profile roles",
            AGGREGATOR_OIDC_ROLES_CLAIM="roles",
            AGGREGATOR_OIDC_ROLE_MAP="gopy-reviewer=reviewer",
        )
        stack.start("aggregator")
        try:
            yield aggregator, provider
        finally:
            stack.stop("aggregator")


async def test_a_reviewer_signs_in_through_the_provider_on_a_phone(
    signed_in_setup: tuple[ServiceProcess, OidcProvider], browser: Any
) -> None:
    aggregator, _provider = signed_in_setup
    context = await browser.new_context(viewport=PHONE, locale="vi-VN", bypass_csp=True)
    page = await context.new_page()
    await page.goto(f"{aggregator.url}/tong-hop")
    await page.wait_for_url("**/dang-nhap?next=*")  # the workspace asks for a sign-in first
    assert await fits_the_screen(page)
    assert await serious_violations(page) == []
    await page.screenshot(path=str(SHOTS / "08-sign-in-sso-phone.png"), full_page=True)

    await page.get_by_role("link", name="Đăng nhập bằng tài khoản một cửa (SSO)").click()
    await page.locator("input[name=login]").fill("lan-ttbvk")  # the provider's own page
    await page.locator("input[name=password]").fill("mat-khau-o-nha-cung-cap")
    await page.get_by_role("button", name="Sign-in").click()
    await page.get_by_role("button", name="Continue").click()  # the provider's consent

    await page.wait_for_url(f"{aggregator.url}/tong-hop")
    assert await page.get_by_text("Trần Thị Lan").is_visible()
    cookies = {c["name"]: c for c in await context.cookies(aggregator.url)}
    assert cookies["gopy_session"]["httpOnly"]
    assert "gopy_oidc" not in cookies  # the sign-in's state is gone once used
    await context.close()
