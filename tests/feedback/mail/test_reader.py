"""The reader's judgements and bounds, and the command on a .docx draft."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document

from services.feedback.__main__ import main
from services.feedback.mail import DedupState, Limits, read_message
from services.feedback.mail.catalogue import Catalogue

from .build_corpus import docx_bytes, mixed, plain


def _raw(body: str, extra: str = "", subject: str = "Góp ý", sender: str = "An <an@x.vn>") -> bytes:
    return plain(sender, subject, "m1@x.vn", body, extra=extra)


class TestNotComments:
    @pytest.mark.parametrize(
        "extra, subject",
        [
            ("Auto-Submitted: auto-generated\n", "Góp ý"),
            ("Precedence: junk\n", "Góp ý"),
            ("Precedence: list\n", "Góp ý"),
            ("X-Autorespond: 1\n", "Góp ý"),
            ("", "Automatic reply: Góp ý dự thảo"),
            ("", "Re: Trả lời tự động: vắng mặt"),
        ],
    )
    def test_machine_sent(self, catalogue: Catalogue, extra: str, subject: str) -> None:
        raw = _raw("Tôi đang vắng mặt.", extra=extra, subject=subject)
        parsed = read_message(raw, catalogue, DedupState())
        assert parsed.outcome == "not_a_comment" and parsed.reason

    def test_auto_submitted_no_is_a_person(self, catalogue: Catalogue) -> None:
        raw = _raw("Dự thảo cần ngắn hơn.", extra="Auto-Submitted: no\n")
        assert read_message(raw, catalogue, DedupState()).outcome == "accepted"


class TestSpam:
    def test_links_and_gambling_words(self, catalogue: Catalogue) -> None:
        body = "Nhà cái casino uy tín http://a.example http://b.example http://c.example"
        parsed = read_message(_raw(body), catalogue, DedupState())
        assert parsed.outcome == "rejected_spam"
        assert "casino" in parsed.reason

    def test_a_comment_with_a_link_is_not_spam(self, catalogue: Catalogue) -> None:
        body = (
            "Mục 1.3 phần thứ hai: đường Mường Nhé xuống cấp, xem ảnh tại "
            "http://anh.example/duong. Đề nghị sửa sớm."
        )
        assert read_message(_raw(body), catalogue, DedupState()).outcome == "accepted"


class TestBounds:
    def test_an_oversized_message_is_quarantined_not_dropped(self, catalogue: Catalogue) -> None:
        raw = _raw("Dự thảo cần ngắn hơn. " * 200)
        parsed = read_message(raw, catalogue, DedupState(), Limits(max_bytes=1000))
        assert parsed.outcome == "quarantined"
        assert parsed.sender_email == "an@x.vn" and "quá lớn" in parsed.reason

    def test_too_many_parts_is_quarantined(self, catalogue: Catalogue) -> None:
        files = [(f"a{i}.txt", "text/plain", b"x") for i in range(10)]
        raw = mixed("An <an@x.vn>", "Góp ý", "m2@x.vn", "Nội dung", files)
        parsed = read_message(raw, catalogue, DedupState(), Limits(max_parts=5))
        assert parsed.outcome == "quarantined"

    def test_a_damaged_word_file_goes_to_the_clerk(self, catalogue: Catalogue) -> None:
        raw = mixed(
            "An <an@x.vn>",
            "Góp ý",
            "m3@x.vn",
            "Xem file đính kèm.",
            [("y_kien.docx", "application/octet-stream", b"PK\x03\x04 not really a zip")],
        )
        parsed = read_message(raw, catalogue, DedupState())
        assert parsed.outcome == "quarantined"
        assert "y_kien.docx" in parsed.reason and parsed.attachments == ["y_kien.docx"]

    def test_a_short_body_and_the_attached_letter_together(self, catalogue: Catalogue) -> None:
        raw = mixed(
            "An <an@x.vn>",
            "Góp ý",
            "m5@x.vn",
            "Kính gửi Ban biên tập.",
            [("a.docx", "application/octet-stream", docx_bytes(["Phần V: cần thêm nguồn lực."]))],
        )
        parsed = read_message(raw, catalogue, DedupState())
        assert [(c.section_path, c.text) for c in parsed.comments] == [
            (("Phần thứ hai", "V"), "Kính gửi Ban biên tập.\n\nPhần V: cần thêm nguồn lực.")
        ]

    def test_outlook_forward_names_the_original_sender(self, catalogue: Catalogue) -> None:
        body = (
            "Chuyển anh xem.\n\n-----Original Message-----\n"
            "From: Lò Văn Bình [mailto:binh.lv@gmail.com]\nSent: Monday, July 6, 2020 8:00 AM\n"
            "To: Xã Thanh Xương\nSubject: Góp ý\n\nĐề nghị phần V bổ sung nguồn lực."
        )
        parsed = read_message(_raw(body, subject="FW: Góp ý"), catalogue, DedupState())
        assert parsed.sender_email == "binh.lv@gmail.com" and parsed.sender_name == "Lò Văn Bình"
        assert [c.text for c in parsed.comments] == ["Đề nghị phần V bổ sung nguồn lực."]

    def test_an_outlook_reply_is_not_a_forward(self, catalogue: Catalogue) -> None:
        body = (
            "Đồng ý với phần V.\n\n-----Original Message-----\n"
            "From: Ban Tuyên giáo [mailto:btg@x.vn]\nSent: Monday\nTo: An\nSubject: Mời\n\nMời."
        )
        parsed = read_message(_raw(body, subject="RE: Mời góp ý"), catalogue, DedupState())
        assert parsed.sender_email == "an@x.vn"
        assert [c.text for c in parsed.comments] == ["Đồng ý với phần V."]

    def test_body_with_substance_wins_over_the_attachment(self, catalogue: Catalogue) -> None:
        body = "Tôi thấy dự thảo cần bổ sung nhiều về giáo dục vùng cao, nhất là trường bán trú."
        raw = mixed(
            "An <an@x.vn>",
            "Góp ý",
            "m4@x.vn",
            body,
            [("phu_luc.docx", "application/octet-stream", docx_bytes(["Ảnh hoạt động"]))],
        )
        parsed = read_message(raw, catalogue, DedupState())
        assert [c.text for c in parsed.comments] == [body]


class TestCommandOnDocx:
    def test_a_docx_draft_gives_the_catalogue(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        document = Document()
        for line in ("DỰ THẢO BÁO CÁO", "I. KẾT QUẢ", "1. Nông nghiệp", "Lúa tăng.",
                     "II. NHIỆM VỤ", "1. Giao thông", "Làm đường."):  # fmt: skip
            document.add_paragraph(line)
        buffer = io.BytesIO()
        document.save(buffer)
        draft = tmp_path / "du_thao.docx"
        draft.write_bytes(buffer.getvalue())
        message = tmp_path / "a.eml"
        message.write_bytes(_raw("Mục 1, phần II: làm đường bê tông."))
        assert main(["parse-email", "--document", str(draft), str(message)]) == 0
        record = json.loads(capsys.readouterr().out)
        assert record["outcome"] == "accepted"
        assert record["comments"] == [
            {"section": ["II", "1"], "text": "Mục 1, phần II: làm đường bê tông."}
        ]
        assert record["sender_email"] == "an@x.vn" and record["sender_name"] == "An"


class TestDamagedInput:
    def test_cut_and_garbled_messages_always_get_an_outcome(self, catalogue: Catalogue) -> None:
        corpus = sorted((Path(__file__).parent / "corpus").glob("*.eml"))
        outcomes = set()
        for path in corpus:
            raw = path.read_bytes()
            for cut in (len(raw) // 7, len(raw) // 3, len(raw) - 5):
                for damaged in (raw[:cut], raw[:cut].replace(b"\n", b"\n\x00", 3)):
                    parsed = read_message(damaged, catalogue, DedupState())
                    outcomes.add(parsed.outcome)
        assert outcomes <= {
            "accepted", "quarantined", "duplicate", "rejected_spam", "not_a_comment"
        }  # fmt: skip

    def test_deeply_nested_multiparts_are_bounded(self, catalogue: Catalogue) -> None:
        depth = 400
        head = b"From: A <a@x.vn>\nSubject: x\nMIME-Version: 1.0\n"
        parts = b"".join(
            b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i)
            for i in range(depth)
        )
        raw = head + parts + b"Content-Type: text/plain\n\nNoi dung.\n"
        parsed = read_message(raw, catalogue, DedupState())
        assert parsed.outcome == "quarantined" and parsed.reason


class TestSubjectOnly:
    def test_a_comment_written_in_the_subject(self, catalogue: Catalogue) -> None:
        raw = _raw("", subject="Re: Đề nghị bỏ chỉ tiêu tổng sản lượng lương thực ở phụ lục")
        parsed = read_message(raw, catalogue, DedupState())
        assert parsed.outcome == "accepted"
        assert [(c.section_path, c.text) for c in parsed.comments] == [
            (
                ("Phần thứ hai", "V", "6", "6.6"),
                "Đề nghị bỏ chỉ tiêu tổng sản lượng lương thực ở phụ lục",
            )
        ]

    def test_a_generic_subject_is_no_comment(self, catalogue: Catalogue) -> None:
        parsed = read_message(
            _raw("", subject="Góp ý dự thảo báo cáo chính trị"), catalogue, DedupState()
        )
        assert parsed.outcome == "not_a_comment"
