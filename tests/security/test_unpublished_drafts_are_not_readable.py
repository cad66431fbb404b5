"""High: a draft that is not published is confidential; the public sees only open or
closed documents, through the API and the reading pages alike; staff see the rest."""

from __future__ import annotations

from tests.security.conftest import Docs


class TestUnpublishedDraftsAreNotReadable:
    async def test_the_public_list_names_only_published_documents(self, docs: Docs) -> None:
        draft = await docs.import_draft()
        listed = (await docs.anonymous.get("/api/documents")).json()
        assert draft["id"] not in [d["id"] for d in listed]
        assert draft["id"] in [d["id"] for d in (await docs.admin.get("/api/documents")).json()]

    async def test_a_draft_outline_and_page_are_404_to_the_public(self, docs: Docs) -> None:
        draft = await docs.import_draft()
        assert (await docs.anonymous.get(f"/api/documents/{draft['id']}")).status_code == 404
        page = await docs.anonymous.get(f"/d/{draft['slug']}")
        assert page.status_code == 404
        assert "Phần thứ nhất" not in page.text
        assert (await docs.admin.get(f"/api/documents/{draft['id']}")).status_code == 200
        assert (await docs.admin.get(f"/d/{draft['slug']}")).status_code == 200

    async def test_once_published_it_is_public_open_or_closed(self, docs: Docs) -> None:
        draft = await docs.import_draft()
        opened = await docs.admin.post(f"/api/documents/{draft['id']}/open", json={"days": 30})
        assert opened.status_code == 200, opened.text
        assert (await docs.anonymous.get(f"/api/documents/{draft['id']}")).status_code == 200
        assert (await docs.anonymous.get(f"/d/{draft['slug']}")).status_code == 200
        closed = await docs.admin.post(f"/api/documents/{draft['id']}/close")
        assert closed.status_code == 200
        listed = (await docs.anonymous.get("/api/documents")).json()
        assert [d["status"] for d in listed if d["id"] == draft["id"]] == ["closed"]
        assert (await docs.anonymous.get(f"/d/{draft['slug']}")).status_code == 200
