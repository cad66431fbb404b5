"""``make run``'s mail catcher keeps what the feedback service sends, readable, in var/mail."""

from __future__ import annotations

import time
from pathlib import Path

from devtools.mailcatcher import MailCatcher, start_for_devrun
from services.feedback.config import FeedbackSettings
from services.feedback.mailer import build_message, deliver
from services.feedback.models import MailMessage
from shared.broker import free_port


def _wait_for_files(folder: Path, pattern: str, deadline_s: float = 10.0) -> list[Path]:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        found = sorted(folder.glob(pattern))
        if found:
            return found
        time.sleep(0.05)
    return []


class TestMailCatcher:
    def test_an_acknowledgement_sent_by_feedback_lands_decoded_in_the_folder(
        self, tmp_path: Path
    ) -> None:
        catcher = MailCatcher(tmp_path / "mail", free_port()).start()
        try:
            env = catcher.smtp_env()
            settings = FeedbackSettings(
                smtp_host=env["FEEDBACK_SMTP_HOST"], smtp_port=int(env["FEEDBACK_SMTP_PORT"])
            )
            row = MailMessage(
                to_address="dan@example.vn",
                subject="Đã nhận ý kiến góp ý của bạn — mã biên nhận ABCDE-FGHJK",
                body="Xếp vào: mục Phần thứ hai › V › 1 › 1.3. Hạ tầng",
            )
            deliver(settings, build_message(settings, row))
            texts = _wait_for_files(tmp_path / "mail", "*.txt")
        finally:
            catcher.stop()
        assert len(texts) == 1
        text = texts[0].read_text(encoding="utf-8")
        assert "Subject: Đã nhận ý kiến góp ý của bạn — mã biên nhận ABCDE-FGHJK" in text
        assert "Envelope-To: dan@example.vn" in text
        assert "Xếp vào: mục Phần thứ hai › V › 1 › 1.3. Hạ tầng" in text
        assert texts[0].with_suffix(".eml").exists()

    def test_make_run_points_feedback_at_it_unless_a_relay_is_set(self, tmp_path: Path) -> None:
        env = {"GOPY_MAIL_CATCHER_PORT": str(free_port())}
        catcher = start_for_devrun(env, tmp_path / "mail")
        assert catcher is not None
        try:
            assert env["FEEDBACK_SMTP_HOST"] == "127.0.0.1"
            assert env["FEEDBACK_SMTP_PORT"] == env["GOPY_MAIL_CATCHER_PORT"] != "2525"
            assert str(tmp_path / "mail") in catcher.where()
        finally:
            catcher.stop()
        assert start_for_devrun({"FEEDBACK_SMTP_HOST": "relay.tinh.gov.vn"}, tmp_path) is None
