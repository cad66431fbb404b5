"""Every staff route of every service, found by walking the apps' routes, refuses strangers,
forged tokens and every role that does not carry its requirement; the public rest is a
short, named list, so a route added later is either guarded or a conscious choice."""

from __future__ import annotations

from urllib.parse import unquote

import httpx
import pytest

from tests.attacks.routes import WRONG_ROLES, Route, all_routes
from tests.stack import AGG, FACTORIES, HTML, SERVICES, URL, Stack, StackFactory, csrf_from

FORGED_KEY = "attacker-key-0123456789abcdef0123456789abcdef0123"
# Public routes that change something: each is a citizen's (or a sign-in) action by design.
PUBLIC_WRITES = {
    ("POST", "/api/comments"),
    ("POST", "/api/receipts/lookup"),
    ("POST", "/api/receipts/withdraw"),
    ("POST", "/api/receipts/{receipt}/withdraw"),
    ("POST", "/comments"),
    ("POST", "/receipt"),
    ("POST", "/receipt/withdraw"),
    ("POST", "/dang-nhap"),
    ("POST", "/dang-xuat"),
    ("POST", "/dat-mat-khau/{token}"),
}
# Public pages outside the citizen's area that sign-in itself needs.
PUBLIC_SIGN_IN = ("/dang-nhap", "/dang-xuat", "/dat-mat-khau/")


def _staff_areas(routes: list[Route]) -> set[str]:
    """First path segments under which every page is staff-only (``/tong-hop``, ``/van-thu``)."""
    return {
        "/" + r.path.strip("/").split("/")[0]
        for r in routes
        if r.role is not None and not r.api and r.path != "/"
    }


class TestRouteInventory:
    @pytest.mark.parametrize("service", SERVICES)
    def test_public_routes_are_only_what_citizens_and_sign_in_need(
        self, make_stack: StackFactory, service: str
    ) -> None:
        app = FACTORIES[service](make_stack().settings(service))  # routes only: not started
        routes = all_routes(app)
        staff = [r for r in routes if r.role is not None]
        assert any(r.path == "/api/staff/me" for r in staff), "the walk found no guard"
        areas = _staff_areas(routes)
        for route in routes:
            if route.role is not None:
                continue
            key = (route.method, route.path)
            if route.method not in {"GET", "HEAD"}:
                assert key in PUBLIC_WRITES, f"{service}: {key} changes state without a guard"
            area = "/" + route.path.strip("/").split("/")[0]
            assert area not in areas or route.path.startswith(PUBLIC_SIGN_IN), (
                f"{service}: {key} is public inside the staff area {area}"
            )


class TestEveryStaffRoute:
    """Parametrised by service; within one, every (method, route) found is tried."""

    @pytest.mark.parametrize("service", SERVICES)
    async def test_anonymous_forged_and_wrong_roles_are_refused(
        self, stack: Stack, service: str
    ) -> None:
        routes = [r for r in all_routes(stack.apps[service]) if r.role is not None]
        browser = stack.browser()
        csrf = csrf_from((await browser.get(f"{AGG}/dang-nhap")).text)
        forged = stack.token(["admin"], keys=[FORGED_KEY])
        wrong: list[str] = []
        tried = 0
        for route in routes:
            path = route.concrete()
            url = URL[service] + path
            form = {"csrf_token": csrf} if route.method != "GET" else None
            for accept in ({}, HTML):
                answer = await browser.request(route.method, url, data=form, headers=accept)
                wrong += _anonymous_refusal_errors(answer, route, path, bool(accept))
            answer = await browser.request(
                route.method, url, data=form, headers={"Authorization": f"Bearer {forged}"}
            )
            if answer.status_code != 401:
                wrong.append(f"forged token: {route} -> {answer.status_code}")
            for roles in WRONG_ROLES[route.role or ""]:
                bearer = {"Authorization": f"Bearer {stack.token(roles)}"}
                for accept in ({}, HTML):
                    answer = await browser.request(
                        route.method, url, json={}, headers={**bearer, **accept}
                    )
                    if answer.status_code != 403 or "không có quyền" not in answer.text:
                        wrong.append(f"{roles}: {route} -> {answer.status_code}")
                    tried += 1
            tried += 3
        assert not wrong, "\n".join(wrong)
        assert tried >= len(routes) * 3 > 0


def _anonymous_refusal_errors(
    answer: httpx.Response, route: Route, path: str, html: bool
) -> list[str]:
    """Why ``answer`` is not a refusal of an anonymous caller (empty: it is one).

    A page is a redirect to sign-in; a form posted to a staff page may also be refused
    outright (the body guard answers before reading a byte)."""
    if html and not route.api and (route.method == "GET" or answer.status_code == 303):
        location = answer.headers.get("location", "")
        back = unquote(location.split("next=", 1)[-1])
        if (
            answer.status_code != 303
            or not location.startswith(f"{AGG}/dang-nhap?next=")
            or not back.endswith(path)
        ):
            return [f"anonymous page: {route} -> {answer.status_code} {location}"]
    elif answer.status_code not in (401, 403):
        return [f"anonymous: {route} -> {answer.status_code} {answer.text[:80]}"]
    return []
