"""Test helpers: polling with a deadline (never a fixed sleep); printing a file with LibreOffice."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent


async def eventually(
    probe: Callable[[], Awaitable[T]], accept: Callable[[T], bool], timeout: float = 20.0
) -> T:
    """Call ``probe`` until ``accept`` holds or the deadline passes; return the last value."""
    deadline = time.monotonic() + timeout
    value = await probe()
    while not accept(value):
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s; last value: {value!r}")
        await asyncio.sleep(0.1)
        value = await probe()
    return value


def print_to_pdf(source: Path) -> Path:
    """The PDF LibreOffice prints of ``source``, beside it (a private profile in the same folder:
    parallel runs must not share one)."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    assert office, "Debian's libreoffice-writer-nogui is needed (.ci/run installs it)"
    folder = source.parent
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return source.with_suffix(".pdf")
