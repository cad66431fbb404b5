"""The reading page (documents service) offers the comment forms only while the window is open."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from services.documents import service as documents
from services.documents.config import DocumentsSettings
from services.documents.main import create_app
from services.documents.models import Document
from shared import form_tokens
from shared.auth import issue_token
from shared.broker import free_port
from shared.events import utcnow

DRAFT = (Path(__file__).parent / "draft_sample.txt").read_text(encoding="utf-8")


@pytest.fixture
async def reader(
    clean_databases: dict[str, str],
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    settings = DocumentsSettings(
        database_url=clean_databases["documents"],
        kafka_bootstrap_servers=f"127.0.0.1:{free_port()}",
        public_feedback_url="http://feedback.test",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://docs.test") as client:
            yield app, client


async def _document(app: FastAPI, window: str) -> Document:
    async with app.state.runtime.sessions() as session:
        document, _ = await documents.import_draft(session, DRAFT, "du-thao.txt")
        now = utcnow()
        if window == "open":
            await documents.open_for_days_from_today(session, document, 30)
        elif window == "upcoming":
            await documents.open_consultation(
                session,
                document,
                opens_at=now + timedelta(days=3),
                closes_at=now + timedelta(days=30),
            )
        elif window == "lapsed":
            await documents.open_consultation(
                session,
                document,
                opens_at=now - timedelta(days=30),
                closes_at=now - timedelta(hours=1),
            )
        await session.commit()
        return document


class TestWindow:
    async def test_an_open_draft_has_a_form_per_section_and_one_for_the_whole(
        self, reader: tuple[FastAPI, httpx.AsyncClient]
    ) -> None:
        app, client = reader
        document = await _document(app, "open")
        page = await client.get(f"/d/{document.slug}")
        assert page.status_code == 200
        # the whole draft carries the form for the whole; each section's form is on its page
        assert page.text.count('action="http://feedback.test/comments"') == 1
        section_pages = re.findall(r'href="(/d/[^/"]+/muc-[^"#]+)#gop-y"', page.text)
        assert len(section_pages) == 10  # ten headings
        for url in section_pages:
            section = await client.get(url)
            assert section.text.count('action="http://feedback.test/comments"') == 1
            assert section.text.count('data-max="20000"') == 1
            assert 'maxlength="20000"' not in section.text  # a browser would cut a paste
        token = re.search(r'name="form_token" value="([^"]+)"', page.text)
        assert token is not None
        form_tokens.verify(app.state.runtime.settings.signing_keys, token.group(1), document.id)
        assert '<script src="/static/comment-form.js" defer></script>' in page.text
        assert "Nghị định 13/2023/NĐ-CP" in page.text and "Tiểu ban Văn kiện" in page.text
        assert "Đang lấy ý kiến từ ngày" in page.text

    @pytest.mark.parametrize(
        ("window", "message"),
        [
            ("upcoming", "Chưa mở lấy ý kiến. Bạn có thể góp ý từ ngày"),
            ("lapsed", "Đã kết thúc lấy ý kiến ngày"),
        ],
    )
    async def test_outside_the_window_the_page_says_so_and_offers_no_form(
        self, reader: tuple[FastAPI, httpx.AsyncClient], window: str, message: str
    ) -> None:
        app, client = reader
        document = await _document(app, window)
        page = await client.get(f"/d/{document.slug}")
        assert message in page.text
        assert "<form" not in page.text and "comment-form.js" not in page.text

    async def test_an_unpublished_draft_is_404_to_citizens_and_says_so_to_staff(
        self, reader: tuple[FastAPI, httpx.AsyncClient]
    ) -> None:
        app, client = reader
        document = await _document(app, "draft")
        assert (await client.get(f"/d/{document.slug}")).status_code == 404
        token = issue_token(
            app.state.runtime.settings.signing_keys, "admin", ["admin"], ttl=timedelta(hours=1)
        )
        page = await client.get(f"/d/{document.slug}", headers={"Authorization": f"Bearer {token}"})
        assert "Dự thảo chưa mở lấy ý kiến." in page.text
        assert "<form" not in page.text and "comment-form.js" not in page.text

    async def test_english_is_a_link_away_and_remembered(
        self, reader: tuple[FastAPI, httpx.AsyncClient]
    ) -> None:
        app, client = reader
        document = await _document(app, "open")
        page = await client.get(f"/d/{document.slug}?lang=en")
        assert '<html lang="en">' in page.text and "Comment on this section" in page.text
        assert '<div class="draft" lang="vi">' in page.text
        assert page.cookies.get("gopy_lang") == "en"
        again = await client.get(f"/d/{document.slug}")
        assert "Comment on the whole draft" in again.text

    async def test_the_counter_script_is_served_from_our_own_origin(
        self, reader: tuple[FastAPI, httpx.AsyncClient]
    ) -> None:
        _app, client = reader
        script = await client.get("/static/comment-form.js")
        assert script.status_code == 200 and "data-counter" in script.text
        assert len(script.content) < 4000
