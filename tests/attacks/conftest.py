"""Fixtures of the attack tests: the one test ``Stack``, its three apps in this process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.stack import Stack, StackFactory


@pytest.fixture
async def stack(make_stack: StackFactory) -> AsyncIterator[Stack]:
    async with make_stack().in_process() as running:
        yield running
