"""The aggregator's command line, as a newcomer meets it: without a terminal, and twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from services.aggregator.__main__ import admin_exists
from services.aggregator.config import AggregatorSettings

ROOT = Path(__file__).resolve().parent.parent.parent


def _cli(
    database: Path, *args: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGGREGATOR_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    return subprocess.run(
        [sys.executable, "-m", "services.aggregator", *args],
        cwd=ROOT,
        env=env,
        input=(stdin or b"").decode(),
        capture_output=True,
        text=True,
        timeout=120,
    )


class TestCreateAdmin:
    def test_without_a_terminal_it_says_to_use_password_stdin(self, tmp_path: Path) -> None:
        result = _cli(tmp_path / "agg.db", "create-admin", "--email", "a@tinh.gov.vn")
        assert result.returncode == 1
        assert "--password-stdin" in result.stderr
        assert "Traceback" not in result.stderr and "EOFError" not in result.stderr

    def test_make_run_knows_when_an_administrator_exists(self, tmp_path: Path) -> None:
        database = tmp_path / "agg.db"
        settings = AggregatorSettings(database_url=f"sqlite+aiosqlite:///{database}")
        _cli(database, "create-token", "--role", "reviewer")  # migrates, makes no admin
        assert admin_exists(settings) is False
        made = _cli(
            database,
            "create-admin",
            "--email",
            "a@tinh.gov.vn",
            "--password-stdin",
            stdin=b"mat-khau-quan-tri-1\n",
        )
        assert made.returncode == 0, made.stderr
        assert admin_exists(settings) is True
