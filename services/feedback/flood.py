"""Flood gates counted across instances: the global comment rate and the SMTP listener's limits.

The per-address, per-page, per-browser and per-sender hourly limits of the web channels
live in ``throttle.py`` (reserved before the commit, given back on a refusal). The gates
here use the ``limits`` library's moving window, in memory by default or in Redis
(``FEEDBACK_RATE_LIMIT_STORAGE=redis://host:6379/0``) so that every instance shares one
count. A hit is one atomic step (under a lock in memory, a Lua script in Redis), so N
simultaneous comments against a limit of k are admitted exactly k times.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerHour, RateLimitItemPerMinute
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from services.feedback.config import FeedbackSettings
from services.feedback.guards import client_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Gate:
    """One limit (None: off) and the key it counts under."""

    item: RateLimitItem | None
    key: tuple[str, ...]


def open_storage(uri: str, key_prefix: str) -> Storage:
    """The storage behind ``uri``: ``memory://`` or ``redis://...`` (redis-py's asyncio client)."""
    scheme = uri if uri.startswith("async+") else f"async+{uri}"
    if scheme.startswith("async+memory"):
        storage = storage_from_string(scheme)
    else:
        storage = storage_from_string(scheme, implementation="redispy", key_prefix=key_prefix)
    assert isinstance(storage, Storage)
    return storage


def _per_minute(n: int) -> RateLimitItem | None:
    return RateLimitItemPerMinute(n) if n > 0 else None


def _per_hour(n: int) -> RateLimitItem | None:
    return RateLimitItemPerHour(n) if n > 0 else None


class FloodGates:
    """The global and SMTP limits of one feedback service (0 turns a gate off)."""

    def __init__(self, settings: FeedbackSettings) -> None:
        self.storage = open_storage(settings.rate_limit_storage, settings.rate_limit_key_prefix)
        self._limiter = MovingWindowRateLimiter(self.storage)
        self.web_comments = _per_minute(settings.rate_limit_global_per_minute)
        self.smtp_messages = _per_minute(settings.intake_smtp_messages_per_minute)
        self.smtp_per_address = _per_hour(settings.intake_smtp_per_address_hour)
        self.smtp_per_sender = _per_hour(settings.intake_smtp_per_sender_hour)
        self._signing_keys = settings.signing_keys

    def key(self, value: str) -> str:
        """An address as counted: a keyed hash, so the shared store holds no personal data."""
        return client_key(value, self._signing_keys)

    async def admit(self, gate: Gate) -> int:
        """Take one slot: 0 when admitted, else the whole seconds until one frees up."""
        if gate.item is None:
            return 0
        try:
            if await self._limiter.hit(gate.item, "feedback", *gate.key):
                return 0
            stats = await self._limiter.get_window_stats(gate.item, "feedback", *gate.key)
        except Exception as exc:  # the counter is unreachable: a flood gate never refuses all
            log.warning("rate limit storage unavailable, admitting: %s", exc)
            return 0
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def full(self, gate: Gate) -> bool:
        """Whether the next hit would be refused (an early answer; ``admit`` decides)."""
        if gate.item is None:
            return False
        try:
            return not await self._limiter.test(gate.item, "feedback", *gate.key)
        except Exception:
            return False
