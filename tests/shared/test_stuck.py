"""A shutdown that takes too long is reported with the stacks of what it waits for."""

from __future__ import annotations

import asyncio
import logging

import pytest

from shared.stuck import reported_if_slow


async def waits_for_ever_on(event: asyncio.Event) -> None:
    await event.wait()


async def test_a_slow_block_logs_each_task_and_thread_stack(
    caplog: pytest.LogCaptureFixture,
) -> None:
    never = asyncio.Event()
    stuck = asyncio.create_task(waits_for_ever_on(never), name="the-stuck-one")
    with caplog.at_level(logging.ERROR, logger="shared.stuck"):
        with reported_if_slow("stopping", seconds=0.2):
            await asyncio.sleep(0.6)
    stuck.cancel()
    report = "\n".join(r.getMessage() for r in caplog.records)
    assert "stopping: still not done after 0.2s" in report
    assert "-- the-stuck-one" in report and "waits_for_ever_on" in report
    assert "-- thread" in report


async def test_a_block_that_ends_in_time_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="shared.stuck"):
        with reported_if_slow("stopping", seconds=0.3):
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.5)
    assert not [r for r in caplog.records if r.name == "shared.stuck"]
