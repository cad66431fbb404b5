"""The pseudonymous commenter key: one per person, from what singles them out, never reversible."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.feedback.commenters import commenter_key, identity_of
from services.feedback.config import FeedbackSettings

SECRET = "a-commenter-secret-for-tests-0123456789abcdef"


def key(**details: str | None) -> str | None:
    channel = details.pop("channel", None) or "web"
    return commenter_key(SECRET, channel=channel, **details)


class TestWhatIdentifiesACommenter:
    def test_the_email_address_in_any_case_and_unicode_form(self) -> None:
        assert key(email="Thu.Huong@Example.VN") == key(email=" thu.huong@example.vn")
        composed, decomposed = "hương@example.vn", "hu\u031bo\u031bng@example.vn"
        assert key(email=composed) == key(email=decomposed.upper())

    def test_the_email_comes_before_the_phone(self) -> None:
        assert key(email="a@example.vn", phone="0912345678") == key(email="a@example.vn")

    @pytest.mark.parametrize("written", ["0912 345 678", "+84 912 345 678", "0084912345678"])
    def test_a_phone_number_however_it_is_written(self, written: str) -> None:
        assert key(phone=written) == key(phone="0912.345.678")

    def test_a_letter_by_its_sender_s_name_and_address(self) -> None:
        letter = key(channel="post", name="Nguyễn Văn A", address="12 Lê Lợi, Huế")
        assert letter == key(channel="post", name="nguyễn  văn a", address="12 LÊ LỢI,  HUẾ")
        assert letter != key(channel="post", name="Nguyễn Văn A", address="14 Lê Lợi, Huế")
        assert key(channel="post", name="Nguyễn Văn A") is None

    def test_nothing_that_singles_a_person_out_gives_no_key(self) -> None:
        assert key() is None
        assert key(name="Nguyễn Văn A", address="12 Lê Lợi") is None  # web: no address form
        assert identity_of(channel="web", email=" ", phone="", name=None, address=None) is None


class TestPseudonymity:
    def test_kinds_never_collide_and_the_secret_changes_every_key(self) -> None:
        assert key(email="0912345678") != key(phone="0912345678")
        other = commenter_key("another-secret-0123456789abcdef0123", channel="web", email="a@b.vn")
        assert other != key(email="a@b.vn")

    def test_the_key_is_a_short_hex_digest_without_the_address(self) -> None:
        value = key(email="lan@example.vn")
        assert value is not None and len(value) == 32 and int(value, 16) >= 0
        assert "lan" not in value

    def test_no_secret_no_key(self) -> None:
        assert commenter_key("", channel="web", email="a@b.vn") is None


class TestTheSecretSetting:
    def test_the_public_development_secret_is_refused_outside_loopback(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("FEEDBACK_COMMENTER_KEY_SECRET", raising=False)
        monkeypatch.setenv("PUBLIC_DOCUMENTS_URL", "https://gopy.tinh.gov.vn")
        real_key = "a-real-random-signing-key-for-this-deployment-0123456789"
        with pytest.raises(ValidationError, match="FEEDBACK_COMMENTER_KEY_SECRET"):
            FeedbackSettings(auth_secret_keys=real_key)
        monkeypatch.setenv("FEEDBACK_COMMENTER_KEY_SECRET", SECRET)
        assert FeedbackSettings(auth_secret_keys=real_key).commenter_key_secret == SECRET

    def test_a_short_secret_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="32"):
            FeedbackSettings(commenter_key_secret="short")
