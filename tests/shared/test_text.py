"""Local dates follow GOPY_TIMEZONE, the deployment's zone (Asia/Ho_Chi_Minh by default)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.config import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
# 20:00 UTC on 18 June is already 19 June in Điện Biên (UTC+7)
SHOW = (
    "from datetime import datetime, UTC; from shared.text import vn_date, vn_datetime; "
    "t = datetime(2020, 6, 18, 20, 0, tzinfo=UTC); print(vn_date(t), '|', vn_datetime(t))"
)


def _shown(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_by_default_dates_are_those_of_vietnam() -> None:
    assert _shown({}) == "19/6/2020 | 03:00 ngày 19/6/2020"


def test_the_deployment_zone_is_the_one_in_gopy_timezone() -> None:
    assert _shown({"GOPY_TIMEZONE": "UTC"}) == "18/6/2020 | 20:00 ngày 18/6/2020"


def test_an_unknown_zone_is_refused_when_settings_are_read() -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        ServiceSettings(timezone="Asia/Dien_Bien_Phu")
