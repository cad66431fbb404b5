"""Make the repository root importable and expose the seed fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """Copies of the seed drafts used as fixtures."""
    return HERE / "fixtures"


@pytest.fixture(scope="session")
def expected_dir() -> Path:
    """Hand-checked outlines of the seed drafts."""
    return HERE / "expected"
