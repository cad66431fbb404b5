"""A request's transaction commits before its response leaves: a receipt is never shown, nor a
201 answered, for a write a client could not yet read back (DESIGN.md section 3)."""

from __future__ import annotations

import typing

import pytest

from services.aggregator import deps as aggregator
from services.documents import deps as documents
from services.feedback import deps as feedback


@pytest.mark.parametrize("module", [documents, feedback, aggregator])
def test_the_session_commits_when_the_handler_returns(module: typing.Any) -> None:
    _session_type, depends = typing.get_args(module.SessionDep)
    # FastAPI's default ("request") runs the commit after the response has been sent
    assert depends.scope == "function"
