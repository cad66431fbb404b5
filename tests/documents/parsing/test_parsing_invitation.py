"""Invitation to comment: addresses, e-mails, the window and postage-free post."""

from __future__ import annotations

import datetime

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
