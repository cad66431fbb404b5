"""Review decisions (audited, a whole cluster at once) and the synthesis report in LibreOffice."""

from __future__ import annotations

import io
import random
import subprocess
from pathlib import Path

from docx import Document
from sqlalchemy import select

from services.aggregator.report import TITLE
from shared import events as ev
from shared.audit import AuditEntry
from tests.aggregator.builders import comment
from tests.aggregator.campaigns import CAMPAIGNS, variant
from tests.aggregator.conftest import Workspace
from tests.factories import document_state, published
from tests.helpers import print_to_pdf


async def _campaign(
    workspace: Workspace, copies: int = 12
) -> tuple[ev.DocumentState, list[ev.CommentSubmitted]]:
    state = document_state(sections=4)
    rng = random.Random(3)
    copies_ = [  # from 30 people at most: some send the circulated text twice
        comment(
            state,
            2,
            variant(CAMPAIGNS[1], rng),
            rng.choice(["web", "email"]),
            commenter=f"nguoi-{n % 30}",
        )
        for n in range(copies)
    ]
    own = [
        comment(state, 3, "Đề nghị làm rõ nguồn vốn cho chương trình nông thôn mới.", "post"),
        comment(state, None, "Nhất trí với bố cục của dự thảo.", "web"),
    ]
    await workspace.apply([published(state), *copies_, *own])
    return state, [*copies_, *own]


class TestReview:
    async def test_a_whole_cluster_is_decided_at_once_and_audited(
        self, workspace: Workspace
    ) -> None:
        state, events = await _campaign(workspace)
        base = f"/api/documents/{state.document_id}"
        first = events[0].payload.comment_id
        response = await workspace.client.put(
            f"{base}/comments/{first}/review",
            json={
                "disposition": "explained",
                "explanation": "Điểm trường được giữ theo quy hoạch mạng lưới trường học.",
                "themes": ["giáo dục", "giáo dục", " trường học "],
                "whole_cluster": True,
            },
            headers=workspace.auth,
        )
        assert response.status_code == 200, response.text
        assert len(response.json()["comment_ids"]) == 12
        assert response.json()["themes"] == ["giáo dục", "trường học"]
        items = (await workspace.get(f"{base}/comments", limit=100)).json()["items"]
        decided = {i["comment_id"] for i in items if i["disposition"] == "explained"}
        assert decided == {str(e.payload.comment_id) for e in events[:12]}
        themed = (await workspace.get(f"{base}/comments", theme="giáo dục")).json()["items"]
        assert len(themed) == 12
        pending = (await workspace.get(f"{base}/comments", disposition="none")).json()["items"]
        assert len(pending) == 2
        async with workspace.sessions() as session:
            [entry] = (
                (await session.execute(select(AuditEntry).where(AuditEntry.action == "review.set")))
                .scalars()
                .all()
            )
        assert entry.actor == "token:test-reviewer" and entry.actor_name == "Chị Lan"
        assert entry.object_id == str(first) and entry.detail["comments"] == 12

    async def test_setting_aside_needs_a_reason(self, workspace: Workspace) -> None:
        state, events = await _campaign(workspace, copies=2)
        url = f"/api/documents/{state.document_id}/comments/{events[-1].payload.comment_id}/review"
        refused = await workspace.client.put(
            url, json={"disposition": "set_aside"}, headers=workspace.auth
        )
        assert refused.status_code == 422
        assert "lý do" in refused.json()["detail"]

    async def test_progress_and_assignment(self, workspace: Workspace) -> None:
        state, events = await _campaign(workspace, copies=3)
        base = f"/api/documents/{state.document_id}"
        await workspace.client.put(
            f"{base}/comments/{events[0].payload.comment_id}/review",
            json={"disposition": "taken_in", "explanation": "Đã sửa."},
            headers=workspace.auth,
        )
        assigned = await workspace.client.put(
            f"{base}/sections/{state.sections[2].id}/assignment",
            json={"reviewer": "lan@so-khdt.gov.vn", "reviewer_name": "Chị Lan"},
            headers=workspace.auth,
        )
        assert assigned.status_code == 200
        progress = {p["section_id"]: p for p in (await workspace.get(f"{base}/progress")).json()}
        leaf = progress[str(state.sections[2].id)]
        assert (leaf["comments"], leaf["reviewed"], leaf["percent"], leaf["reviewer"]) == (
            3,
            1,
            33,
            "Chị Lan",
        )


class TestReport:
    async def test_the_report_opens_in_libreoffice_with_its_parts(
        self, workspace: Workspace, tmp_path: Path
    ) -> None:
        state, events = await _campaign(workspace, copies=40)
        await workspace.client.put(
            f"/api/documents/{state.document_id}/comments/{events[0].payload.comment_id}/review",
            json={
                "disposition": "set_aside",
                "explanation": "Không phù hợp quy hoạch chung.",
                "whole_cluster": True,
            },
            headers=workspace.auth,
        )
        response = await workspace.get(f"/api/documents/{state.document_id}/report.docx")
        assert response.status_code == 200
        assert "wordprocessingml" in response.headers["content-type"]
        document = Document(io.BytesIO(response.content))
        assert len(document.tables) == 3  # title block, summary, annex
        summary = document.tables[1]
        assert [c.text for c in summary.rows[0].cells][2:4] == ["Số ý kiến", "Số người"]
        part = [c.text for c in summary.rows[1].cells]  # Part I: the 40 copies, 30 people
        assert part[0] == "I" and part[2:4] == ["40", "30"]
        assert len(document.tables[2].rows) == 1 + 42
        source = tmp_path / "bao-cao.docx"
        source.write_bytes(response.content)
        pdf = print_to_pdf(source)
        info = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        pages = int(
            next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
        )
        assert 3 <= pages <= 12, pages
        text = " ".join(
            subprocess.run(
                ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout.split()
        )
        for expected in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "BÁO CÁO",
            "giải trình ý kiến góp ý",
            "(40 ý kiến)",
            "Tổng số ý kiến hợp lệ: 42, của 32 người góp ý",
            "Hướng xử lý: Không tiếp thu. Không phù hợp quy hoạch chung.",
            "Phụ lục: Danh sách ý kiến góp ý",
            "nguồn vốn cho chương trình nông thôn mới",
            "Nhất trí với bố cục của dự thảo.",
        ):
            assert expected in text, expected
        assert TITLE.startswith("Báo cáo tổng hợp")
