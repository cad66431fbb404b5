"""Sign-in through a real OpenID Connect provider (node-oidc-provider, OpenID Certified).

The browser goes to the provider and back as it would in production; the aggregator
discovers the provider, exchanges the code, checks the ID token against the provider's
published key and reads ``userinfo``. Two ways to run it are tested: roles kept in
Góp Ý (only invited people get in) and roles sent by the provider in a claim.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from html import unescape
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from services.aggregator.accounts import oidc
from services.aggregator.accounts.models import StaffAccount
from services.aggregator.config import AggregatorSettings
from shared.audit import AuditEntry
from shared.broker import free_port
from tests.auth.oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    OidcProvider,
    callback_from_provider,
    running_provider,
    sign_in_at_provider,
)
from tests.stack import AGG, DOCS, FEEDBACK, HTML, Stack, StackFactory, running_stack

CALLBACK = f"{AGG}/dang-nhap/oidc/callback"
START = f"{AGG}/dang-nhap/oidc"
NOT_INVITED = "chưa được cấp quyền sử dụng Góp Ý"
AN = {"email": "an.nv@tinh.gov.vn", "email_verified": True, "name": "Nguyễn Văn An"}


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    with running_provider([CALLBACK], tmp_path_factory.mktemp("oidc")) as running:
        yield running


ROLES_IN_GOPY: dict[str, Any] = {}
ROLES_FROM_PROVIDER = {
    "oidc_scopes": "openid email profile roles",
    "oidc_roles_claim": "roles",
    "oidc_role_map": "gopy-admin=admin,gopy-reviewer=reviewer,gopy-clerk=clerk",
}


def client_settings(issuer: str, **extra: Any) -> dict[str, Any]:
    """The aggregator's settings for a provider at ``issuer`` and our test client there."""
    return {
        "oidc_issuer": issuer,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": CLIENT_SECRET,
        **extra,
    }


@pytest.fixture(params=["local_roles", "provider_roles"])
async def oidc_stack(
    request: pytest.FixtureRequest,
    provider: OidcProvider,
    make_stack: StackFactory,
) -> AsyncIterator[Stack]:
    """The three services signing in through the provider. ``local_roles``: roles are kept
    in Góp Ý and the provider only proves who the person is; ``provider_roles``: the
    provider governs roles through its ``roles`` claim (as a Keycloak mapper would)."""
    extra = ROLES_FROM_PROVIDER if request.param == "provider_roles" else ROLES_IN_GOPY
    provider.set_people({})
    settings = client_settings(provider.issuer, **extra)
    async with running_stack(make_stack, **settings) as stack:
        yield stack


local_roles = pytest.mark.parametrize("oidc_stack", ["local_roles"], indirect=True)
provider_roles = pytest.mark.parametrize("oidc_stack", ["provider_roles"], indirect=True)


async def accounts(stack: Stack) -> list[StaffAccount]:
    async with stack.runtime("aggregator").sessions() as session:
        return list((await session.execute(select(StaffAccount))).scalars().all())


async def me(browser: httpx.AsyncClient, service_url: str) -> httpx.Response:
    return await browser.get(f"{service_url}/api/staff/me")


@local_roles
class TestRolesKeptInGopY:
    async def test_an_invited_person_signs_in_and_every_service_accepts_the_session(
        self, oidc_stack: Stack, provider: OidcProvider
    ) -> None:
        invited = await oidc_stack.account(AN["email"], ["reviewer"])
        provider.set_people({"an-001": AN})
        browser = oidc_stack.browser()
        back = await sign_in_at_provider(browser, f"{START}?next=/tong-hop", "an-001")
        assert back.status_code == 303 and back.headers["location"].endswith("/tong-hop")
        assert "gopy_session=" in back.headers.get("set-cookie", "")
        for service in (AGG, DOCS, FEEDBACK):
            answer = await me(browser, service)
            assert answer.status_code == 200, service
            assert answer.json()["subject"] == str(invited.id)
            assert answer.json()["roles"] == ["reviewer"]
        [account] = await accounts(oidc_stack)
        assert (account.oidc_issuer, account.oidc_subject) == (provider.issuer, "an-001")
        assert account.display_name == "Nguyễn Văn An"
        assert account.password_hash is not None  # a local password still works too

    async def test_the_link_holds_when_the_address_changes_at_the_provider(
        self, oidc_stack: Stack, provider: OidcProvider
    ) -> None:
        invited = await oidc_stack.account(AN["email"], ["clerk"])
        provider.set_people({"an-001": AN})
        await sign_in_at_provider(oidc_stack.browser(), START, "an-001")
        provider.set_people({"an-001": {**AN, "email": "an.moi@tinh.gov.vn"}})
        browser = oidc_stack.browser()
        back = await sign_in_at_provider(browser, START, "an-001")
        assert back.status_code == 303
        assert (await me(browser, AGG)).json()["subject"] == str(invited.id)
        assert len(await accounts(oidc_stack)) == 1

    async def test_a_stranger_is_refused_and_nothing_is_created(
        self, oidc_stack: Stack, provider: OidcProvider
    ) -> None:
        provider.set_people({"la-001": {**AN, "email": "nguoi.la@tinh.gov.vn"}})
        browser = oidc_stack.browser()
        back = await sign_in_at_provider(browser, START, "la-001")
        assert back.status_code == 403 and NOT_INVITED in back.text
        assert "gopy_session=" not in back.headers.get("set-cookie", "")
        assert await accounts(oidc_stack) == []
        assert (await me(browser, AGG)).status_code == 401

    async def test_an_unverified_address_does_not_claim_an_invited_account(
        self, oidc_stack: Stack, provider: OidcProvider
    ) -> None:
        await oidc_stack.account(AN["email"], ["admin"])
        provider.set_people({"mao-danh": {**AN, "email_verified": False}})
        back = await sign_in_at_provider(oidc_stack.browser(), START, "mao-danh")
        assert back.status_code == 403 and NOT_INVITED in back.text
        [account] = await accounts(oidc_stack)
        assert account.oidc_subject is None

    async def test_a_disabled_account_stays_out(
        self, oidc_stack: Stack, provider: OidcProvider
    ) -> None:
        invited = await oidc_stack.account(AN["email"], ["reviewer"])
        async with oidc_stack.runtime("aggregator").sessions() as session:
            row = await session.get(StaffAccount, invited.id)
            assert row is not None
            row.active = False
            await session.commit()
        provider.set_people({"an-001": AN})
        back = await sign_in_at_provider(oidc_stack.browser(), START, "an-001")
        assert back.status_code == 403 and "đã bị khoá" in back.text
        [account] = await accounts(oidc_stack)
        assert account.oidc_subject is None  # the refusal changed nothing


@provider_roles
class TestRolesFromTheProvider:
    async def test_first_sign_in_creates_the_account_with_the_mapped_roles(
        self, oidc_stack: Stack, provider: OidcProvider
    ) -> None:
        provider.set_people({"binh": {**AN, "roles": ["gopy-reviewer", "other-app-admin"]}})
        browser = oidc_stack.browser()
        back = await sign_in_at_provider(browser, START, "binh")
        assert back.status_code == 303
        assert (await me(browser, DOCS)).json()["roles"] == ["reviewer"]
        [account] = await accounts(oidc_stack)
        assert account.roles == ["reviewer"] and account.password_hash is None
        async with oidc_stack.runtime("aggregator").sessions() as session:
            actions = (await session.execute(select(AuditEntry.action))).scalars().all()
        assert {"account.oidc_created", "account.signed_in"} <= set(actions)

    async def test_roles_changed_at_the_provider_apply_and_older_sessions_end(
        self, oidc_stack: Stack, provider: OidcProvider
    ) -> None:
        provider.set_people({"binh": {**AN, "roles": ["gopy-admin"]}})
        before = oidc_stack.browser()
        await sign_in_at_provider(before, START, "binh")
        assert (await me(before, FEEDBACK)).json()["roles"] == ["admin"]
        provider.set_people({"binh": {**AN, "roles": ["gopy-clerk"]}})
        after = oidc_stack.browser()
        assert (await sign_in_at_provider(after, START, "binh")).status_code == 303
        assert (await me(after, FEEDBACK)).json()["roles"] == ["clerk"]
        assert (await me(before, AGG)).status_code == 401  # the admin session is revoked

    async def test_no_mapped_role_means_no_entry(
        self, oidc_stack: Stack, provider: OidcProvider
    ) -> None:
        provider.set_people({"chi": {**AN, "roles": ["other-app-admin"]}})
        back = await sign_in_at_provider(oidc_stack.browser(), START, "chi")
        assert back.status_code == 403 and NOT_INVITED in back.text
        assert await accounts(oidc_stack) == []

    async def test_an_unverified_address_gets_no_account(
        self, oidc_stack: Stack, provider: OidcProvider
    ) -> None:
        provider.set_people({"dung": {**AN, "email_verified": False, "roles": ["gopy-clerk"]}})
        back = await sign_in_at_provider(oidc_stack.browser(), START, "dung")
        assert back.status_code == 403 and "đã xác minh" in back.text
        assert await accounts(oidc_stack) == []


class TestForgedAndBrokenFlows:
    @local_roles
    async def test_a_callback_without_the_browsers_own_state_is_refused(
        self, oidc_stack: Stack, provider: OidcProvider
    ) -> None:
        """Login CSRF: a code obtained by someone else cannot sign this browser in."""
        await oidc_stack.account(AN["email"], ["admin"])
        provider.set_people({"an-001": AN})
        attacker = oidc_stack.browser()
        start = await attacker.get(START)
        assert start.status_code == 302
        page = await attacker.get(start.headers["location"], follow_redirects=True)
        assert page.status_code == 200  # the provider's own login page
        victim = oidc_stack.browser()
        forged = await victim.get(CALLBACK, params={"code": "stolen", "state": "guessed"})
        assert forged.status_code == 400
        assert "không thành công" in forged.text
        assert "gopy_session=" not in forged.headers.get("set-cookie", "")
        assert (await me(victim, AGG)).status_code == 401

    @local_roles
    async def test_a_replayed_callback_is_refused(
        self, oidc_stack: Stack, provider: OidcProvider
    ) -> None:
        await oidc_stack.account(AN["email"], ["reviewer"])
        provider.set_people({"an-001": AN})
        browser = oidc_stack.browser()
        callback = await callback_from_provider(browser, START, "an-001")
        assert (await browser.get(callback)).status_code == 303
        replayed = await oidc_stack.browser().get(callback)
        assert replayed.status_code == 400
        assert (await browser.get(callback)).status_code == 400

    @local_roles
    async def test_cancelling_at_the_provider_says_so_and_signs_nobody_in(
        self, oidc_stack: Stack, provider: OidcProvider
    ) -> None:
        await oidc_stack.account(AN["email"], ["reviewer"])
        provider.set_people({"an-001": AN})
        browser = oidc_stack.browser()
        login_page = await browser.get(START, follow_redirects=True)
        cancel = re.search(r'<a href="([^"]+)">\[ Cancel \]</a>', login_page.text)
        assert cancel, "the provider's page offers to cancel"
        page = await browser.get(login_page.url.join(unescape(cancel.group(1))))
        while page.is_redirect and not page.url.path.endswith("/callback"):
            page = await browser.get(page.url.join(page.headers["location"]))
        assert page.url.params["error"] == "access_denied"
        assert page.status_code == 400 and "Bạn đã huỷ đăng nhập" in page.text
        assert (await me(browser, AGG)).status_code == 401
        [account] = await accounts(oidc_stack)
        assert account.oidc_subject is None

    async def test_an_unreachable_provider_gets_a_clear_message(
        self, make_stack: StackFactory
    ) -> None:
        dead = client_settings(f"http://127.0.0.1:{free_port()}", oidc_timeout_seconds=2)
        async with running_stack(make_stack, **dead) as stack:
            answer = await stack.browser().get(START)
        assert answer.status_code == 502
        assert "Không kết nối được tới dịch vụ đăng nhập" in answer.text


class TestTheSignInPage:
    @local_roles
    async def test_offers_the_provider_only_when_configured(
        self, oidc_stack: Stack, stack: Stack
    ) -> None:
        with_provider = await oidc_stack.browser().get(f"{AGG}/dang-nhap", headers=HTML)
        assert 'href="/dang-nhap/oidc"' in with_provider.text
        assert "Đăng nhập bằng tài khoản một cửa (SSO)" in with_provider.text
        without = await stack.browser().get(f"{AGG}/dang-nhap", headers=HTML)
        assert "/dang-nhap/oidc" not in without.text
        assert (await stack.browser().get(START)).status_code == 404

    def test_an_issuer_without_client_credentials_is_refused_at_start(self) -> None:
        with pytest.raises(ValueError, match="AGGREGATOR_OIDC_CLIENT_ID"):
            AggregatorSettings(oidc_issuer="https://sso.example.vn/realms/gopy")
        with pytest.raises(ValueError, match="unknown roles"):
            AggregatorSettings(
                oidc_issuer="https://sso.example.vn/realms/gopy",
                oidc_client_id="gopy",
                oidc_client_secret="s",
                oidc_role_map="kc-boss=superuser",
            )


class TestRoleClaims:
    """How a provider's role claim becomes our roles (pure functions, no provider)."""

    def settings(self, claim: str, role_map: str = "") -> AggregatorSettings:
        return AggregatorSettings(
            oidc_issuer="https://sso.example.vn/realms/gopy",
            oidc_client_id="gopy",
            oidc_client_secret="s",
            oidc_roles_claim=claim,
            oidc_role_map=role_map,
        )

    def test_a_keycloak_realm_role_path_with_a_map(self) -> None:
        settings = self.settings("realm_access.roles", "gopy-admin=admin, gopy-clerk=clerk")
        claims = {"realm_access": {"roles": ["offline_access", "gopy-clerk"]}}
        assert oidc.roles_from_claims(settings, claims) == {"clerk"}
        assert oidc.roles_from_claims(settings, {"realm_access": {}}) == frozenset()

    def test_without_a_map_only_our_own_role_names_count(self) -> None:
        settings = self.settings("groups")
        assert oidc.roles_from_claims(settings, {"groups": ["reviewer", "admins"]}) == {"reviewer"}
        assert oidc.roles_from_claims(settings, {"groups": "clerk"}) == {"clerk"}
        assert oidc.roles_from_claims(settings, {"groups": 7}) == frozenset()
