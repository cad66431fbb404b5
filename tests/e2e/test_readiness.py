"""Ready means ready: once every service answers /readyz, the draft imported before start-up
can be commented on and tallied at once, with no retry (the order and check of `make run`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from devrun.__main__ import SAMPLE, STAGES
from devrun.readiness import wait_ready
from services.documents.__main__ import import_file
from tests.stack import Stack, StackFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def stack(make_stack: StackFactory) -> Stack:
    return make_stack()


async def start_as_make_run_does(stack: Stack) -> None:
    """Start the services stage by stage, each stage waited for through /readyz only."""
    for stage in STAGES:
        stack.start(*stage)
        for name in stage:
            checks = await asyncio.to_thread(wait_ready, stack.url(name), 60.0)
            assert checks["caught_up"] and checks["published"] and checks["database"]


async def test_the_imported_draft_takes_a_comment_and_is_tallied_as_soon_as_all_are_ready(
    stack: Stack, clean_databases: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCUMENTS_DATABASE_URL", clean_databases["documents"])
    document_id, _summary = await import_file(ROOT / SAMPLE, 30)

    await start_as_make_run_does(stack)

    async with httpx.AsyncClient(timeout=15) as client:
        document = (
            await client.get(f"{stack.url('documents')}/api/documents/{document_id}")
        ).json()
        section = next(s for s in document["sections"] if s["level"] == 2)
        body = {"document_id": document_id, "section_id": section["id"], "text": "Đề nghị bổ sung."}
        comment = await client.post(f"{stack.url('feedback')}/api/comments", json=body)
        assert comment.status_code == 201, comment.text
        tallies = await client.get(
            f"{stack.url('aggregator')}/api/documents/{document_id}/tallies", headers=stack.auth
        )
        assert tallies.status_code == 200, tallies.text
        assert {t["section_id"] for t in tallies.json()} == {s["id"] for s in document["sections"]}
