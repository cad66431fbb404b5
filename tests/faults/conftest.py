"""The fault suite's table, printed at the end of the run (docs/reliability.md records it)."""

from __future__ import annotations

import pytest

from shared.broker import free_port
from tests.faults.load import HEADER, Reckoning
from tests.stack import Stack, StackFactory

RESULTS: list[Reckoning] = []


@pytest.fixture
def record() -> list[Reckoning]:
    """Where each fault case leaves its reckoning for the table."""
    return RESULTS


def smtp_env() -> dict[str, str]:
    """The feedback service's SMTP intake on a free port: the load mails comments too."""
    return {"FEEDBACK_INTAKE_SMTP_PORT": str(free_port())}


@pytest.fixture
def stack(make_stack: StackFactory) -> Stack:
    """The three services as real processes, feedback listening for SMTP."""
    return make_stack(**smtp_env()).start()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if RESULTS:
        terminalreporter.section("faults: every receipt stored once and counted once")
        terminalreporter.line(HEADER)
        for result in RESULTS:
            terminalreporter.line(result.row())
