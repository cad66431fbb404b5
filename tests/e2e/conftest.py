"""Fixtures of the end-to-end tests: the one test ``Stack`` under uvicorn, and Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.e2e.browser import ARGS, CHROMIUM
from tests.stack import Stack, StackFactory


@pytest.fixture
def stack(make_stack: StackFactory) -> Stack:
    """The three services as real processes on the shared broker (stopped afterwards)."""
    return make_stack().start()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """Headless Chromium, driven by Playwright."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        await launched.close()
