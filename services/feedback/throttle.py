"""Hourly limits on comments, answered from memory and exact under concurrency.

A slot is reserved before the comment joins a group commit and released if the
comment is refused, so ten comments arriving together against a limit of three get
exactly three slots, whether or not they end up in the same transaction. Counts are
per process: the service seeds them from the database at start-up (the address keys
are stored with each comment). Several instances share one count when the limits are
kept in Redis instead (``shared_limits.SharedHourlyLimits``, chosen by
``FEEDBACK_RATE_LIMIT_STORAGE``).
"""

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from shared.web import DomainError

WINDOW_SECONDS = 3600.0


def seconds_until(frees_at: float, now: float) -> int:
    """Retry-After for a slot freeing at ``frees_at``: whole seconds, 1 to an hour (another
    instance's clock may have stamped the oldest hit a moment after ours)."""
    return min(int(WINDOW_SECONDS), max(1, math.ceil(frees_at - now)))


_SWEEP_EVERY = 5000


class RateLimited(DomainError):
    status_code = 429


@dataclass(frozen=True)
class Limit:
    """One thing to count (an address, a page, a browser, a sender) and its hourly cap."""

    key: str
    per_hour: int
    message: str


class Reservation:
    """The slots one comment holds; given back if the comment is not stored."""

    def __init__(self, owner: HourlyLimits, taken: list[tuple[str, float]]) -> None:
        self._owner = owner
        self._taken = taken

    def release(self) -> None:
        for key, at in self._taken:
            self._owner.forget(key, at)
        self._taken = []

    async def give_back(self) -> None:
        """``release``, as the intake calls it for either kind of limits."""
        self.release()


class HourlyLimits:
    """Sliding one-hour windows of accepted comments, keyed by already-hashed keys."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        # Per key its hits in time order, as a list: an empty deque takes ~620 bytes and a
        # flood of cookie-less form posts (each its own browser key) kept tens of MB of them
        # for an hour (issue 15); a window holds at most the limit's few dozen hits.
        self._hits: dict[str, list[float]] = {}
        self._since_sweep = 0

    def _window(self, key: str, now: float) -> list[float]:
        hits = self._hits.setdefault(key, [])
        if hits and hits[0] <= now - WINDOW_SECONDS:
            del hits[: bisect.bisect_right(hits, now - WINDOW_SECONDS)]
        return hits

    def reserve(self, limits: Iterable[Limit]) -> Reservation:
        """Take one slot under every limit, or none and raise the first limit reached."""
        now = self._clock()
        chosen = [limit for limit in limits if limit.per_hour > 0]
        for limit in chosen:
            hits = self._window(limit.key, now)
            if len(hits) >= limit.per_hour:
                # A slot frees when the oldest hit that keeps the window full leaves it.
                frees_at = hits[len(hits) - limit.per_hour] + WINDOW_SECONDS
                raise RateLimited(limit.message, retry_after=seconds_until(frees_at, now))
        for limit in chosen:
            self._hits[limit.key].append(now)
        self._maybe_sweep(now)
        return Reservation(self, [(limit.key, now) for limit in chosen])

    async def take(self, limits: Iterable[Limit]) -> Reservation:
        """``reserve``, as the intake calls it for either kind of limits."""
        return self.reserve(limits)

    def seed(self, key: str, at: float) -> None:
        """Count a comment stored before this process started (kept in time order)."""
        bisect.insort(self._hits.setdefault(key, []), at)

    def forget(self, key: str, at: float) -> None:
        hits = self._hits.get(key)
        if hits is not None and at in hits:
            hits.remove(at)

    def count(self, key: str) -> int:
        return len(self._window(key, self._clock()))

    def _maybe_sweep(self, now: float) -> None:
        """Drop keys with nothing in the window, so memory follows the last hour's senders."""
        self._since_sweep += 1
        if self._since_sweep < _SWEEP_EVERY:
            return
        self._since_sweep = 0
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - 3600]:
            del self._hits[key]
