"""GET /api/documents/{id}/comments: the fixed shape, filters, search and keyset paging."""

from __future__ import annotations

import uuid

from shared import events as ev
from shared.text import LOCAL_TZ
from tests.aggregator.builders import comment, days_ago, status_change
from tests.aggregator.conftest import Workspace
from tests.factories import document_state, published

KEYS = {
    "comment_id",
    "section_id",
    "channel",
    "text",
    "received_at",
    "status",
    "disposition",
    "cluster_id",
}


class TestShape:
    async def test_items_carry_exactly_the_fixed_keys(self, workspace: Workspace) -> None:
        state = document_state(sections=4)
        c = comment(state, 2, "Đề nghị bổ sung số liệu về lao động.", "email")
        await workspace.apply([published(state), c])
        response = await workspace.get(f"/api/documents/{state.document_id}/comments")
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"items", "next"} and body["next"] is None
        [item] = body["items"]
        assert set(item) == KEYS
        assert item["comment_id"] == str(c.payload.comment_id)
        assert item["section_id"] == str(state.sections[2].id)
        assert (item["channel"], item["status"], item["disposition"]) == ("email", "active", None)
        assert item["cluster_id"] == str(c.payload.comment_id)

    async def test_staff_only_and_unknown_document(self, workspace: Workspace) -> None:
        state = document_state()
        await workspace.apply([published(state)])
        anonymous = await workspace.client.get(f"/api/documents/{state.document_id}/comments")
        assert anonymous.status_code == 401
        missing = await workspace.get(f"/api/documents/{uuid.uuid4()}/comments")
        assert missing.status_code == 404
        bad = await workspace.get(f"/api/documents/{state.document_id}/comments", cursor="xx!")
        assert bad.status_code == 422


class TestFilters:
    async def test_a_section_includes_its_subsections(self, workspace: Workspace) -> None:
        state = document_state(sections=4)  # I > 1 > 1.1, P3
        events = [comment(state, i, f"Ý kiến số {i}") for i in (0, 1, 2, 3)]
        await workspace.apply([published(state), *events])
        url = f"/api/documents/{state.document_id}/comments"
        part = (await workspace.get(url, section_id=str(state.sections[0].id))).json()
        assert len(part["items"]) == 3
        leaf = (await workspace.get(url, section_id=str(state.sections[2].id))).json()
        assert [i["text"] for i in leaf["items"]] == ["Ý kiến số 2"]
        other = (await workspace.get(url, section_id=str(state.sections[3].id))).json()
        assert [i["text"] for i in other["items"]] == ["Ý kiến số 3"]
        unknown = await workspace.get(url, section_id=str(uuid.uuid4()))
        assert unknown.status_code == 404

    async def test_search_ignores_diacritics_and_case(self, workspace: Workspace) -> None:
        state = document_state()
        wanted = comment(state, 0, "Cần ưu tiên Hạ tầng giao thông nông thôn miền núi.")
        others = [
            comment(state, 0, "Đề nghị tăng hỗ trợ học phí."),
            comment(state, 1, "Giao thông đô thị ùn tắc, hạ tầng thoát nước kém."),
        ]
        await workspace.apply([published(state), wanted, *others])
        url = f"/api/documents/{state.document_id}/comments"
        for q in ("ha tang giao thong", "HẠ TẦNG giao thông", "giao thong nong thon", "hạ tầng"):
            texts = {i["text"] for i in (await workspace.get(url, q=q)).json()["items"]}
            assert wanted.payload.text in texts, q
        found = (await workspace.get(url, q="ha tang giao thong nong")).json()["items"]
        assert [i["text"] for i in found] == [wanted.payload.text]
        assert (await workspace.get(url, q="100% _x")).json()["items"] == []

    async def test_channel_status_and_date(self, workspace: Workspace) -> None:
        state = document_state()
        web = comment(state, 0, "Qua cổng", "web", at=days_ago(3))
        post = comment(state, 0, "Qua bưu điện", "post", at=days_ago(1))
        spam = comment(state, 0, "Quảng cáo", "web")
        await workspace.apply(
            [published(state), web, post, spam, status_change(ev.CommentMarkedSpam, spam)]
        )
        url = f"/api/documents/{state.document_id}/comments"
        by_channel = (await workspace.get(url, channel="post")).json()["items"]
        assert [i["text"] for i in by_channel] == ["Qua bưu điện"]
        default = {i["text"] for i in (await workspace.get(url)).json()["items"]}
        assert default == {"Qua cổng", "Qua bưu điện"}
        everything = (await workspace.get(url, status="all")).json()["items"]
        assert {i["status"] for i in everything} == {"active", "spam"}
        # a day in Vietnam's calendar, as reviewers pick it (the UTC date differs 17:00-24:00)
        since = days_ago(2).astimezone(LOCAL_TZ).date().isoformat()
        recent = (await workspace.get(url, since=since)).json()["items"]
        assert {i["text"] for i in recent} == {"Qua bưu điện"}


class TestPaging:
    async def test_keyset_pages_visit_every_comment_once_in_order(
        self, workspace: Workspace
    ) -> None:
        state = document_state()
        same_time = days_ago(0.5)
        events = [comment(state, 0, f"Ý kiến {n}", at=days_ago(2 - n / 100)) for n in range(40)]
        events += [comment(state, 0, f"Cùng lúc {n}", at=same_time) for n in range(15)]
        await workspace.apply([published(state), *events])
        url = f"/api/documents/{state.document_id}/comments"
        seen: list[str] = []
        cursor: str | None = None
        pages = 0
        while True:
            params: dict[str, object] = {"limit": 7}
            if cursor:
                params["cursor"] = cursor
            body = (await workspace.get(url, **params)).json()
            seen += [i["comment_id"] for i in body["items"]]
            pages += 1
            cursor = body["next"]
            if cursor is None:
                break
        assert pages == 8
        assert len(seen) == len(set(seen)) == 55
        received = [
            next(e.payload.submitted_at for e in events if str(e.payload.comment_id) == cid)
            for cid in seen
        ]
        assert received == sorted(received)
