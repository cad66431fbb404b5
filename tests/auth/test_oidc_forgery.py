"""A forged ID token never signs anyone in: signed by another key, naming another issuer,
meant for another client, or carrying another sign-in's nonce. The same provider's honest
token signs the same person in, so each refusal is the check's doing, not a broken setup."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from services.aggregator.accounts.models import StaffAccount
from services.aggregator.accounts.routes import PROVIDER_FAILED
from tests.auth.forging_provider import FORGERIES, PERSON, ForgingProvider, forging_provider
from tests.stack import AGG, Stack, StackFactory, running_stack

CLIENT_ID = "gop-y-aggregator"


@pytest.fixture
async def provider() -> AsyncIterator[ForgingProvider]:
    async with forging_provider(CLIENT_ID) as running:
        yield running


@pytest.fixture
async def stack(make_stack: StackFactory, provider: ForgingProvider) -> AsyncIterator[Stack]:
    settings = {
        "oidc_issuer": provider.issuer,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": "forging-provider-secret",
    }
    async with running_stack(make_stack, **settings) as running:
        await running.account(str(PERSON["email"]), ["reviewer"])
        yield running


async def _sign_in(stack: Stack) -> tuple[int, str, int]:
    """Through the provider and back: (callback status, callback page, /api/staff/me status)."""
    browser = stack.browser()
    to_provider = await browser.get(f"{AGG}/dang-nhap/oidc")
    assert to_provider.status_code == 302, to_provider.text
    back = await browser.get(to_provider.headers["location"])
    assert back.status_code == 302 and back.headers["location"].startswith(AGG)
    landed = await browser.get(back.headers["location"])
    me = await browser.get(f"{AGG}/api/staff/me")
    return landed.status_code, landed.text, me.status_code


async def _linked(stack: Stack) -> list[str | None]:
    async with stack.runtime("aggregator").sessions() as session:
        return [a.oidc_subject for a in (await session.execute(select(StaffAccount))).scalars()]


async def test_each_forged_token_is_refused_and_the_honest_one_accepted(
    stack: Stack, provider: ForgingProvider
) -> None:
    """One stack for the five sign-ins (each a fresh browser): starting one takes seconds."""
    for n, forgery in enumerate(FORGERIES, start=1):
        provider.forgery = forgery
        status, page, me = await _sign_in(stack)
        # the exchange happened: the token itself was refused
        assert provider.tokens_issued == n, forgery
        assert status == 400 and PROVIDER_FAILED in page, forgery
        assert me == 401, forgery
        assert await _linked(stack) == [None], forgery  # the invited account stays unlinked
    provider.forgery = None
    status, _page, me = await _sign_in(stack)
    assert status == 303 and me == 200
    assert await _linked(stack) == [PERSON["sub"]]
