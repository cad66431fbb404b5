"""Fixtures of the sign-in tests: the one test ``Stack``, its three apps in this process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from tests.stack import Stack, StackFactory


def aggregator_env(**settings: Any) -> dict[str, str]:
    """Aggregator settings by field name, as the environment variables that set them."""
    return {f"AGGREGATOR_{name.upper()}": str(value) for name, value in settings.items()}


@asynccontextmanager
async def running_stack(make_stack: StackFactory, **aggregator: Any) -> AsyncIterator[Stack]:
    """The three apps started in process; ``aggregator`` overrides that service's settings."""
    async with make_stack(**aggregator_env(**aggregator)).in_process() as running:
        yield running


@pytest.fixture
async def stack(make_stack: StackFactory) -> AsyncIterator[Stack]:
    async with running_stack(make_stack) as running:
        yield running
