"""POST /api/comments (DESIGN.md section 6): 201 and a receipt, or 422 in Vietnamese."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.feedback.models import Comment
from shared import events as ev
from shared.outbox import OutboxMessage
from tests.factories import document_state
from tests.feedback.conftest import Intake


def _body(state: ev.DocumentState, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "document_id": str(state.document_id),
        "section_id": str(state.sections[2].id),
        "text": "Đề nghị làm rõ chỉ tiêu nông nghiệp.",
    }
    body.update(overrides)
    return body


async def _submitted(intake: Intake, state: ev.DocumentState) -> str:
    """The receipt code of a comment sent through the API."""
    answer = await intake.client.post("/api/comments", json=_body(state))
    return answer.json()["receipt"]  # type: ignore[no-any-return]


class TestAccept:
    async def test_the_fixed_shape_answers_201_with_a_receipt(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        response = await intake.client.post(
            "/api/comments",
            json=_body(open_document, name="Nguyễn Văn A", email="a@example.vn"),
        )
        assert response.status_code == 201, response.text
        answer = response.json()
        assert set(answer) == {"comment_id", "receipt"}
        assert await intake.stored() == (1, 1, 1)

    async def test_a_whole_document_comment_has_a_null_section(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        response = await intake.client.post(
            "/api/comments", json=_body(open_document, section_id=None)
        )
        assert response.status_code == 201
        status = await intake.client.get(f"/api/receipts/{response.json()['receipt']}")
        assert status.json()["section_id"] is None

    async def test_text_is_stored_nfc_and_the_event_carries_no_personal_data(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        body = _body(
            open_document,
            text="Go\u0301p y\u0301\u00a0ve\u0302\u0300 mu\u0323c na\u0300y\u200b",
            email="b@example.vn",
            phone="0912 345 678",
        )
        assert (await intake.client.post("/api/comments", json=body)).status_code == 201
        async with intake.app.state.runtime.sessions() as s:
            comment = (await s.execute(select(Comment))).scalar_one()
            row = (await s.execute(select(OutboxMessage))).scalar_one()
        assert comment.text == "Góp ý về mục này"
        raw = json.dumps(row.body, ensure_ascii=False)
        assert "b@example.vn" not in raw and "0912" not in raw
        assert row.body["payload"]["text"] == "Góp ý về mục này"

    async def test_one_person_s_comments_share_a_pseudonymous_commenter_key(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        people = [
            {"email": "Lan.Tran@Example.vn"},
            {"email": "lan.tran@example.vn", "phone": "0912 345 678"},  # e-mail first
            {"phone": "+84 912 345 678"},
            {"phone": "0912.345.678"},
            {"name": "Nguyễn Văn A"},  # a name alone singles out no one
            {},
        ]
        for person in people:
            response = await intake.client.post(
                "/api/comments", json=_body(open_document, **person)
            )
            assert response.status_code == 201, response.text
        async with intake.app.state.runtime.sessions() as s:
            rows = (await s.execute(select(OutboxMessage))).scalars().all()
        by_comment = {r.key: r.body["payload"].get("commenter_key") for r in rows}
        async with intake.app.state.runtime.sessions() as s:
            order = (await s.execute(select(Comment).order_by(Comment.received_at))).scalars()
            keys = [by_comment[str(c.id)] for c in order]
        assert keys[0] == keys[1] and keys[2] == keys[3]
        assert keys[0] and keys[2] and keys[0] != keys[2]
        assert keys[4] is None and keys[5] is None
        raw = json.dumps([r.body for r in rows], ensure_ascii=False)
        assert "lan.tran" not in raw.lower()
        # the number as typed or as digits (not "912" alone: a random id or key may hold it)
        for phone in ("0912 345 678", "+84 912 345 678", "0912.345.678", "912345678"):
            assert phone not in raw


class TestRefuse:
    @pytest.mark.parametrize(
        ("change", "status", "message"),
        [
            ({"document_id": str(uuid.uuid4())}, 422, "Không tìm thấy dự thảo này."),
            ({"section_id": str(uuid.uuid4())}, 422, "Mục được góp ý không thuộc dự thảo này."),
            ({"text": "  \n\u200b "}, 422, "Vui lòng nhập nội dung góp ý."),
            ({"text": "ý" * 20_001}, 422, "vượt quá giới hạn 20.000 ký tự"),
            ({"email": "khong-phai-email"}, 422, "Địa chỉ thư điện tử không hợp lệ"),
            ({"phone": "gọi tôi"}, 422, "Số điện thoại không hợp lệ"),
            ({"name": "Lê Thị B", "consent": False}, 422, "vui lòng đánh dấu đồng ý"),
        ],
    )
    async def test_invalid_input_is_refused_in_vietnamese_and_nothing_is_stored(
        self,
        intake: Intake,
        open_document: ev.DocumentState,
        change: dict[str, object],
        status: int,
        message: str,
    ) -> None:
        response = await intake.client.post("/api/comments", json=_body(open_document, **change))
        assert response.status_code == status, response.text
        assert message in response.json()["detail"]
        assert await intake.stored() == (0, 0, 0)

    async def test_a_section_of_another_document_is_refused(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        other = await intake.catalogue(document_state())
        body = _body(open_document, section_id=str(other.sections[0].id))
        response = await intake.client.post("/api/comments", json=body)
        assert response.status_code == 422
        assert response.json()["detail"] == "Mục được góp ý không thuộc dự thảo này."
        assert await intake.stored() == (0, 0, 0)

    async def test_a_closed_window_is_refused(self, intake: Intake) -> None:
        state = document_state()
        state = await intake.catalogue(
            state.model_copy(update={"closes_at": ev.utcnow() - timedelta(minutes=1)})
        )
        response = await intake.client.post("/api/comments", json=_body(state))
        assert response.status_code == 422
        assert "Đã hết thời hạn góp ý" in response.json()["detail"]
        assert await intake.stored() == (0, 0, 0)

    async def test_a_window_not_yet_open_is_refused(self, intake: Intake) -> None:
        state = document_state()
        state = await intake.catalogue(
            state.model_copy(update={"opens_at": ev.utcnow() + timedelta(days=2)})
        )
        response = await intake.client.post("/api/comments", json=_body(state))
        assert response.status_code == 422
        assert "Dự thảo chưa mở lấy ý kiến từ ngày" in response.json()["detail"]
        assert await intake.stored() == (0, 0, 0)

    async def test_fields_the_consultation_requires_are_enforced(self, intake: Intake) -> None:
        state = await intake.catalogue(
            document_state().model_copy(update={"required_fields": ["name", "address"]})
        )
        response = await intake.client.post("/api/comments", json=_body(state, name="Trần C"))
        assert response.status_code == 422
        assert response.json() == {
            "detail": "Đợt lấy ý kiến này yêu cầu ghi địa chỉ.",
            "field": "address",
        }
        assert await intake.stored() == (0, 0, 0)
        ok = _body(state, name="Trần C", address="Phường Mường Thanh, TP Điện Biên Phủ")
        assert (await intake.client.post("/api/comments", json=ok)).status_code == 201

    async def test_a_body_that_is_not_utf8_is_refused(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        raw = json.dumps(_body(open_document, text="Góp ý"), ensure_ascii=False).encode()
        raw = raw.replace("Góp ý".encode(), "G\xf3p \xfd".encode("latin-1"))
        response = await intake.client.post(
            "/api/comments", content=raw, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422
        assert "không phải văn bản UTF-8 hợp lệ" in response.json()["detail"]
        assert await intake.stored() == (0, 0, 0)

    async def test_a_lone_surrogate_is_refused(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        raw = json.dumps(_body(open_document, text="Góp ý \ud800 lỗi"))  # valid JSON, not text
        response = await intake.client.post(
            "/api/comments", content=raw, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422
        assert "không phải văn bản UTF-8 hợp lệ" in response.json()["detail"]
        assert await intake.stored() == (0, 0, 0)

    async def test_a_malformed_body_names_the_fields_in_vietnamese(self, intake: Intake) -> None:
        response = await intake.client.post("/api/comments", json={"text": "x"})
        assert response.status_code == 422
        assert response.json()["detail"].startswith("Dữ liệu không hợp lệ ở trường: document_id")
        assert await intake.stored() == (0, 0, 0)


class TestReceiptAndWithdrawal:
    async def test_a_receipt_is_looked_up_as_typed_on_a_phone(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        receipt = await _submitted(intake, open_document)
        typed = receipt.replace("-", " ").lower()
        status = await intake.client.get(f"/api/receipts/{typed}")
        assert status.status_code == 200
        assert status.json()["section_id"] == str(open_document.sections[2].id)
        assert status.json()["status"] == "received"

    async def test_withdrawing_emits_comment_withdrawn_once(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        receipt = await _submitted(intake, open_document)
        response = await intake.client.post(f"/api/receipts/{receipt}/withdraw")
        assert response.status_code == 200 and response.json()["status"] == "withdrawn"
        again = await intake.client.post(f"/api/receipts/{receipt}/withdraw")
        assert again.status_code == 409
        assert again.json()["detail"] == "Ý kiến này đã được rút lại trước đó."
        async with intake.app.state.runtime.sessions() as s:
            rows = (await s.execute(select(OutboxMessage).order_by(OutboxMessage.seq))).scalars()  # type: ignore[arg-type]
            events = [ev.parse_event(json.dumps(r.body)) for r in rows]
        assert [type(e) for e in events] == [ev.CommentSubmitted, ev.CommentWithdrawn]
        assert events[1].payload.state_version == 2

    async def test_an_unknown_receipt_is_404_in_vietnamese(self, intake: Intake) -> None:
        response = await intake.client.get("/api/receipts/ABCDE-FGHJK")
        assert response.status_code == 404
        assert response.json()["detail"] == "Không tìm thấy ý kiến nào với mã biên nhận này."

    async def test_the_code_can_travel_in_the_body_instead_of_the_url(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        receipt = await _submitted(intake, open_document)
        found = await intake.client.post("/api/receipts/lookup", json={"receipt": receipt})
        assert found.status_code == 200 and found.json()["status"] == "received"
        gone = await intake.client.post("/api/receipts/withdraw", json={"receipt": receipt})
        assert gone.status_code == 200 and gone.json()["status"] == "withdrawn"


class TestRetries:
    async def test_a_retry_with_the_same_idempotency_key_gets_the_first_receipt(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        headers = {"Idempotency-Key": "lan-gui-1"}
        body = _body(open_document)
        first = await intake.client.post("/api/comments", json=body, headers=headers)
        again = await intake.client.post("/api/comments", json=body, headers=headers)
        assert first.status_code == again.status_code == 201
        assert first.json() == again.json()
        other = await intake.client.post(
            "/api/comments", json={**body, "text": "Một ý kiến khác"}, headers=headers
        )
        assert other.json()["receipt"] != first.json()["receipt"]  # the key is not reused
        plain = await intake.client.post("/api/comments", json=body)
        assert plain.json()["receipt"] != first.json()["receipt"]  # without a key: a new one
        assert await intake.stored() == (3, 3, 0)
