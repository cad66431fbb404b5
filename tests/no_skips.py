"""Under CI (``CI=true``) a skipped or expected-to-fail test fails the run: a test that did
not run proves nothing, and a skip hides a missing browser or service as well as a bug."""

from __future__ import annotations

import os

import pytest


def _enforced() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


class NotRun:
    """Collects every test that did not run to a pass or a failure, and fails the session.

    A test expected to fail reports as skipped too, so one check covers both."""

    def __init__(self) -> None:
        self.tests: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.skipped:
            self.tests.append(f"did not run: {report.nodeid}")

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.tests and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.tests:
            terminalreporter.section("tests that did not run: CI fails on these", red=True)
            for line in self.tests:
                terminalreporter.line(line, red=True)


def pytest_configure(config: pytest.Config) -> None:
    if _enforced():
        config.pluginmanager.register(NotRun(), "gopy-no-skips")
