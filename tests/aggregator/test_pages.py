"""The reviewers' pages: overview with chart and heat bars, live counts, section page, review."""

from __future__ import annotations

import json

from tests.aggregator.builders import comment, days_ago
from tests.aggregator.conftest import Workspace
from tests.factories import document_state, published


async def _seed(workspace: Workspace):  # type: ignore[no-untyped-def]
    state = document_state(sections=4)
    events = [
        comment(state, 2, "Cần ưu tiên hạ tầng giao thông nông thôn.", "web", at=days_ago(2)),
        comment(state, 2, "Đề nghị bổ sung số liệu lao động.", "email", at=days_ago(1)),
        comment(state, 3, "Ý kiến về phần 3.", "post"),
    ]
    await workspace.apply([published(state), *events])
    return state, events


class TestOverview:
    async def test_tree_counts_heat_chart_and_time_left(self, workspace: Workspace) -> None:
        state, _ = await _seed(workspace)
        page = await workspace.get(f"/tong-hop/d/{state.document_id}")
        assert page.status_code == 200
        html = page.text
        assert "Còn 29 ngày" in html or "Còn 30 ngày" in html
        assert html.count("<rect x=") == 3  # three days, one channel each
        assert f'data-live-section="{state.sections[0].id}">2<' in html
        assert f'data-live-heat="{state.sections[0].id}" width="100.0"' in html
        assert f'data-live-heat="{state.sections[3].id}" width="50.0"' in html
        assert "/api/documents/" in html and "report.docx" in html

    async def test_people_are_counted_once_in_each_part(self, workspace: Workspace) -> None:
        state, _ = await _seed(workspace)  # three comments without contact: three people
        lan = "khoa-cua-lan"
        await workspace.apply(
            [
                comment(state, 2, "Lần một", commenter=lan),
                comment(state, 1, "Lần hai", commenter=lan),
            ]
        )
        html = (await workspace.get(f"/tong-hop/d/{state.document_id}")).text
        assert '<th scope="col">Người góp ý</th>' in html
        assert f'data-live-section="{state.sections[0].id}">4<' in html
        assert f'data-live-commenters="{state.sections[0].id}">3<' in html  # Lan once
        assert f'data-live-commenters="{state.sections[3].id}">1<' in html
        assert "<strong data-live-people>4</strong> người góp ý" in html
        response = await workspace.get(f"/tong-hop/d/{state.document_id}/truc-tiep", once="true")
        data = json.loads(response.text.splitlines()[1].removeprefix("data: "))
        assert data["people"] == 4 and data["commenters"][str(state.sections[0].id)] == 3

    async def test_live_counts_arrive_as_server_sent_events(self, workspace: Workspace) -> None:
        state, _ = await _seed(workspace)
        # the in-process transport waits for the end of a response: ask for one event
        response = await workspace.get(f"/tong-hop/d/{state.document_id}/truc-tiep", once="true")
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.text.splitlines()
        assert lines[0] == "event: counts"
        data = json.loads(lines[1].removeprefix("data: "))
        assert data["total"] == 3
        assert data["sections"][str(state.sections[0].id)] == 2


class TestSectionPage:
    async def test_search_and_review_from_the_page(self, workspace: Workspace) -> None:
        state, events = await _seed(workspace)
        url = f"/tong-hop/d/{state.document_id}/muc/{state.sections[0].id}"
        found = await workspace.get(url, q="ha tang giao thong")
        assert found.status_code == 200
        assert "hạ tầng giao thông nông thôn" in found.text
        assert "số liệu lao động" not in found.text
        target = events[0].payload.comment_id
        saved = await workspace.client.post(
            f"/tong-hop/d/{state.document_id}/y-kien/{target}/xu-ly",
            data={
                "disposition": "taken_in",
                "explanation": "Đã bổ sung vào mục 1.1.",
                "themes": "giao thông, nông thôn",
                "back": url + "?q=ha+tang",
            },
            headers=workspace.auth,
        )
        assert saved.status_code == 303
        assert saved.headers["location"] == f"{url}?q=ha+tang#y-kien-{target}"
        again = await workspace.get(url, q="ha tang")
        assert "Tiếp thu" in again.text and "Đã bổ sung vào mục 1.1." in again.text
        assert "Chị Lan" in again.text
        elsewhere = await workspace.client.post(
            f"/tong-hop/d/{state.document_id}/y-kien/{target}/xu-ly",
            data={"disposition": "taken_in", "back": "https://evil.example/"},
            headers=workspace.auth,
        )
        assert elsewhere.headers["location"].startswith(f"/tong-hop/d/{state.document_id}#")

    async def test_the_section_s_text_is_shown_beside_its_comments(
        self, workspace: Workspace
    ) -> None:
        text = (
            "Tốc độ tăng trưởng kinh tế bình quân đạt 7,5%/năm.\n\n"
            "Chỉ tiêu <b>thu ngân sách</b> & đầu tư | vượt kế hoạch\n"
            "<script>alert(1)</script>"
        )
        state = document_state(sections=4, part_text=text)
        sections = state.sections
        await workspace.apply([published(state), comment(state, 0, "Đề nghị làm rõ số liệu.")])
        html = (await workspace.get(f"/tong-hop/d/{state.document_id}/muc/{sections[0].id}")).text
        assert "<p>Tốc độ tăng trưởng kinh tế bình quân đạt 7,5%/năm.</p>" in html
        assert (
            "<p>Chỉ tiêu &lt;b&gt;thu ngân sách&lt;/b&gt; &amp; đầu tư | vượt kế hoạch</p>" in html
        )
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
        assert "Đề nghị làm rõ số liệu." in html
        assert "1 ý kiến hợp lệ của 1 người góp ý" in html
        leaf = (await workspace.get(f"/tong-hop/d/{state.document_id}/muc/{sections[2].id}")).text
        assert "Mục này không có nội dung riêng" in leaf
