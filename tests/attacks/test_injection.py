"""One attack each, through the real apps: stored XSS on the staff pages, SQL injection in
every query parameter, hostile file names and malformed multipart, header injection in the
acknowledgement mail, open redirects after sign-in."""

from __future__ import annotations

import re
import uuid
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from services.feedback.config import FeedbackSettings
from services.feedback.mailer import build_message
from services.feedback.models import Comment, MailMessage
from tests.attacks.routes import api_routes
from tests.stack import AGG, DOCS, FEEDBACK, HTML, PASSWORD, Stack, sign_in

SCRIPT = "<script>alert('gopy')</script>"
IMG = '<img src=x onerror="alert(1)">'
SQL = ["' OR '1'='1", "1; DROP TABLE comments;--", "%' UNION SELECT NULL--", "\\x00'\""]
HOSTILE_NAMES = ["../../../../etc/passwd", "..\\..\\windows\\win.ini", f"{IMG}.docx", "a\r\nb.txt"]
INJECTED = "\r\nBcc: victim@example.com\r\nX-Injected: yes"


async def _comments(stack: Stack) -> int:
    async with stack.runtime("feedback").sessions() as s:
        return int((await s.execute(select(func.count()).select_from(Comment))).scalar_one())


class TestStoredXss:
    async def test_comment_text_and_names_are_escaped_on_every_staff_page(
        self, stack: Stack
    ) -> None:
        document = await stack.publish_draft()
        body = {
            "document_id": document["id"],
            "section_id": document["sections"][1]["id"],
            "text": f"Đề nghị sửa {SCRIPT} và {IMG} ở mục này.",
            "name": f"Nguyễn {SCRIPT}",
            "organisation": IMG,
            "email": "nguoi.dan@example.vn",
        }
        answer = await stack.client.post(f"{FEEDBACK}/api/comments", json=body)
        assert answer.status_code == 201, answer.text
        await stack.wait_consumed()
        pages = {
            AGG: [r for r in api_routes(stack.apps["aggregator"]) if "GET" in r.methods],
            FEEDBACK: [r for r in api_routes(stack.apps["feedback"]) if "GET" in r.methods],
        }
        visited = 0
        for base, routes in pages.items():
            for route in routes:
                if route.path.startswith("/api/") or "{" in route.path.replace("{document_id}", ""):
                    continue
                url = base + route.path.replace("{document_id}", document["id"])
                # once=true: a live (server-sent events) page sends one update and ends;
                # every other page ignores it
                page = await stack.client.get(
                    url, params={"once": "true"}, headers={**stack.auth, **HTML}
                )
                if not page.headers.get("content-type", "").startswith("text/html"):
                    continue
                for payload in (SCRIPT, IMG, 'onerror="alert'):
                    assert payload not in page.text, (url, payload)
                visited += 1
        # Today the staff pages show tallies, not texts; the workspace's pages join this walk.
        assert visited >= 2, "the walk found no staff page"


class TestTemplates:
    def test_every_template_environment_escapes_and_none_marks_text_safe(self) -> None:
        from services.aggregator.accounts.views import templates as accounts
        from services.documents.admin_views import templates as admin
        from services.documents.views import templates as documents
        from services.feedback.views import templates as feedback

        for templates in (accounts, admin, documents, feedback):
            environment = templates.env
            names = environment.list_templates(extensions=["html"])
            assert names
            for name in names:
                escapes = environment.autoescape
                assert escapes(name) if callable(escapes) else escapes, name
                text, _, _ = environment.loader.get_source(environment, name)  # type: ignore[union-attr]
                assert "|safe" not in text.replace(" ", ""), name
                assert "autoescape false" not in text, name


class TestSqlInjection:
    @pytest.mark.parametrize("service", ["documents", "feedback", "aggregator"])
    async def test_every_query_parameter_takes_sql_as_data(
        self, stack: Stack, service: str
    ) -> None:
        document = await stack.publish_draft()
        await stack.comment(document["id"], None)
        before = await _comments(stack)
        base = {"documents": DOCS, "feedback": FEEDBACK, "aggregator": AGG}[service]
        for route in api_routes(stack.apps[service]):
            queries = [p.alias for p in route.dependant.query_params]
            if "GET" not in route.methods or not queries:
                continue
            path = route.path.replace("{document_id}", document["id"])
            path = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
            for payload in SQL:
                answer = await stack.client.get(
                    base + path, params=dict.fromkeys(queries, payload), headers=stack.auth
                )
                assert answer.status_code < 500, (path, payload, answer.text[:200])
        assert await _comments(stack) == before


class TestUploads:
    async def test_hostile_file_names_and_broken_multipart_are_refused_cleanly(
        self, stack: Stack
    ) -> None:
        upload = f"{DOCS}/api/documents/upload"
        for name in HOSTILE_NAMES:
            draft = "DỰ THẢO\n\nI. KẾT QUẢ\n\nTăng trưởng khá.\n".encode()
            answer = await stack.client.post(
                upload, files={"file": (name, draft, "text/plain")}, headers=stack.auth
            )
            assert answer.status_code in (201, 415, 422), (name, answer.text[:200])
            if answer.status_code == 201:
                shown = answer.json().get("source_name", "")
                assert "/" not in shown and "\\" not in shown and "\r" not in shown, shown
        broken = [
            ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n"),
            ("multipart/form-data", b"--x\r\n\r\n--x--"),
            ("multipart/form-data; boundary=" + "b" * 5000, b"--b\r\n"),
            ("multipart/form-data; boundary=x", b"--x\r\n" + b"A" * 100_000),
        ]
        for content_type, body in broken:
            answer = await stack.client.post(
                upload, content=body, headers={**stack.auth, "Content-Type": content_type}
            )
            assert 400 <= answer.status_code < 500, (content_type, answer.status_code)

    async def test_scan_names_cannot_leave_the_scan_folder(self, stack: Stack) -> None:
        clerk = {**stack.auth, **HTML}
        for name in ("..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "a" * 64):
            answer = await stack.client.get(f"{FEEDBACK}/van-thu/quet/{name}", headers=clerk)
            assert answer.status_code in (404, 422), (name, answer.status_code)
            assert "root:" not in answer.text


class TestMailHeaders:
    @pytest.mark.parametrize("field", ["to_address", "subject", "in_reply_to", "from_address"])
    def test_cr_lf_never_adds_a_header(self, field: str) -> None:
        row = MailMessage(
            to_address="nguoi.dan@example.vn",
            subject="Đã nhận ý kiến",
            body="Xin cảm ơn.",
            in_reply_to="<m1@example.vn>",
        )
        setattr(row, field, (getattr(row, field) or "a@example.vn") + INJECTED)
        try:
            raw = build_message(FeedbackSettings(), row).as_bytes()
        except ValueError:
            return  # refused outright: nothing was sent
        sent = message_from_bytes(raw, policy=policy.default)
        assert "Bcc" not in sent and "X-Injected" not in sent, raw[:500]
        assert len(sent.get_all("To", [])) == 1

    async def test_a_name_with_line_breaks_stays_out_of_the_headers(self, stack: Stack) -> None:
        document = await stack.publish_draft()
        body = {
            "document_id": document["id"],
            "section_id": None,
            "text": "Đề nghị bổ sung số liệu.",
            "name": "An" + INJECTED,
            "email": "nguoi.dan@example.vn",
        }
        answer = await stack.client.post(f"{FEEDBACK}/api/comments", json=body)
        assert answer.status_code in (201, 422), answer.text
        settings = stack.settings("feedback")
        async with stack.runtime("feedback").sessions() as s:
            rows = (await s.execute(select(MailMessage))).scalars().all()
        for row in rows:
            sent = message_from_bytes(
                build_message(settings, row).as_bytes(), policy=policy.default
            )
            assert "Bcc" not in sent and "X-Injected" not in sent


class TestOpenRedirect:
    TARGETS = [
        "//evil.example/",
        "///evil.example/",
        "https://evil.example/",
        "http://127.0.0.1:8003@evil.example/",
        "http://127.0.0.1:8003.evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        " //evil.example",
        "javascript:alert(1)",
        "https:evil.example",
        "%2F%2Fevil.example",
    ]

    async def test_next_never_leaves_our_origins(self, stack: Stack) -> None:
        account = await stack.account("bien.tap@example.vn", ["reviewer"])
        for target in self.TARGETS:
            browser = stack.browser()
            answer = await sign_in(browser, account.email, PASSWORD, next=target)
            assert answer.status_code == 303, (target, answer.text[:200])
            location = answer.headers["location"]
            parts = urlsplit(location)
            assert not parts.netloc or parts.netloc in {
                urlsplit(u).netloc for u in (AGG, DOCS, FEEDBACK)
            }, (target, location)
            assert not location.startswith("//") and "\\" not in location, location
            assert parts.scheme in ("", "http", "https"), location
        page = await stack.browser().get(f"{AGG}/dang-nhap", params={"next": f'"{SCRIPT}'})
        assert SCRIPT not in page.text
