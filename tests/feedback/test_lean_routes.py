"""The intake routes' lean path (``routes.lean``): the same answers as FastAPI's own handler."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Form, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import generate_latest
from starlette.formparsers import FormParser
from starlette.requests import Request as StarletteRequest
from starlette.types import ASGIApp, Receive, Scope, Send

from services.feedback.routes.lean import LeanApp, lean_route, plain_form
from services.feedback.routes.pages import FORM_FIELDS
from shared import events as ev
from shared.web import DomainError, install_common
from tests.factories import document_state
from tests.feedback.conftest import Intake


def _request(body: bytes, content_type: str) -> StarletteRequest:
    sent = False

    async def receive() -> dict[str, object]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    headers = [(b"content-type", content_type.encode())]
    return StarletteRequest({"type": "http", "method": "POST", "headers": headers}, receive)


async def _starlette_reads(body: bytes) -> dict[str, str]:
    """What FastAPI's handler reads from the form: Starlette's parser, the last of a repeat."""
    request = _request(body, "application/x-www-form-urlencoded")
    form = await FormParser(request.headers, request.stream()).parse()
    return {name: str(form.get(name, "")) for name in FORM_FIELDS}


class TestPlainForm:
    @pytest.mark.parametrize(
        "body",
        [
            b"text=G%C3%B3p+%C3%BD+s%E1%BB%91+1&name=Tr%E1%BA%A7n+A&consent=yes",
            b"text=a%2Bb%26c%3Dd+e&lang=en",
            b"text=first&text=second&website=",
            b"text&name=&&email=x%40example.vn&",
            b"text=100%25+%C4%91%C3%BAng&unknown=1",
            b"text=%E1%BB&phone=%2B84+912",  # a broken escape: U+FFFD, as in Starlette
            "text=Góp ý thô".encode(),  # not percent-encoded: latin-1 text, as in Starlette
            b"",
        ],
    )
    async def test_fields_are_read_as_starlette_reads_them(self, body: bytes) -> None:
        lean = await plain_form(_request(body, "application/x-www-form-urlencoded"), FORM_FIELDS)
        assert lean == await _starlette_reads(body)

    @pytest.mark.parametrize(
        ("body", "content_type"),
        [
            (b"text=a;name=b", "application/x-www-form-urlencoded"),
            (b"&".join([b"x=1"] * 1001), "application/x-www-form-urlencoded"),
            (b"text=a", "multipart/form-data; boundary=x"),
            (b"text=a", "text/plain"),
        ],
    )
    async def test_anything_else_is_left_to_fastapi(self, body: bytes, content_type: str) -> None:
        assert await plain_form(_request(body, content_type), FORM_FIELDS) is None


def _app() -> FastAPI:
    """A route whose lean path answers "lean" for the text "plain" and declines the rest."""

    async def lean(request: Request) -> Response | None:
        values = await plain_form(request, ("text",))
        if values is None or values["text"] != "plain":
            return None
        return PlainTextResponse("lean")

    async def documented(text: Annotated[str, Form(max_length=10)]) -> Response:
        if text == "late":  # declined ahead, then a crash in the stack
            raise RuntimeError("late")
        return PlainTextResponse(f"documented {text}")

    router = APIRouter()
    router.add_api_route("/x", documented, methods=["POST"], route_class_override=lean_route(lean))
    app = FastAPI()
    app.include_router(router)
    return app


class TestLeanRoute:
    async def test_the_lean_answer_is_given_and_a_declined_request_reaches_fastapi(self) -> None:
        transport = httpx.ASGITransport(app=_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.post("/x", data={"text": "plain"})).text == "lean"
            # The body the lean path already read is read again by FastAPI's handler.
            assert (await client.post("/x", data={"text": "other"})).text == "documented other"
            refused = await client.post("/x", data={"text": "much too long"})
            assert refused.status_code == 422
            assert refused.json()["detail"][0]["loc"] == ["body", "text"]


class TestIntakeRoutesOffTheLeanPath:
    async def test_json_with_a_charset_is_accepted(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        body = {
            "document_id": str(open_document.document_id),
            "section_id": str(open_document.sections[2].id),
            "text": "Đề nghị làm rõ chỉ tiêu.",
        }
        response = await intake.client.post(
            "/api/comments",
            content=json.dumps(body).encode(),
            headers={"content-type": "application/json; charset=utf-8"},
        )
        assert response.status_code == 201, response.text
        assert set(response.json()) == {"comment_id", "receipt"}
        assert await intake.stored() == (1, 1, 0)

    async def test_an_idempotency_key_over_its_limit_gets_the_documented_refusal(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        body = {"document_id": str(open_document.document_id), "text": "Một ý kiến."}
        response = await intake.client.post(
            "/api/comments", json=body, headers={"Idempotency-Key": "k" * 201}
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"loc": ["header", "Idempotency-Key"], "type": "string_too_long"}
        ]
        assert await intake.stored() == (0, 0, 0)

    async def test_a_multipart_form_is_accepted(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        form = intake.form(open_document)
        files = {name: (None, value) for name, value in form.items()}
        response = await intake.client.post("/comments", files=files)
        assert response.status_code == 303, response.text
        assert await intake.stored() == (1, 1, 0)


def _count(metrics: str, route: str, status: int) -> float:
    pattern = (
        rf'^gopy_http_requests_total\{{(?=[^}}]*route="{re.escape(route)}")'
        rf'(?=[^}}]*status="{status}")(?=[^}}]*service="feedback")[^}}]*\}} ([\d.e+]+)$'
    )
    return sum(float(n) for n in re.findall(pattern, metrics, re.M))


class TestIntakeRoutesTriedFirst:
    async def test_each_is_still_counted_under_its_own_path(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        before = (await intake.client.get("/metrics")).text
        body = {"document_id": str(open_document.document_id), "text": "Một ý kiến."}
        assert (await intake.client.post("/api/comments", json=body)).status_code == 201
        posted = await intake.client.post("/comments", data=intake.form(open_document))
        assert posted.status_code == 303
        after = (await intake.client.get("/metrics")).text
        assert _count(after, "/api/comments", 201) == _count(before, "/api/comments", 201) + 1
        assert _count(after, "/comments", 303) == _count(before, "/comments", 303) + 1


async def _chunked(body: bytes) -> AsyncIterator[bytes]:
    """A body streamed without a Content-Length: such a request takes the whole stack."""
    yield body


class _Seen:
    """A middleware that notes each request it sees."""

    def __init__(self, app: ASGIApp, seen: list[str]) -> None:
        self.app, self.seen = app, seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen.append(scope["path"])
        await self.app(scope, receive, send)


def _lean_app(seen: list[str]) -> LeanApp:
    """``/x`` answered ahead: "lean" for "plain", a refusal for "no", a crash for "boom"."""

    async def lean(request: Request) -> Response | None:
        values = await plain_form(request, ("text",))
        if values is None or values["text"] not in ("plain", "no", "boom"):
            return None
        if values["text"] == "no":
            raise DomainError("Không nhận.", status_code=429, retry_after=7)
        if values["text"] == "boom":
            raise RuntimeError("boom")
        return PlainTextResponse("lean")

    async def documented(text: Annotated[str, Form(max_length=10)]) -> Response:
        if text == "late":  # declined ahead, then a crash in the stack
            raise RuntimeError("late")
        return PlainTextResponse(f"documented {text}")

    router = APIRouter()
    router.add_api_route("/x", documented, methods=["POST"], route_class_override=lean_route(lean))
    app = LeanApp(service="feedback")
    app.add_middleware(_Seen, seen=seen)
    install_common(app, "feedback", lambda: _ready())
    app.include_router(router)
    app.answer_ahead(router, "/x", max_body=100)
    return app


async def _ready() -> dict[str, bool]:
    return {}


class TestAnsweredAhead:
    async def test_a_plain_request_skips_the_stack_and_gets_the_same_answer(self) -> None:
        seen: list[str] = []
        before = _count(generate_latest().decode(), "/x", 200)
        transport = httpx.ASGITransport(app=_lean_app(seen))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            form = {"content-type": "application/x-www-form-urlencoded"}
            ahead = await client.post("/x", content=b"text=plain", headers=form)
            assert seen == []
            stacked = await client.post("/x", content=_chunked(b"text=plain"), headers=form)
            assert seen == ["/x"]
            for answer in (ahead, stacked):
                assert (answer.status_code, answer.text) == (200, "lean")
                assert answer.headers["x-content-type-options"] == "nosniff"
                assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
            assert _count(generate_latest().decode(), "/x", 200) == before + 2

    async def test_refusals_are_the_stack_s_own(self) -> None:
        seen: list[str] = []
        metrics = generate_latest().decode()
        refused_before, crashed_before = _count(metrics, "/x", 429), _count(metrics, "/x", 500)
        transport = httpx.ASGITransport(app=_lean_app(seen), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            form = {"content-type": "application/x-www-form-urlencoded"}
            ahead = await client.post("/x", content=b"text=no", headers=form)
            stacked = await client.post("/x", content=_chunked(b"text=no"), headers=form)
            for refused in (ahead, stacked):
                assert refused.status_code == 429
                assert refused.json() == {"detail": "Không nhận.", "field": ""}
                assert refused.headers["retry-after"] == "7"
                assert refused.headers["x-frame-options"] == "DENY"
            # Declined by the lean handler: FastAPI's validation, after a second read.
            declined = await client.post("/x", content=b"text=other", headers=form)
            assert declined.text == "documented other"
            assert (await client.post("/x", data={"text": "x" * 11})).status_code == 422
            # Over the limit the app was given for it: the stack (and its body guard) answers.
            long = await client.post("/x", content=b"text=plain&pad=" + b"a" * 100, headers=form)
            assert long.text == "lean"
            crashed = await client.post("/x", content=b"text=boom", headers=form)
            assert (crashed.status_code, crashed.text) == (500, "Internal Server Error")
            assert crashed.headers["x-content-type-options"] == "nosniff"
            # the chunked refusal, "other", the text over its length and the body over its limit
            assert seen == ["/x"] * 4
            metrics = generate_latest().decode()
            assert _count(metrics, "/x", 429) == refused_before + 2
            assert _count(metrics, "/x", 500) == crashed_before + 1

    async def test_a_declined_request_that_crashes_in_the_stack_is_counted_once(self) -> None:
        seen: list[str] = []
        before = _count(generate_latest().decode(), "/x", 500)
        transport = httpx.ASGITransport(app=_lean_app(seen), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            form = {"content-type": "application/x-www-form-urlencoded"}
            crashed = await client.post("/x", content=b"text=late", headers=form)
        assert (crashed.status_code, seen) == (500, ["/x"])
        assert _count(generate_latest().decode(), "/x", 500) == before + 1

    async def test_intake_answers_ahead_as_through_the_stack(self, intake: Intake) -> None:
        """A closed window's refusal and an accepted comment, with and without a length."""
        state = await intake.catalogue(
            document_state().model_copy(update={"closes_at": ev.utcnow() - timedelta(minutes=1)})
        )
        body = json.dumps({"document_id": str(state.document_id), "text": "Một ý kiến."}).encode()
        headers = {"content-type": "application/json"}
        ahead = await intake.client.post("/api/comments", content=body, headers=headers)
        stacked = await intake.client.post("/api/comments", content=_chunked(body), headers=headers)
        assert ahead.status_code == stacked.status_code == 422
        assert ahead.json() == stacked.json()
        assert "Đã hết thời hạn góp ý" in ahead.json()["detail"]
        assert await intake.stored() == (0, 0, 0)
