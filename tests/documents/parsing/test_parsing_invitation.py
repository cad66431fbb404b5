"""Invitation to comment: addresses, e-mails, the window and postage-free post."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

from services.documents.parsing import invitation_record, parse_text

BODY = (
    "I. KẾT QUẢ\n1. Kinh tế\nLũy kế số vốn đã giải ngân từ đầu năm đến ngày 30/10/2019 là 386 tỷ.\n"
)


class TestInvitation:
    def test_range_without_start_year(self) -> None:
        doc = parse_text(BODY + "\nThời gian nhận đóng góp ý kiến từ 02/7 đến 31/7/2020\n")
        assert doc.invitation.opens == datetime.date(2020, 7, 2)
        assert doc.invitation.deadline == datetime.date(2020, 7, 31)

    def test_range_across_new_year(self) -> None:
        doc = parse_text("Nhân dân góp ý từ ngày 20/12 đến ngày 15/01/2021.\n" + BODY)
        assert doc.invitation.opens == datetime.date(2020, 12, 20)
        assert doc.invitation.deadline == datetime.date(2021, 1, 15)

    def test_full_invitation_with_address_email_and_postage(self) -> None:
        text = (
            "Ý kiến góp ý xin gửi về Ban Tuyên giáo Tỉnh ủy, địa chỉ: Số 6, đường Võ Nguyên Giáp, "
            "phường Mường Thanh, thành phố Điện Biên Phủ hoặc qua thư điện tử: "
            "bantuyengiao@dienbien.gov.vn đến hết ngày 18/6/2020. Thư góp ý gửi qua đường bưu "
            "điện không phải dán tem.\n\n" + BODY
        )
        assert invitation_record(parse_text(text)) == {
            "emails": ["bantuyengiao@dienbien.gov.vn"],
            "postal_addresses": [
                "Số 6, đường Võ Nguyên Giáp, phường Mường Thanh, thành phố Điện Biên Phủ"
            ],
            "deadline": "2020-06-18",
            "postage_free": True,
        }

    def test_before_date_in_words(self) -> None:
        doc = parse_text(BODY + "\nĐề nghị gửi ý kiến góp ý trước ngày 15 tháng 8 năm 2020.\n")
        assert doc.invitation.deadline == datetime.date(2020, 8, 15)

    def test_address_without_the_word_dia_chi(self) -> None:
        doc = parse_text(
            BODY + "\nÝ kiến đóng góp gửi về Văn phòng Tỉnh ủy, số 12 đường Trần Phú, "
            "thành phố Lai Châu trước ngày 30/9/2020.\n"
        )
        assert doc.invitation.postal_addresses == [
            "Văn phòng Tỉnh ủy, số 12 đường Trần Phú, thành phố Lai Châu"
        ]
        assert doc.invitation.deadline == datetime.date(2020, 9, 30)

    def test_report_dates_are_not_a_deadline(self) -> None:
        record = invitation_record(parse_text(BODY))
        assert record == {
            "emails": [],
            "postal_addresses": [],
            "deadline": None,
            "postage_free": False,
        }

    def test_invitation_outside_sections_wins_over_body(self) -> None:
        text = (
            "Nhân dân góp ý đến hết ngày 10/7/2020.\n\nI. KẾT QUẢ\n"
            "Năm 2019 đã tổ chức lấy ý kiến góp ý của nhân dân đến hết ngày 30/6/2019.\n"
        )
        assert parse_text(text).invitation.deadline == datetime.date(2020, 7, 10)


BTG = (
    "Ban Tuyên giáo Tỉnh ủy, số 6 đường Võ Nguyên Giáp, phường Mường Thanh, thành phố Điện Biên Phủ"
)
VP = "Văn phòng Tỉnh ủy, số 12 đường Trần Phú, phường Tân Phong, thành phố Lai Châu"


class TestSeveralPostalAddresses:
    """Each listed address comes out on its own, without "các địa chỉ sau:" or e-mails."""

    def test_dash_bullets_on_one_line(self) -> None:
        text = (
            BODY + "\nÝ kiến góp ý xin gửi về các địa chỉ sau: - " + BTG + ", email: "
            "bantuyengiao@dienbien.gov.vn; - " + VP + ", email: vanphong@laichau.gov.vn. "
            "Thời hạn góp ý đến hết ngày 30/7/2020.\n"
        )
        record = invitation_record(parse_text(text))
        assert record["postal_addresses"] == [BTG, VP]
        assert record["emails"] == ["bantuyengiao@dienbien.gov.vn", "vanphong@laichau.gov.vn"]
        assert record["deadline"] == "2020-07-30"

    def test_one_per_line_each_with_its_email(self) -> None:
        text = (
            BODY + "\nÝ kiến đóng góp xin gửi về các địa chỉ sau:\n"
            "- Ban Tuyên giáo Tỉnh ủy: Số 6, đường Võ Nguyên Giáp, phường Mường Thanh, thành "
            "phố Điện Biên Phủ; Email: bantuyengiao@dienbien.gov.vn\n"
            "- Báo Điện Biên Phủ: Số 861, đường Võ Nguyên Giáp, phường Him Lam, thành phố Điện "
            "Biên Phủ; Email: baodienbienphu@gmail.com\n"
            "Thư góp ý gửi qua đường bưu điện không phải dán tem.\n"
        )
        record = invitation_record(parse_text(text))
        assert record["postal_addresses"] == [
            "Ban Tuyên giáo Tỉnh ủy: Số 6, đường Võ Nguyên Giáp, phường Mường Thanh, thành phố "
            "Điện Biên Phủ",
            "Báo Điện Biên Phủ: Số 861, đường Võ Nguyên Giáp, phường Him Lam, thành phố Điện "
            "Biên Phủ",
        ]
        assert record["postage_free"] is True

    def test_labelled_lines_before_the_body(self) -> None:
        text = (
            "Nhân dân góp ý dự thảo gửi về một trong các địa chỉ sau đây:\n"
            "+ Địa chỉ: Số 3, phố Nguyễn Du, phường Hàng Bài, quận Hoàn Kiếm, Hà Nội, email: "
            "gopy@tw.example.vn\n"
            "+ Địa chỉ: Số 17, đường Trường Chinh, thành phố Điện Biên Phủ, tỉnh Điện Biên, "
            "ĐT: 0215 382 5555\n\n" + BODY
        )
        assert parse_text(text).invitation.postal_addresses == [
            "Số 3, phố Nguyễn Du, phường Hàng Bài, quận Hoàn Kiếm, Hà Nội",
            "Số 17, đường Trường Chinh, thành phố Điện Biên Phủ, tỉnh Điện Biên",
        ]

    def test_dash_between_items_without_a_leading_bullet(self) -> None:
        text = (
            BODY + "\nMọi ý kiến đóng góp gửi về các địa chỉ sau: Ban Tuyên giáo Huyện ủy Mường "
            "Chà, tổ dân phố 3, thị trấn Mường Chà, huyện Mường Chà, e-mail: "
            "btg.muongcha@gmail.com - Ủy ban MTTQ huyện Mường Chà, tổ dân phố 5, thị trấn Mường "
            "Chà, e-mail: mttq.muongcha@gmail.com.\n"
        )
        assert parse_text(text).invitation.postal_addresses == [
            "Ban Tuyên giáo Huyện ủy Mường Chà, tổ dân phố 3, thị trấn Mường Chà, huyện Mường Chà",
            "Ủy ban MTTQ huyện Mường Chà, tổ dân phố 5, thị trấn Mường Chà",
        ]

    def test_unbulleted_lines_after_gui_ve(self, tmp_path: Path) -> None:
        draft = tmp_path / "du_thao.txt"
        draft.write_text(
            BODY + "\nÝ kiến góp ý của Nhân dân xin gửi về:\n"
            "Ban Tuyên giáo Tỉnh ủy Điện Biên, số 6 đường Võ Nguyên Giáp, phường Mường Thanh, "
            "TP. Điện Biên Phủ. Email: btg@dienbien.gov.vn\n"
            "Báo Điện Biên Phủ, số 861 đường Võ Nguyên Giáp, phường Him Lam, TP. Điện Biên "
            "Phủ. Email: bao@dienbien.gov.vn\nTrân trọng cảm ơn.\n",
            encoding="utf-8",
        )
        run = subprocess.run(
            [sys.executable, "-m", "services.documents", "invitation", str(draft)],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        record = json.loads(run.stdout)
        assert set(record) == {"emails", "postal_addresses", "deadline", "postage_free"}
        assert record["postal_addresses"] == [
            "Ban Tuyên giáo Tỉnh ủy Điện Biên, số 6 đường Võ Nguyên Giáp, phường Mường Thanh, "
            "TP. Điện Biên Phủ",
            "Báo Điện Biên Phủ, số 861 đường Võ Nguyên Giáp, phường Him Lam, TP. Điện Biên Phủ",
        ]
        assert record["emails"] == ["btg@dienbien.gov.vn", "bao@dienbien.gov.vn"]
