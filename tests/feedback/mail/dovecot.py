"""A real IMAP server for the tests: Dovecot from Debian's packages, on a free port."""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient

from shared.broker import free_port, wait_for_port

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = 1
mail_uid = mail
mail_gid = mail
default_login_user = dovenull
default_internal_user = dovecot
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@dataclass
class Dovecot:
    root: Path
    port: int
    username: str = "gopy@example.vn"
    password: str = "mat-khau-thu"

    @classmethod
    def start(cls, root: Path) -> Dovecot:
        binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        server = cls(root=root, port=free_port())
        for folder in ("run", "state", "mail", "home"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        shutil.chown(root / "mail", "mail", "mail")
        shutil.chown(root / "home", "mail", "mail")
        root.chmod(0o755)
        (root / "passwd").write_text(f"{server.username}:{{PLAIN}}{server.password}\n")
        (root / "dovecot.conf").write_text(CONFIG.format(root=root, port=server.port))
        subprocess.run([binary, "-c", str(root / "dovecot.conf")], check=True)
        wait_for_port("127.0.0.1", server.port, timeout=20)
        return server

    def stop(self) -> None:
        subprocess.run(["doveadm", "-c", str(self.root / "dovecot.conf"), "stop"], check=False)
        deadline = time.monotonic() + 10
        while (self.root / "run" / "master.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.1)

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(self.username, self.password)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message in the mailbox, as the provider's delivery would."""
        client = self.client()
        try:
            client.append(folder, raw)
        finally:
            client.logout()
