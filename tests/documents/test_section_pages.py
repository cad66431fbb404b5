"""Section by section: each section has its own light page, reachable from the API, the
table of contents and its neighbours; the whole draft stays one link away."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.documents.config import DocumentsSettings
from services.documents.main import create_app
from shared.auth import issue_token
from shared.broker import free_port

SAMPLE = Path(__file__).parent.parent.parent / "samples"
DRAFT = (SAMPLE / "dien-bien-du-thao-bao-cao-chinh-tri-2020.txt").read_text(encoding="utf-8")
PUBLIC = "http://docs.test"


@pytest.fixture
async def client(clean_databases: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    settings = DocumentsSettings(
        database_url=clean_databases["documents"],
        kafka_bootstrap_servers=f"127.0.0.1:{free_port()}",  # pages never need the broker
        public_documents_url=PUBLIC,
        public_feedback_url="http://feedback.test",
    )
    app = create_app(settings)
    token = issue_token(settings.signing_keys, "admin@test", ["admin"], ttl=timedelta(hours=1))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC) as c:
            c.headers["X-Test-Admin"] = token
            yield c


async def _import(client: httpx.AsyncClient, open_it: bool = True) -> dict[str, Any]:
    admin = {"Authorization": f"Bearer {client.headers['X-Test-Admin']}"}
    created = await client.post(
        "/api/documents", json={"text": DRAFT, "source_name": "dien-bien.txt"}, headers=admin
    )
    assert created.status_code == 201, created.text
    if open_it:
        opened = await client.post(
            f"/api/documents/{created.json()['id']}/open", json={"days": 30}, headers=admin
        )
        assert opened.status_code == 200, opened.text
    detail = await client.get(f"/api/documents/{created.json()['id']}", headers=admin)
    return detail.json()  # type: ignore[no-any-return]


class _Links(HTMLParser):
    """The links of one page by their rel, the breadcrumb trail and the shown headings."""

    def __init__(self) -> None:
        super().__init__()
        self.rel: dict[str, str] = {}
        self.crumbs: list[str] = []
        self.ids: list[str] = []
        self._in_crumbs = False
        self._crumb_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("rel"):
            self.rel[str(a["rel"])] = str(a["href"])
        if tag == "nav" and a.get("class") == "crumbs":
            self._in_crumbs = True
        if tag == "section" and a.get("class") == "doc-section" and a.get("id"):
            self.ids.append(str(a["id"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._in_crumbs:
            self._in_crumbs = False
            self.crumbs = [c for c in "".join(self._crumb_text).split() if c]

    def handle_data(self, data: str) -> None:
        if self._in_crumbs:
            self._crumb_text.append(data)


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


class TestApi:
    async def test_every_section_has_the_url_of_its_own_page(
        self, client: httpx.AsyncClient
    ) -> None:
        document = await _import(client)
        assert len(document["sections"]) == 109
        for section in document["sections"]:
            assert set(section) == {"id", "path", "number", "title", "level", "url"}
            assert section["url"].startswith(f"{PUBLIC}/d/{document['slug']}/muc-")
        urls = [s["url"] for s in document["sections"]]
        assert len(set(urls)) == len(urls)
        one = next(
            s for s in document["sections"] if s["path"] == ["Phần thứ hai", "V", "1", "1.3"]
        )
        page = await client.get(one["url"])
        assert page.status_code == 200
        assert f'<h1 lang="vi">1.3. {one["title"]}</h1>' in page.text


class TestSectionPage:
    async def test_a_section_shows_where_it_sits_its_text_its_form_and_its_neighbours(
        self, client: httpx.AsyncClient
    ) -> None:
        document = await _import(client)
        by_path = {tuple(s["path"]): s for s in document["sections"]}
        section = by_path[("Phần thứ hai", "V", "1", "1.3")]
        page = await client.get(section["url"])
        links = _parse(page.text)
        assert " ".join(links.crumbs) == "Mục lục › Phần thứ hai › V › 1 › 1.3"
        assert links.rel["prev"].endswith(
            by_path[("Phần thứ hai", "V", "1", "1.2")]["url"][len(PUBLIC) :]
        )
        assert links.rel["next"].endswith(
            by_path[("Phần thứ hai", "V", "1", "1.4")]["url"][len(PUBLIC) :]
        )
        assert page.text.count('action="http://feedback.test/comments"') == 1
        assert f'name="section_id" value="{section["id"]}"' in page.text
        label = re.search(r'<label for="text-[^"]+">(.*?)</label>', page.text, re.S)
        assert label is not None
        assert "Phần thứ hai › V › 1 › 1.3. Tập trung đầu tư phát triển hạ tầng" in label.group(1)
        assert len(page.content) < 40_000, "a section page must stay light on 3G"

    async def test_following_next_reads_every_section_once(self, client: httpx.AsyncClient) -> None:
        document = await _import(client)
        url: str | None = document["sections"][0]["url"][len(PUBLIC) :]
        seen: list[str] = []
        pages = 0
        while url:
            page = await client.get(url)
            assert page.status_code == 200, url
            links = _parse(page.text)
            seen.extend(links.ids)
            url = links.rel.get("next")
            pages += 1
            assert pages <= len(document["sections"])
        anchors = [s["url"].rsplit("/", 1)[1] for s in document["sections"]]
        assert sorted(seen) == sorted(anchors), "every section shown exactly once"
        assert pages < len(anchors), "short sub-sections are read with their parent"

    async def test_a_long_part_lists_its_sections_instead_of_printing_them(
        self, client: httpx.AsyncClient
    ) -> None:
        document = await _import(client)
        part = document["sections"][0]
        page = await client.get(part["url"])
        links = _parse(page.text)
        assert links.ids == [part["url"].rsplit("/", 1)[1]]
        assert "Các mục trong phần này" in page.text
        assert " ".join(links.crumbs) == "Mục lục › Phần thứ nhất"
        assert "prev" not in links.rel

    async def test_a_section_by_id_leads_to_its_page(self, client: httpx.AsyncClient) -> None:
        document = await _import(client)
        section = document["sections"][5]
        moved = await client.get(f"/d/{document['slug']}/s/{section['id']}")
        assert (
            moved.status_code == 307 and moved.headers["location"] == section["url"][len(PUBLIC) :]
        )

    async def test_an_unpublished_draft_and_an_unknown_section_are_not_found(
        self, client: httpx.AsyncClient
    ) -> None:
        draft = await _import(client, open_it=False)
        hidden = await client.get(draft["sections"][3]["url"], headers={"Accept": "text/html"})
        assert hidden.status_code == 404 and "Không tìm thấy" in hidden.text
        missing = await client.get(f"/d/{draft['slug']}/muc-khong-co")
        assert missing.status_code == 404


class TestWholeDraft:
    async def test_the_contents_fold_by_part_and_print_each_number_once(
        self, client: httpx.AsyncClient
    ) -> None:
        document = await _import(client)
        page = (await client.get(f"/d/{document['slug']}")).text
        toc = page[
            page.index('<nav class="toc"') : page.index("</nav>", page.index('<nav class="toc"'))
        ]
        assert toc.count("<details") == 2  # Phần thứ nhất, Phần thứ hai
        assert "<ol" not in toc, "a numbered list would print every number twice"
        assert ">1.1. Về xây dựng, ban hành hệ thống" in toc
        assert not re.search(r">(\d+(\.\d+)*)\. \1\. ", toc)
        for section in document["sections"]:
            assert f'href="{section["url"][len(PUBLIC) :]}"' in toc

    async def test_it_links_each_section_to_its_page_and_keeps_one_form(
        self, client: httpx.AsyncClient
    ) -> None:
        document = await _import(client)
        page = await client.get(f"/d/{document['slug']}")
        assert page.text.count("<form") == 1  # the whole-draft form; sections have their pages
        assert page.text.count(">Góp ý mục này<") == len(document["sections"])
        assert len(page.content) < 300_000


class TestFavicon:
    async def test_every_service_answers_the_favicon_request(
        self, client: httpx.AsyncClient
    ) -> None:
        icon = await client.get("/favicon.ico")
        assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
        assert b"<svg" in icon.content
