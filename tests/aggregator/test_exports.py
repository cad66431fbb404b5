"""Exports of comments and tallies (CSV, XLSX) with the list's filters; no personal details."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from shared import events as ev
from shared.text import LOCAL_TZ
from tests.aggregator.builders import comment
from tests.aggregator.conftest import Workspace
from tests.factories import document_state, published


async def _seed(workspace: Workspace) -> ev.DocumentState:
    state = document_state(sections=4)
    plain = comment(state, 2, "Đề nghị ưu tiên hạ tầng giao thông nông thôn.", "web")
    # a name never leaves the aggregator's pages
    web = plain.model_copy(
        update={"payload": plain.payload.model_copy(update={"display_name": "Nguyễn Văn A"})}
    )
    await workspace.apply(
        [
            published(state),
            web,
            comment(state, 3, '=HYPERLINK("http://x") thư rác công thức', "email"),
            comment(state, None, "Ý kiến chung về toàn văn.", "post"),
        ]
    )
    return state


class TestComments:
    async def test_csv_has_every_comment_and_honours_filters(self, workspace: Workspace) -> None:
        state = await _seed(workspace)
        url = f"/api/documents/{state.document_id}/comments.csv"
        response = await workspace.get(url)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][0] == "Mã ý kiến" and len(rows) == 4
        assert "Nguyễn Văn A" not in text
        formula = next(r for r in rows if "thư rác" in r[4])
        assert formula[4].startswith("'=")  # a spreadsheet shows it, never runs it
        filtered = await workspace.get(url, q="ha tang giao thong")
        rows = list(csv.reader(io.StringIO(filtered.content.decode("utf-8-sig"))))
        assert [r[4] for r in rows[1:]] == ["Đề nghị ưu tiên hạ tầng giao thông nông thôn."]
        assert rows[1][1].startswith("I.1.1")
        by_channel = await workspace.get(url, channel="post")
        rows = list(csv.reader(io.StringIO(by_channel.content.decode("utf-8-sig"))))
        assert [r[1] for r in rows[1:]] == ["Toàn văn dự thảo"]

    async def test_xlsx_opens_with_the_same_rows(self, workspace: Workspace) -> None:
        state = await _seed(workspace)
        response = await workspace.get(
            f"/api/documents/{state.document_id}/comments.xlsx",
            section_id=str(state.sections[0].id),
        )
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        rows = list(book.active.iter_rows(values_only=True))
        assert rows[0][0] == "Mã ý kiến"
        assert [r[4] for r in rows[1:]] == ["Đề nghị ưu tiên hạ tầng giao thông nông thôn."]


class TestTallies:
    async def test_tallies_csv_and_xlsx_list_every_section(self, workspace: Workspace) -> None:
        state = await _seed(workspace)
        lan = "khoa-cua-lan"
        await workspace.apply(
            [
                comment(state, 2, "Lần thứ nhất", commenter=lan),
                comment(state, 1, "Lần thứ hai", "email", commenter=lan),
            ]
        )
        base = f"/api/documents/{state.document_id}"
        rows = list(
            csv.reader(
                io.StringIO(
                    (await workspace.get(base + "/tallies.csv")).content.decode("utf-8-sig")
                )
            )
        )
        assert [r[0] for r in rows[1:]] == [".".join(s.path) for s in state.sections]
        assert rows[0][2:4] == ["Tổng số ý kiến", "Số người góp ý"]
        # Part I holds the comments on 1 and 1.1: three, from two people (Lan wrote twice)
        assert rows[1][2:] == ["3", "2", "2", "1", "0"]
        assert rows[4][2:] == ["1", "1", "0", "1", "0"]
        book = load_workbook(io.BytesIO((await workspace.get(base + "/tallies.xlsx")).content))
        today = ev.utcnow().astimezone(LOCAL_TZ).date()  # Vietnam's day, whatever the server's
        assert book.active.title == f"Số liệu {today.day}-{today.month}-{today.year}"
        sheet_rows = list(book.active.iter_rows(values_only=True))
        assert sheet_rows[1][2:4] == (3, 2) and len(sheet_rows) == 5
