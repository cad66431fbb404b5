"""The HTML form (POST /comments): receipt page, or the form again with the text and the reason."""

from __future__ import annotations

import re
import time
import uuid
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import select

from services.feedback.models import Comment, MailMessage
from shared import events as ev
from shared import form_tokens
from tests.factories import document_state
from tests.feedback.conftest import Intake, IntakeFactory, running_intake

RECEIPT = re.compile(r'class="receipt"[^>]*>([A-Z2-9]{5}-[A-Z2-9]{5})<')


def _code(page: httpx.Response) -> str:
    match = RECEIPT.search(page.text)
    assert match, page.text
    return match.group(1)


class TestAccept:
    async def test_a_form_comment_gets_a_receipt_page(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        form = intake.form(open_document, name="Phạm Thị D", email="d@example.vn", consent="yes")
        posted = await intake.client.post("/comments", data=form)
        assert posted.status_code == 303, posted.text
        assert posted.headers["location"].startswith("/comments/received/")
        response = await intake.client.get(posted.headers["location"])
        assert response.status_code == 200, response.text
        assert RECEIPT.search(posted.headers["location"]) is None
        code = RECEIPT.search(response.text)
        assert code, response.text
        assert "Cảm ơn bạn, ý kiến đã được ghi nhận" in response.text
        assert "mục 1. Kinh tế" in response.text
        assert 'href="http://gopy.test:8001/d/' in response.text
        assert await intake.stored() == (1, 1, 1)
        async with intake.app.state.runtime.sessions() as s:
            mail = (await s.execute(select(MailMessage))).scalar_one()
        assert code.group(1) in mail.subject and mail.to_address == "d@example.vn"

    async def test_anonymous_comments_need_no_consent_and_queue_no_mail(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        response = await intake.send_form(intake.form(open_document))
        assert response.status_code == 200
        assert await intake.stored() == (1, 1, 0)

    async def test_the_receipt_page_follows_the_chosen_language(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        response = await intake.send_form(intake.form(open_document, lang="en"))
        assert response.status_code == 200
        assert '<html lang="en">' in response.text
        assert "Thank you, your comment has been received" in response.text


class TestRefuse:
    @pytest.mark.parametrize(
        ("change", "status", "message", "field"),
        [
            ({"form_token": ""}, 403, "Không xác thực được biểu mẫu góp ý", "form"),
            ({"form_token": "f1.1.abc.forged"}, 403, "Không xác thực được biểu mẫu", "form"),
            ({"website": "http://spam.example"}, 422, "phải được để trống", "form"),
            ({"text": "   "}, 422, "Vui lòng nhập nội dung góp ý.", "text"),
            ({"text": "ư" * 20_001}, 422, "vượt quá giới hạn 20.000 ký tự", "text"),
            ({"name": "Hoàng E"}, 422, "vui lòng đánh dấu đồng ý", "consent"),
            ({"email": "e@", "consent": "yes"}, 422, "thư điện tử không hợp lệ", "email"),
            ({"section_id": str(uuid.uuid4())}, 422, "không thuộc dự thảo này", "form"),
        ],
    )
    async def test_a_refusal_keeps_the_text_and_says_why_next_to_the_field(
        self,
        intake: Intake,
        open_document: ev.DocumentState,
        change: dict[str, str],
        status: int,
        message: str,
        field: str,
    ) -> None:
        form = intake.form(open_document, **change)
        response = await intake.client.post("/comments", data=form)
        assert response.status_code == status, response.text
        assert message in response.text
        assert f'id="err-gui-lai-{field}"' in response.text
        assert await intake.stored() == (0, 0, 0)
        if "text" not in change:
            assert "Đề nghị bổ sung số liệu về giảm nghèo.</textarea>" in response.text
        fresh = re.search(r'name="form_token" value="([^"]+)"', response.text)
        assert fresh is not None  # the citizen can send again from this page

    async def test_text_percent_encoded_from_another_charset_is_refused(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        form = intake.form(open_document, text="TEXT")
        body = urlencode(form).replace("TEXT", "G%F3p+%FD")  # Latin-1 bytes, not UTF-8
        response = await intake.client.post(
            "/comments", content=body, headers={"content-type": "application/x-www-form-urlencoded"}
        )
        assert response.status_code == 422
        assert "không phải văn bản UTF-8 hợp lệ" in response.text
        assert 'id="err-gui-lai-text"' in response.text
        assert await intake.stored() == (0, 0, 0)

    async def test_a_token_for_another_document_is_refused(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        other = await intake.catalogue(document_state())
        form = intake.form(open_document, form_token=intake.token(other))
        response = await intake.client.post("/comments", data=form)
        assert response.status_code == 403
        assert await intake.stored() == (0, 0, 0)

    async def test_an_expired_token_keeps_the_text_and_offers_to_send_again(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        stale = form_tokens.issue(
            intake.settings.signing_keys, open_document.document_id, now=time.time() - 2 * 86400
        )
        form = intake.form(open_document, form_token=stale, text="Ý kiến viết rất lâu")
        response = await intake.client.post("/comments", data=form)
        assert response.status_code == 403
        assert "phiên gửi đã hết hạn" in response.text
        assert "Ý kiến viết rất lâu</textarea>" in response.text
        fresh = re.search(r'name="form_token" value="([^"]+)"', response.text)
        assert fresh is not None
        again = await intake.client.post("/comments", data={**form, "form_token": fresh.group(1)})
        assert again.status_code == 303

    async def test_what_the_citizen_typed_comes_back_escaped(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        form = intake.form(open_document, text="<script>alert(1)</script>", name="<b>X</b>")
        response = await intake.client.post("/comments", data=form)
        assert response.status_code == 422
        assert "<script>alert(1)</script>" not in response.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
        assert "&lt;b&gt;X&lt;/b&gt;" in response.text

    async def test_a_closed_window_is_refused_on_the_form_too(self, intake: Intake) -> None:
        state = await intake.catalogue(document_state(status="closed"))
        response = await intake.client.post("/comments", data=intake.form(state))
        assert response.status_code == 422
        assert "Đã hết thời hạn góp ý" in response.text
        assert await intake.stored() == (0, 0, 0)


class TestSentOnce:
    async def test_a_reload_of_the_receipt_page_shows_the_same_receipt_and_stores_nothing(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        first = await intake.send_form(intake.form(open_document))
        again = await intake.client.get(first.url)
        assert _code(first) == _code(again)
        assert await intake.stored() == (1, 1, 0)

    async def test_the_same_form_sent_twice_returns_the_first_receipt(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        form = intake.form(open_document)
        first = await intake.send_form(form)
        second = await intake.send_form(form)
        assert first.url == second.url
        assert _code(first) == _code(second)
        assert await intake.stored() == (1, 1, 0)

    async def test_a_retry_after_a_restart_still_finds_the_first_receipt(
        self, make_intake: IntakeFactory
    ) -> None:
        settings = make_intake()
        async with running_intake(settings) as intake:
            state = await intake.catalogue(document_state())
            form = intake.form(state)
            first = await intake.client.post("/comments", data=form)
        async with running_intake(settings) as restarted:  # nothing remembered in memory
            second = await restarted.client.post("/comments", data=form)
            assert first.headers["location"] == second.headers["location"]
            assert await restarted.stored() == (1, 1, 0)

    async def test_another_text_or_section_from_the_same_page_is_another_comment(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        form = intake.form(open_document)
        await intake.send_form(form)
        await intake.send_form({**form, "text": "Một ý kiến khác"})
        await intake.send_form({**form, "section_id": str(open_document.sections[2].id)})
        assert await intake.stored() == (3, 3, 0)

    async def test_the_receipt_page_shows_no_code_to_another_browser(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        page = await intake.send_form(intake.form(open_document))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=intake.app), base_url="http://gopy.test:8002"
        ) as stranger:
            seen = await stranger.get(str(page.url))
        assert seen.status_code == 404
        assert RECEIPT.search(seen.text) is None
        assert "chỉ hiện trên trình duyệt đã gửi ý kiến" in seen.text


class TestLongText:
    async def test_a_25000_character_paste_comes_back_whole_with_the_reason(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        pasted = ("Đề nghị sửa đổi điều khoản về đất đai. " * 700)[:25_000]
        response = await intake.send_form(intake.form(open_document, text=pasted))
        assert response.status_code == 422
        assert (
            "dài 25.000 ký tự, vượt quá giới hạn 20.000 ký tự. Vui lòng rút gọn." in response.text
        )
        kept = re.search(r'<textarea id="text-gui-lai"[^>]*>(.*?)</textarea>', response.text, re.S)
        assert kept is not None and kept.group(1) == pasted
        assert (
            "maxlength" not in response.text.split('<textarea id="text-gui-lai"')[1].split(">")[0]
        )
        assert await intake.stored() == (0, 0, 0)


class TestLookupAndWithdraw:
    async def _receipt(self, intake: Intake, state: ev.DocumentState, text: str) -> str:
        response = await intake.send_form(intake.form(state, text=text))
        match = RECEIPT.search(response.text)
        assert match
        return match.group(1)

    async def test_the_lookup_page_shows_where_the_comment_is_filed_escaped(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        code = await self._receipt(intake, open_document, "Xem <img src=x onerror=alert(1)>")
        page = await intake.client.post("/receipt", data={"code": code.lower()})
        assert page.status_code == 200
        assert "mục 1. Kinh tế" in page.text and "Trạng thái: đã tiếp nhận." in page.text
        assert "<img src=x" not in page.text and "&lt;img src=x" in page.text

    async def test_a_code_in_the_address_is_not_looked_up(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        code = await self._receipt(intake, open_document, "Không để mã trong địa chỉ")
        page = await intake.client.get("/receipt", params={"code": code})
        assert page.status_code == 200
        assert "Trạng thái" not in page.text  # an old link only fills the box
        assert 'method="post" action="/receipt"' in page.text

    async def test_an_unknown_code_says_so(self, intake: Intake) -> None:
        page = await intake.client.post("/receipt", data={"code": "ZZZZZ-ZZZZZ"})
        assert page.status_code == 404
        assert "Không tìm thấy ý kiến nào với mã biên nhận này." in page.text

    async def test_withdrawing_asks_first_then_withdraws(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        code = await self._receipt(intake, open_document, "Tôi muốn rút lại sau")
        page = await intake.client.post("/receipt", data={"code": code})
        token = re.search(r'name="form_token" value="([^"]+)"', page.text)
        assert token
        forged = await intake.client.post(
            "/receipt/withdraw", data={"code": code, "form_token": "f1.1.x.y", "confirm": "yes"}
        )
        assert forged.status_code == 403
        asked = await intake.client.post(
            "/receipt/withdraw", data={"code": code, "form_token": token.group(1)}
        )
        assert asked.status_code == 200
        assert f"Bạn có chắc muốn rút lại ý kiến {code}?" in asked.text
        assert 'name="confirm" value="yes"' in asked.text
        assert await intake.stored() == (1, 1, 0)  # nothing withdrawn yet
        confirm = re.search(r'name="form_token" value="([^"]+)"', asked.text)
        assert confirm
        done = await intake.client.post(
            "/receipt/withdraw",
            data={"code": code, "form_token": confirm.group(1), "confirm": "yes"},
        )
        assert done.status_code == 200
        assert f"Đã rút lại ý kiến {code}." in done.text
        async with intake.app.state.runtime.sessions() as s:
            comment = (await s.execute(select(Comment))).scalar_one()
        assert comment.status == "withdrawn" and comment.state_version == 2
        assert await intake.stored() == (1, 2, 0)
