"""The hourly limits of ``throttle.py`` kept in Redis, so every instance counts together.

Each key is a sorted set of the slots taken in the last hour (score: when). One Lua
script checks every limit of a comment and, only if all have room, takes a slot in each:
atomic in Redis, so simultaneous comments on several instances are admitted exactly up
to the limit. A refused comment gives its slots back (ZREM), as in memory. The sets
outlive a restart, so nothing is seeded from the database. If Redis cannot be reached
the comment is admitted (a limit never stops the whole intake) and a warning logged.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from redis.asyncio import Redis

from services.feedback.throttle import WINDOW_SECONDS, Limit, RateLimited

log = logging.getLogger(__name__)

# KEYS: the limits' keys; ARGV: now, window, member, then each key's limit.
# Returns {0} when every slot was taken, else {index of the full limit, score that frees it}.
_RESERVE = """
local now, window, member = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local limit = tonumber(ARGV[3 + i])
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local frees = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    return {i, frees[2]}
  end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  redis.call('EXPIRE', key, math.ceil(window))
end
return {0}
"""


class SharedReservation:
    """The slots one comment holds in Redis; given back if the comment is not stored."""

    def __init__(self, redis: Redis | None, keys: list[str], member: str) -> None:
        self._redis, self._keys, self._member = redis, keys, member

    async def give_back(self) -> None:
        if self._redis is None or not self._keys:
            return
        keys, self._keys = self._keys, []
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                for key in keys:
                    pipe.zrem(key, self._member)
                await pipe.execute()
        except Exception as exc:  # the slot ages out within the hour anyway
            log.warning("could not give back a rate-limit slot: %s", exc)


class SharedHourlyLimits:
    """Sliding one-hour windows per key, in Redis (``url``), keys under ``prefix``."""

    def __init__(self, url: str, prefix: str, clock: Callable[[], float] = time.time) -> None:
        self._redis: Redis = Redis.from_url(url.removeprefix("async+"))
        self._prefix = f"{prefix}:feedback:hourly:"
        self._clock = clock
        self._script: Any = self._redis.register_script(_RESERVE)

    async def take(self, limits: Iterable[Limit]) -> SharedReservation:
        """Take one slot under every limit, or none and raise the first limit reached."""
        chosen = [limit for limit in limits if limit.per_hour > 0]
        if not chosen:
            return SharedReservation(None, [], "")
        keys = [self._prefix + limit.key for limit in chosen]
        member, now = uuid.uuid4().hex, self._clock()
        args = [now, WINDOW_SECONDS, member, *(limit.per_hour for limit in chosen)]
        try:
            answer = await self._script(keys=keys, args=args)
        except Exception as exc:
            log.warning("rate limit storage unavailable, admitting: %s", exc)
            return SharedReservation(None, [], "")
        if int(answer[0]) == 0:
            return SharedReservation(self._redis, keys, member)
        full = chosen[int(answer[0]) - 1]
        frees_at = float(answer[1]) + WINDOW_SECONDS
        raise RateLimited(full.message, retry_after=max(1, math.ceil(frees_at - now)))

    def seed(self, key: str, at: float) -> None:
        """Nothing to seed: the windows live in Redis and outlive a restart."""

    async def close(self) -> None:
        await self._redis.aclose()
