"""Fixtures of the sign-in tests: the one test ``Stack``, its three apps in this process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.stack import Stack, StackFactory, running_stack


@pytest.fixture
async def stack(make_stack: StackFactory) -> AsyncIterator[Stack]:
    async with running_stack(make_stack) as running:
        yield running
