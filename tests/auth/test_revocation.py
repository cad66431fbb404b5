"""Sign-out, sign-out everywhere and token revocation reach the other services via staff.v1."""

from __future__ import annotations

import asyncio
import os
import sys

import httpx
from sqlalchemy import select

from services.aggregator.accounts.models import ApiToken
from services.documents.main import create_app as create_documents
from shared.auth import token_digest
from tests.helpers import ROOT, eventually
from tests.stack import AGG, DOCS, FEEDBACK, KEYS, PortRouter, Stack, csrf_from, sign_in


async def _status(url: str, token: str, client: httpx.AsyncClient) -> int:
    """A request carrying ``token`` as a copied cookie would (or a bearer header)."""
    answer = await client.get(url, headers={"Authorization": f"Bearer {token}"})
    return answer.status_code


async def _refused_everywhere(stack: Stack, token: str) -> None:
    probe = stack.browser()
    for url in (DOCS, FEEDBACK, AGG):
        await eventually(
            lambda u=url: _status(f"{u}/api/staff/me", token, probe), lambda s: s == 401
        )


class TestSignOut:
    async def test_a_signed_out_cookie_is_refused_by_every_service(self, stack: Stack) -> None:
        await stack.account("bientap@tinh.gov.vn", ["reviewer"])
        browser = stack.browser()
        await sign_in(browser, "bientap@tinh.gov.vn")
        stolen = browser.cookies["gopy_session"]
        assert await _status(f"{FEEDBACK}/api/staff/me", stolen, stack.browser()) == 200
        form = await browser.get(f"{AGG}/dang-nhap")
        out = await browser.post(f"{AGG}/dang-xuat", data={"csrf_token": csrf_from(form.text)})
        assert out.status_code == 303 and "gopy_session" not in browser.cookies
        await _refused_everywhere(stack, stolen)

    async def test_an_admin_signs_a_person_out_everywhere_and_a_new_sign_in_works(
        self, stack: Stack
    ) -> None:
        await stack.account("admin@tinh.gov.vn", ["admin"])
        person = await stack.account("vanthu@tinh.gov.vn", ["clerk"])
        laptop, phone, admin = stack.browser(), stack.browser(), stack.browser()
        await sign_in(laptop, "vanthu@tinh.gov.vn")
        await sign_in(phone, "vanthu@tinh.gov.vn")
        sessions = [laptop.cookies["gopy_session"], phone.cookies["gopy_session"]]
        await sign_in(admin, "admin@tinh.gov.vn")
        page = await admin.get(f"{AGG}/quan-tri/nhan-su")
        answer = await admin.post(
            f"{AGG}/quan-tri/nhan-su/{person.id}/dang-xuat",
            data={"csrf_token": csrf_from(page.text)},
        )
        assert answer.status_code == 303
        for token in sessions:
            await _refused_everywhere(stack, token)
        fresh = stack.browser()
        await sign_in(fresh, "vanthu@tinh.gov.vn")
        assert (await fresh.get(f"{DOCS}/api/staff/me")).status_code == 200

    async def test_a_role_change_revokes_the_old_session(self, stack: Stack) -> None:
        await stack.account("admin@tinh.gov.vn", ["admin"])
        person = await stack.account("nguoi@tinh.gov.vn", ["reviewer"])
        user, admin = stack.browser(), stack.browser()
        await sign_in(user, "nguoi@tinh.gov.vn")
        old = user.cookies["gopy_session"]
        await sign_in(admin, "admin@tinh.gov.vn")
        page = await admin.get(f"{AGG}/quan-tri/nhan-su")
        answer = await admin.post(
            f"{AGG}/quan-tri/nhan-su/{person.id}",
            data={"roles": ["clerk"], "active": "1", "csrf_token": csrf_from(page.text)},
        )
        assert answer.status_code == 303
        await _refused_everywhere(stack, old)
        await sign_in(user, "nguoi@tinh.gov.vn")
        assert (await user.get(f"{FEEDBACK}/api/staff/me")).json()["roles"] == ["clerk"]


async def _cli(env: dict[str, str], *args: str, stdin: bytes | None = None) -> str:
    """What ``python -m services.aggregator ARGS`` prints, given ``stdin`` if any."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.aggregator",
        *args,
        cwd=ROOT,
        env={**os.environ, **env},
        stdin=asyncio.subprocess.PIPE if stdin is not None else None,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate(stdin)
    assert process.returncode == 0, err.decode()
    return out.decode().strip()


class TestApiTokens:
    async def test_a_cli_token_works_everywhere_is_stored_hashed_and_can_be_revoked(
        self, stack: Stack
    ) -> None:
        env = {
            "AGGREGATOR_DATABASE_URL": stack.settings("aggregator").database_url,
            "AUTH_SECRET_KEYS": KEYS,
        }
        token = await _cli(env, "create-token", "--role", "reviewer", "--name", "bao-cao")
        probe = stack.browser()
        for url in (DOCS, FEEDBACK, AGG):
            assert await _status(f"{url}/api/staff/me", token, probe) == 200
        async with stack.runtime("aggregator").sessions() as session:
            row = (await session.execute(select(ApiToken))).scalars().one()
        assert row.token_digest == token_digest(token) and token not in row.model_dump_json()

        await stack.account("admin@tinh.gov.vn", ["admin"])
        admin = stack.browser()
        await sign_in(admin, "admin@tinh.gov.vn")
        page = await admin.get(f"{AGG}/quan-tri/nhan-su")
        assert "bao-cao" in page.text
        answer = await admin.post(
            f"{AGG}/quan-tri/ma-truy-cap/{row.id}/thu-hoi",
            data={"csrf_token": csrf_from(page.text)},
        )
        assert answer.status_code == 303
        await _refused_everywhere(stack, token)

        # a documents instance started afterwards learns the revocation from the topic alone
        late = create_documents(stack.settings("documents"))
        async with late.router.lifespan_context(late):
            client = httpx.AsyncClient(transport=PortRouter({"documents": late}))
            async with client:
                await eventually(
                    lambda: _status(f"{DOCS}/api/staff/me", token, client), lambda s: s == 401
                )

    async def test_create_admin_reads_the_password_from_stdin(self, stack: Stack) -> None:
        env = {
            "AGGREGATOR_DATABASE_URL": stack.settings("aggregator").database_url,
            "AUTH_SECRET_KEYS": KEYS,
        }
        out = await _cli(
            env,
            "create-admin",
            "--email",
            "Truong-Ban@tinh.gov.vn",
            "--password-stdin",
            stdin=b"mat-khau-quan-tri-1\n",
        )
        assert "truong-ban@tinh.gov.vn" in out
        browser = stack.browser()
        assert (
            await sign_in(browser, "truong-ban@tinh.gov.vn", "mat-khau-quan-tri-1")
        ).status_code == 303
        assert (await browser.get(f"{AGG}/quan-tri/nhan-su")).status_code == 200
