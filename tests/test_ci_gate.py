"""CI fails a run in which any test was skipped or expected to fail (tests/no_skips.py).

The gated modules use the standard library's ways (``unittest.SkipTest``,
``unittest.expectedFailure``), which pytest reports exactly like its own markers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

CASES = """
import unittest

def test_runs():
    assert True

{body}
"""
SKIPPED = """def test_skipped():
    raise unittest.SkipTest("no browser here")
"""
EXPECTED_FAILURE = """class TestKnownBug(unittest.TestCase):
    @unittest.expectedFailure
    def test_known_bug(self):
        assert False
"""


def _run(tmp_path: Path, name: str, body: str, ci: str) -> subprocess.CompletedProcess[str]:
    module = tmp_path / f"test_gate_{name}.py"
    module.write_text(CASES.format(body=body), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.no_skips", "-c", os.devnull]
        + ["--rootdir", str(tmp_path), "-q", "-p", "no:cacheprovider", str(module)],
        cwd=ROOT,
        env={**os.environ, "CI": ci, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("skipped", SKIPPED),
        ("expected_failure", EXPECTED_FAILURE),
    ],
)
def test_under_ci_a_test_that_did_not_run_fails_the_run(
    tmp_path: Path, name: str, body: str
) -> None:
    gated = _run(tmp_path, name, body, ci="true")
    assert gated.returncode == pytest.ExitCode.TESTS_FAILED, gated.stdout
    assert f"did not run: test_gate_{name}.py::" in gated.stdout
    assert "CI fails on these" in gated.stdout
    # the same run outside CI passes, so the gate (not the test) failed it
    assert _run(tmp_path, name, body, ci="").returncode == pytest.ExitCode.OK


def test_under_ci_a_clean_run_passes(tmp_path: Path) -> None:
    clean = "def test_passing():\n    assert 1 + 1 == 2\n"
    assert _run(tmp_path, "passing", clean, ci="true").returncode == 0
