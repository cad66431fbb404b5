"""Every staff page and API refuses strangers and the wrong roles; one sign-in serves all."""

from __future__ import annotations

import re
import uuid
from urllib.parse import unquote

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from tests.stack import AGG, DOCS, FEEDBACK, HTML, URL, Stack, csrf_from, sign_in

DRAFT = "DỰ THẢO BÁO CÁO\n\nI. KẾT QUẢ\n\n1. Kinh tế\n\nTăng trưởng khá.\n"
# a role that does NOT satisfy the requirement (admin satisfies every role)
WRONG_ROLE = {"admin": ["reviewer", "clerk"], "reviewer": ["clerk"], "clerk": ["reviewer"]}


def staff_routes(app: FastAPI) -> list[tuple[str, str, str]]:
    """(method, path, required role) of every route guarded by a staff dependency."""
    found = []
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        stack = list(route.dependant.dependencies)
        while stack:
            dep = stack.pop()
            role = getattr(dep.call, "required_role", None)
            if role is not None:
                for method in route.methods:
                    found.append((method, route.path, role))
                break
            stack.extend(dep.dependencies)
    return found


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)


async def _anonymous_form_token(browser: httpx.AsyncClient) -> str:
    return csrf_from((await browser.get(f"{AGG}/dang-nhap")).text)


class TestEveryGuardedRoute:
    """Found by walking the routes, so a staff route added later is covered too."""

    @pytest.mark.parametrize("service", ["documents", "feedback", "aggregator"])
    async def test_anonymous_and_wrong_role_are_refused(self, stack: Stack, service: str) -> None:
        routes = [r for r in staff_routes(stack.apps[service]) if "{" not in r[1]]
        assert routes, "every service has at least /api/staff/me"
        browser = stack.browser()
        csrf = await _anonymous_form_token(browser)
        for method, path, role in routes:
            url = URL[service] + path
            data = {"csrf_token": csrf} if method != "GET" else None
            api = path.startswith("/api/")
            answer = await browser.request(method, url, data=data, headers=HTML)
            if api:
                assert answer.status_code == 401, (method, path, answer.text)
            else:
                assert answer.status_code == 303, (method, path)
                assert "/dang-nhap?next=" in answer.headers["location"]
            if role:
                token = stack.token(WRONG_ROLE[role])
                answer = await browser.request(
                    method, url, data=data, headers={"Authorization": f"Bearer {token}"}
                )
                assert answer.status_code == 403, (method, path, answer.text)
                assert "không có quyền" in answer.json()["detail"]


class TestNamedStaffEndpoints:
    async def test_document_admin_api_needs_an_admin(self, stack: Stack) -> None:
        browser = stack.browser()
        admin = {"Authorization": f"Bearer {stack.token(['admin'])}"}
        reviewer = {"Authorization": f"Bearer {stack.token(['reviewer', 'clerk'])}"}
        assert (
            await browser.post(f"{DOCS}/api/documents", json={"text": DRAFT})
        ).status_code == 401
        refused = await browser.post(
            f"{DOCS}/api/documents", json={"text": DRAFT}, headers=reviewer
        )
        assert refused.status_code == 403
        created = await browser.post(f"{DOCS}/api/documents", json={"text": DRAFT}, headers=admin)
        assert created.status_code == 201
        doc = created.json()["id"]
        for action, body in (("open", {"days": 10}), ("close", None)):
            url = f"{DOCS}/api/documents/{doc}/{action}"
            assert (await browser.post(url, json=body)).status_code == 401
            assert (await browser.post(url, json=body, headers=reviewer)).status_code == 403
            assert (await browser.post(url, json=body, headers=admin)).status_code == 200

    async def test_aggregator_pages_redirect_strangers_and_refuse_clerks(
        self, stack: Stack
    ) -> None:
        browser = stack.browser()
        doc = uuid.uuid4()
        for path in (
            "/tong-hop",
            f"/tong-hop/d/{doc}",
            "/quan-tri/nhan-su",
            f"/quan-tri/du-thao/{doc}/nguoi-xem-xet",
        ):
            answer = await browser.get(AGG + path, headers=HTML)
            assert answer.status_code == 303
            assert unquote(answer.headers["location"].split("next=")[1]) == path
        api = f"{AGG}/api/documents/{doc}/tallies"
        assert (await browser.get(api)).status_code == 401
        clerk = {"Authorization": f"Bearer {stack.token(['clerk'])}"}
        assert (await browser.get(api, headers=clerk)).status_code == 403
        page = await browser.get(f"{AGG}/tong-hop/d/{doc}", headers={**clerk, **HTML})
        assert page.status_code == 403 and "không có quyền" in page.text


class TestOneSignInForAllServices:
    async def test_a_session_from_the_aggregator_works_on_documents_and_feedback(
        self, stack: Stack
    ) -> None:
        await stack.account("admin@tinh.gov.vn", ["admin"])
        browser = stack.browser()
        answer = await sign_in(browser, "admin@tinh.gov.vn")
        assert answer.status_code == 303
        cookie = answer.headers["set-cookie"]
        assert "gopy_session=" in cookie and "HttpOnly" in cookie
        assert "SameSite=lax" in cookie and "Path=/" in cookie and "Secure" not in cookie
        for url in (DOCS, FEEDBACK, AGG):
            me = await browser.get(f"{url}/api/staff/me")
            assert me.status_code == 200, url
            assert me.json()["roles"] == ["admin"]
        page = await browser.get(f"{DOCS}/soan-thao", headers=HTML)
        created = await browser.post(
            f"{DOCS}/api/documents",
            json={"text": DRAFT},
            headers={"X-CSRF-Token": csrf_from(page.text)},
        )
        assert created.status_code == 201

    async def test_a_staff_page_of_another_service_sends_back_there_after_sign_in(
        self, stack: Stack
    ) -> None:
        await stack.account("bientap@tinh.gov.vn", ["reviewer"])
        browser = stack.browser()
        target = f"{DOCS}/api/staff/me"
        answer = await sign_in(browser, "bientap@tinh.gov.vn", next=target)
        assert answer.headers["location"] == target
        evil = await sign_in(browser, "bientap@tinh.gov.vn", next="https://evil.example/x")
        assert evil.headers["location"] == "/"
        evil = await sign_in(browser, "bientap@tinh.gov.vn", next="//evil.example/x")
        assert evil.headers["location"] == "/"


class TestDocumentReviewers:
    async def test_a_restricted_document_admits_only_its_reviewers_and_admins(
        self, stack: Stack
    ) -> None:
        state = await stack.draft_in_the_aggregator()
        chosen = await stack.account("duoc-chon@tinh.gov.vn", ["reviewer"])
        await stack.account("khac@tinh.gov.vn", ["reviewer"])
        await stack.account("quantri@tinh.gov.vn", ["admin"])
        url = f"{AGG}/api/documents/{state.document_id}/tallies"

        admin = stack.browser()
        await sign_in(admin, "quantri@tinh.gov.vn")
        form = f"{AGG}/quan-tri/du-thao/{state.document_id}/nguoi-xem-xet"
        page = await admin.get(form)
        saved = await admin.post(
            form, data={"csrf_token": csrf_from(page.text), "account_ids": [str(chosen.id)]}
        )
        assert saved.status_code == 303
        assert (await admin.get(url)).status_code == 200

        listed, other = stack.browser(), stack.browser()
        await sign_in(listed, "duoc-chon@tinh.gov.vn")
        await sign_in(other, "khac@tinh.gov.vn")
        assert (await listed.get(url)).status_code == 200
        refused = await other.get(url)
        assert refused.status_code == 403
        assert "không được phân công" in refused.json()["detail"]
