"""Each service's OpenAPI document says which refusals every operation gives, in their real
shape: checked on the document (every staff route, found by walking the routes, lists 401
and 403) and on real answers (a stranger's and a wrong role's refusal of every staff route
is a documented status whose body is the documented ``ErrorBody``)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.web import ErrorBody
from tests.attacks.routes import WRONG_ROLES, Route, all_routes
from tests.stack import FACTORIES, SERVICES, URL, Stack, StackFactory

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}


def _operation(schema: dict[str, Any], route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = schema["paths"][route.path][route.method.lower()]
    return operation


class TestTheDocument:
    @pytest.mark.parametrize("service", SERVICES)
    def test_every_refusal_is_the_error_body_and_staff_routes_list_401_and_403(
        self, make_stack: StackFactory, service: str
    ) -> None:
        app = FACTORIES[service](make_stack().settings(service))  # routes only: not started
        schema = app.openapi()
        for path, item in schema["paths"].items():
            for method, operation in item.items():
                for code, answer in operation["responses"].items():
                    if int(code) >= 400:
                        json = answer["content"]["application/json"]["schema"]
                        assert json == ERROR_BODY, (service, method, path, code)
                        if int(code) in (429, 503, 507):
                            assert "Retry-After" in answer["headers"]
        staff = [r for r in all_routes(app) if r.role is not None and r.path in schema["paths"]]
        assert staff
        for route in staff:
            answers = _operation(schema, route)["responses"]
            assert "401" in answers, route
            if route.role or route.method != "GET":
                assert "403" in answers, route

    def test_the_intake_documents_its_flood_answers(self, make_stack: StackFactory) -> None:
        schema = FACTORIES["feedback"](make_stack().settings("feedback")).openapi()
        for path in ("/api/comments", "/comments"):
            assert {"413", "429", "503"} <= set(schema["paths"][path]["post"]["responses"])


class TestRealAnswers:
    @pytest.mark.parametrize("service", SERVICES)
    async def test_refusals_of_staff_routes_are_documented_and_shaped_as_documented(
        self, stack: Stack, service: str
    ) -> None:
        app = stack.apps[service]
        schema = app.openapi()
        routes = [r for r in all_routes(app) if r.role is not None and r.path in schema["paths"]]
        client = stack.browser()
        wrong: list[str] = []
        for route in routes:
            callers = [{}] + [
                {"Authorization": f"Bearer {stack.token(roles)}"}
                for roles in WRONG_ROLES[route.role or ""][:1]
            ]
            for headers in callers:
                answer = await client.request(
                    route.method, URL[service] + route.concrete(), json={}, headers=headers
                )
                wrong += _undocumented(schema, route, answer)
        assert not wrong, "\n".join(wrong[:20])


def _undocumented(schema: dict[str, Any], route: Route, answer: httpx.Response) -> list[str]:
    if answer.status_code not in (401, 403):
        return [f"{route}: {answer.status_code}, not a refusal"]
    documented = _operation(schema, route)["responses"].get(str(answer.status_code))
    if documented is None:
        return [f"{route}: {answer.status_code} is not in the document"]
    if answer.headers.get("content-type", "").startswith("text/html"):
        # outside /api/ a refusal may be a page (the body guard's, before any route)
        ok = not route.api and "text/html" in documented["content"]
        return [] if ok else [f"{route}: {answer.status_code} is a page, documented JSON only"]
    try:
        ErrorBody.model_validate(answer.json())
    except ValueError as exc:
        return [f"{route}: {answer.status_code} body {answer.text[:80]!r}: {exc}"]
    return []
