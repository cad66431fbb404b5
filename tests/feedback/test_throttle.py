"""The in-memory hourly limits: all-or-nothing reservations, released slots, a sliding hour."""

from __future__ import annotations

import tracemalloc

import pytest

from services.feedback.throttle import HourlyLimits, Limit, RateLimited


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _limits(per_address: int = 2, per_page: int = 5) -> list[Limit]:
    return [Limit("address:a", per_address, "địa chỉ"), Limit("page:p", per_page, "trang")]


class TestHourlyLimits:
    def test_the_first_limit_reached_refuses_and_takes_no_slot_anywhere(self) -> None:
        limits = HourlyLimits(Clock())
        limits.reserve(_limits())
        limits.reserve(_limits())
        with pytest.raises(RateLimited, match="địa chỉ") as refused:
            limits.reserve(_limits())
        assert refused.value.status_code == 429
        assert limits.count("page:p") == 2  # the refused comment took no page slot

    def test_a_released_slot_can_be_used_again(self) -> None:
        limits = HourlyLimits(Clock())
        limits.reserve(_limits())
        limits.reserve(_limits()).release()
        limits.reserve(_limits())
        assert limits.count("address:a") == 2

    def test_the_window_slides_by_the_hour(self) -> None:
        clock = Clock()
        limits = HourlyLimits(clock)
        limits.reserve(_limits())
        clock.now += 1800
        limits.reserve(_limits())
        clock.now += 1801  # the first is now more than an hour old
        limits.reserve(_limits())
        with pytest.raises(RateLimited):
            limits.reserve(_limits())

    def test_a_limit_of_zero_is_no_limit(self) -> None:
        limits = HourlyLimits(Clock())
        for _ in range(10):
            limits.reserve([Limit("address:a", 0, "x")])
        assert limits.count("address:a") == 0

    def test_seeded_comments_count_in_time_order(self) -> None:
        clock = Clock()
        limits = HourlyLimits(clock)
        limits.seed("address:a", clock.now - 100)
        limits.seed("address:a", clock.now - 3000)
        with pytest.raises(RateLimited):
            limits.reserve(_limits())
        clock.now += 700  # the older seed leaves the window
        limits.reserve(_limits())

    def test_keys_idle_for_an_hour_are_forgotten(self) -> None:
        clock = Clock()
        limits = HourlyLimits(clock)
        limits.reserve([Limit("address:old", 5, "x")])
        clock.now += 3601
        for n in range(5000):
            limits.reserve([Limit(f"address:{n % 7}", 0, "x"), Limit("page:q", 10**6, "x")])
        assert "address:old" not in limits._hits

    def test_a_flood_of_one_time_senders_stays_small_in_memory(self) -> None:
        """Every cookie-less form post is its own browser key for an hour: 20,000 of them
        take a few MB, not the ~13 MB a deque per key did."""
        limits = HourlyLimits(Clock())
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for n in range(20_000):
                limits.reserve([Limit(f"browser:{n:032x}", 20, "")])
            used = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert all(limits.count(f"browser:{n:032x}") == 1 for n in range(0, 20_000, 997))
        assert used < 5_000_000, used
