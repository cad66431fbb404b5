"""A local mail catcher for ``make run``: outgoing mail is kept in files, never delivered.

Without it the acknowledgement e-mails of a development run wait in the queue forever.
The feedback service sends to this SMTP server (its own port: 2525 is the e-mail intake);
each message lands in ``var/mail/`` twice: the raw ``.eml`` as sent, and a ``.txt`` with
the headers and body decoded, to read with any editor.

Run alone: ``.venv/bin/python -m devtools.mailcatcher [--port 1025] [--folder var/mail]``.
"""

from __future__ import annotations

import argparse
import itertools
import threading
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

DEFAULT_PORT = 1025
DEFAULT_FOLDER = Path("var/mail")


def readable(message: EmailMessage, recipients: list[str]) -> str:
    """The message as a person reads it: decoded headers, then the plain-text body."""
    lines = [f"{name}: {message[name]}" for name in ("Date", "From", "To", "Subject")]
    lines.append(f"Envelope-To: {', '.join(recipients)}")
    body = message.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    return "\n".join(lines) + "\n\n" + str(text)


class _SaveToFolder:
    """aiosmtpd handler: accept every message and write it to the folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        raw: bytes = envelope.original_content or envelope.content
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        with self._lock:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            name = f"{stamp}-{next(self._numbers):04d}"
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{name}.eml").write_bytes(raw)
        (self.folder / f"{name}.txt").write_text(
            readable(message, list(envelope.rcpt_tos)), encoding="utf-8"
        )
        return "250 Message accepted (kept in the development mail folder)"


class MailCatcher:
    """An SMTP server on 127.0.0.1 that keeps what it receives under ``folder``."""

    def __init__(
        self, folder: Path = DEFAULT_FOLDER, port: int = DEFAULT_PORT, host: str = "127.0.0.1"
    ) -> None:
        self.folder = folder
        self.host = host
        self.port = port
        self._controller = Controller(_SaveToFolder(folder), hostname=host, port=port)

    def start(self) -> MailCatcher:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def smtp_env(self) -> dict[str, str]:
        """What the feedback service needs to send here (no TLS, no login: local only)."""
        return {
            "FEEDBACK_SMTP_HOST": self.host,
            "FEEDBACK_SMTP_PORT": str(self.port),
            "FEEDBACK_SMTP_STARTTLS": "false",
            "FEEDBACK_SMTP_SSL": "false",
        }

    def where(self) -> str:
        return f"{self.folder}/ (one .txt per message; SMTP on {self.host}:{self.port})"


def start_for_devrun(env: dict[str, str], folder: Path) -> MailCatcher | None:
    """Start a catcher and point the feedback service at it, unless a relay is configured."""
    if env.get("FEEDBACK_SMTP_HOST"):
        return None
    port = int(env.get("GOPY_MAIL_CATCHER_PORT", DEFAULT_PORT))
    try:
        catcher = MailCatcher(folder, port).start()
    except (OSError, RuntimeError) as exc:  # the port is taken: mail then waits in the queue
        print(f"Mail catcher not started on port {port} ({exc}); set GOPY_MAIL_CATCHER_PORT.")
        return None
    env.update(catcher.smtp_env())
    return catcher


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.mailcatcher")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    args = parser.parse_args(argv)
    catcher = MailCatcher(args.folder, args.port).start()
    print(f"Thư gửi đi được giữ lại tại {catcher.where()}. Nhấn Ctrl-C để dừng.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        catcher.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
