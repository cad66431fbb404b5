"""What the overview page draws: the heat of each section, comments per day, time left."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.aggregator.counters import local_day
from services.aggregator.models import DailyCount
from shared.text import vn_date

CHANNELS = ("web", "email", "post")
CHANNEL_COLOURS = {"web": "#1f6feb", "email": "#d4a017", "post": "#2e8540"}
CHART_WIDTH, CHART_HEIGHT, CHART_DAYS = 640, 160, 60


@dataclass
class Bar:
    """One day's column: a rectangle per channel, stacked, in SVG user units."""

    x: float
    width: float
    label: str
    total: int
    parts: list[tuple[str, float, float]]  # channel, y, height


async def daily_bars(
    session: AsyncSession, document_id: uuid.UUID, today: date
) -> tuple[list[Bar], int]:
    """The last CHART_DAYS days with comments by channel, and the tallest day's count."""
    start = today - timedelta(days=CHART_DAYS - 1)
    rows = await session.execute(
        select(DailyCount).where(
            col(DailyCount.document_id) == document_id, col(DailyCount.day) >= start
        )
    )
    per_day: dict[date, dict[str, int]] = {}
    for row in rows.scalars():
        per_day.setdefault(row.day, {})[row.channel] = row.comments
    if not per_day:
        return [], 0
    first = min(per_day)
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    peak = max(sum(v.values()) for v in per_day.values()) or 1
    width = CHART_WIDTH / max(len(days), 1)
    bars = []
    for n, day in enumerate(days):
        counts = per_day.get(day, {})
        y = float(CHART_HEIGHT)
        parts = []
        for channel in CHANNELS:
            height = CHART_HEIGHT * counts.get(channel, 0) / peak
            if height:
                y -= height
                parts.append((channel, round(y, 2), round(height, 2)))
        bars.append(
            Bar(
                round(n * width, 2),
                round(width * 0.8, 2),
                vn_date(day),
                sum(counts.values()),
                parts,
            )
        )
    return bars, peak


def time_left(closes_at: datetime | None, now: datetime) -> str:
    """The time left in the window, as a reviewer says it."""
    if closes_at is None:
        return "Chưa có hạn góp ý."
    if now >= closes_at:
        return f"Đã hết hạn góp ý ({vn_date(closes_at)})."
    left = closes_at - now
    days, hours = left.days, left.seconds // 3600
    if days:
        return f"Còn {days} ngày {hours} giờ đến hết hạn góp ý ({vn_date(closes_at)})."
    return f"Còn {hours} giờ {left.seconds % 3600 // 60} phút đến hết hạn góp ý."


def today_local(now: datetime) -> date:
    return local_day(now)
