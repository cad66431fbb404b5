"""The fault suite's table, printed at the end of the run (docs/reliability.md records it)."""

from __future__ import annotations

import pytest

from tests.faults.load import HEADER, Reckoning

RESULTS: list[Reckoning] = []


@pytest.fixture
def record() -> list[Reckoning]:
    """Where each fault case leaves its reckoning for the table."""
    return RESULTS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if RESULTS:
        terminalreporter.section("faults: every receipt stored once and counted once")
        terminalreporter.line(HEADER)
        for result in RESULTS:
            terminalreporter.line(result.row())
