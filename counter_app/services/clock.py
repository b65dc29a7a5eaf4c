"""Time at the counter: Indian Standard Time (no daylight saving), injectable for tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

IST = timezone(timedelta(hours=5, minutes=30), "IST")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(IST)


def iso(dt: datetime) -> str:
    return dt.isoformat(timespec="milliseconds")
