"""A steady load of comments through the API while a fault is injected, and the reckoning
afterwards: every receipted comment stored once and counted once, nothing else counted."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.helpers import eventually
from tests.stack import Stack


@dataclass
class Load:
    """``workers`` citizens commenting in turn on the draft's top-level sections."""

    stack: Stack
    document: dict[str, Any]
    workers: int = 4
    pause: float = 0.05  # between one citizen's comments: a steady rate, not a flood
    receipts: list[str] = field(default_factory=list)
    errors: int = 0
    # sent, but the service died before answering: committed or not, nobody can tell
    unanswered: int = 0
    sent: int = 0
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start(self) -> Load:
        self._tasks = [asyncio.create_task(self._citizen(n)) for n in range(self.workers)]
        return self

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)

    async def until_receipts(self, count: int, timeout: float = 60) -> None:
        """Until ``count`` more receipts than now have been given."""
        target = len(self.receipts) + count

        async def given() -> int:
            return len(self.receipts)

        await eventually(given, lambda n: n >= target, timeout=timeout)

    async def _citizen(self, n: int) -> None:
        sections = [s for s in self.document["sections"] if s["level"] == 1]
        url = f"{self.stack.url('feedback')}/api/comments"
        async with httpx.AsyncClient(timeout=10) as client:
            while not self._stop.is_set():
                self.sent += 1
                body = {
                    "document_id": self.document["id"],
                    "section_id": sections[self.sent % len(sections)]["id"],
                    "text": f"Ý kiến tải đều số {self.sent} của người {n}",
                }
                try:
                    answer = await client.post(url, json=body)
                except httpx.ConnectError:  # never reached the service
                    answer = None
                except httpx.TransportError:
                    answer = None
                    self.unanswered += 1
                if answer is not None and answer.status_code == 201:
                    self.receipts.append(answer.json()["receipt"])
                else:
                    self.errors += 1
                    await asyncio.sleep(self.pause)  # the service is down: do not spin
                await asyncio.sleep(self.pause)


@dataclass
class Reckoning:
    case: str
    sent: int
    receipts: int
    unanswered: int
    stored: int
    counted: int
    seconds_to_exact: float

    @property
    def lost(self) -> int:
        return max(0, self.receipts - self.stored) + max(0, self.stored - self.counted)

    @property
    def duplicated(self) -> int:
        """Counted beyond the receipts, except requests killed before their answer (each
        may have been committed: then it is counted once, as it should be)."""
        return max(0, self.counted - self.receipts - self.unanswered)

    def row(self) -> str:
        cells = (
            self.sent,
            self.receipts,
            self.unanswered,
            self.stored,
            self.counted,
            self.lost,
            self.duplicated,
        )
        numbers = " | ".join(f"{c:>7}" for c in cells)
        return f"| {self.case:<44} | {numbers} | {self.seconds_to_exact:>6.1f} |"


HEADER = (
    f"| {'case':<44} | {'sent':>7} | {'receipts':>7} | {'unanswered':>7} "
    f"| {'stored':>7} | {'counted':>7} "
    f"| {'lost':>7} | {'duplicated':>7} | {'exact after s':>6} |"
)


async def reckon(case: str, load: Load, since: float, within: float = 60) -> Reckoning:
    """Wait (up to ``within`` seconds) until the aggregator counts every receipt, then until
    its consumer has read to the end of the topic, and count what is stored and counted."""
    stack, document_id = load.stack, load.document["id"]

    async def counted() -> int:
        tallies = await stack.tallies(document_id)
        return sum(total for path, total in tallies.items() if len(path) == 1)

    await eventually(counted, lambda n: n >= len(load.receipts), timeout=within)
    exact_after = time.monotonic() - since
    await stack.wait_consumed(timeout=within)
    stored = 0
    for receipt in load.receipts:
        answer = await stack.client.get(f"{stack.url('feedback')}/api/receipts/{receipt}")
        stored += answer.status_code == 200
    return Reckoning(
        case, load.sent, len(load.receipts), load.unanswered, stored, await counted(), exact_after
    )
