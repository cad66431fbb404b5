"""Low: "postmaster,root,a@evil.example" was accepted as an e-mail and the sender issued
RCPT TO for all three. Exactly one address is accepted, and mail goes to it only."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest

from services.feedback import mailer
from services.feedback.config import FeedbackSettings
from services.feedback.validation import InvalidComment, personal_value


class RecordingSMTP:
    """Stands in for smtplib.SMTP and records who the message was sent to."""

    sent_to: list[list[str]] = []

    def __init__(self, *_args: Any, **_kwargs: Any) -> None:
        pass

    def __enter__(self) -> RecordingSMTP:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def send_message(self, _message: EmailMessage, to_addrs: list[str] | None = None) -> None:
        RecordingSMTP.sent_to.append(list(to_addrs or []))


class TestAcknowledgementGoesToOneAddress:
    @pytest.mark.parametrize(
        "value",
        [
            "postmaster,root,a@evil.example",
            "a@example.vn, b@evil.example",
            "a@example.vn;b@evil.example",
            "Nguyen <a@example.vn>",
        ],
    )
    def test_more_than_one_address_is_refused(self, value: str) -> None:
        with pytest.raises(InvalidComment) as refused:
            personal_value("email", value)
        assert "một địa chỉ" in refused.value.message

    def test_one_address_is_accepted(self) -> None:
        assert personal_value("email", " nguyen.van.a@example.vn ") == "nguyen.van.a@example.vn"

    def test_the_sender_names_only_the_parsed_address(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(mailer.smtplib, "SMTP", RecordingSMTP)
        RecordingSMTP.sent_to = []
        settings = FeedbackSettings(smtp_host="mail.example.vn")
        good = EmailMessage()
        good["To"] = "a@example.vn"
        mailer.deliver(settings, good)
        assert RecordingSMTP.sent_to == [["a@example.vn"]]
        smuggled = EmailMessage()
        smuggled["To"] = "postmaster, root, a@evil.example"
        with pytest.raises(ValueError):
            mailer.deliver(settings, smuggled)
        assert RecordingSMTP.sent_to == [["a@example.vn"]]
