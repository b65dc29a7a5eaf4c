"""Is this PC's clock fit to date a receipt? (issue 11 item 14)

A receipt's date and time are the evidence of when the money was taken, so the counter refuses to
issue when its clock is clearly wrong, with a message that says what to do:

- against the central server: every status answer carries `server_time`; the offset measured at
  each contact is kept (kv), and more than `clock_max_skew_minutes` (config, 10) off refuses;
- against the last receipt: a clock earlier than the last receipt's time by more than
  `clock_max_backwards_minutes` (config, 2) has gone back, and the sequence would run backwards.

A measurement is believed only while the local clock has moved forward less than six hours since
it was taken: a clock that was put right since (forwards or backwards) is not held to an old
offset, and the next contact measures again. A recent measurement that says the clock is right
overrides the last-receipt check (a fast clock that dated receipts ahead, now put right)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection

from counter_app.config import Config
from counter_app.domain.errors import StateError
from counter_app.storage.clock_facts import last_issued_at
from counter_app.storage.store import get_kv, set_kv

K_OFFSET = "server_clock_offset_s"
K_MEASURED_AT = "server_clock_measured_at"
BELIEVED_FOR = timedelta(hours=6)


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        t = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return t if t.tzinfo is not None else None


def remember_server_time(conn: Connection, server_time: object, local_at: str) -> None:
    """Keep the offset of the server's clock from ours at this contact (server minus local)."""
    server, local = _when(server_time if isinstance(server_time, str) else None), _when(local_at)
    if server is None or local is None:
        return
    set_kv(conn, K_OFFSET, str(round((server - local).total_seconds(), 3)))
    set_kv(conn, K_MEASURED_AT, local_at)


def server_offset(conn: Connection, now: datetime) -> float | None:
    """The believed offset in seconds (server minus local), or None when unknown or stale."""
    at = _when(get_kv(conn, K_MEASURED_AT))
    raw = get_kv(conn, K_OFFSET)
    if at is None or raw is None:
        return None
    if not timedelta(0) - timedelta(minutes=1) <= now - at <= BELIEVED_FOR:
        return None
    try:
        return float(raw)
    except ValueError:
        return None


def check(conn: Connection, now: datetime, config: Config) -> None:
    """Raise StateError (clock.off_server / clock.before_last_receipt) when the clock is wrong."""
    offset = server_offset(conn, now)
    skew_limit = int(getattr(config, "clock_max_skew_minutes", 10)) * 60
    if skew_limit > 0 and offset is not None and abs(offset) > skew_limit:
        raise StateError("clock.off_server", minutes=int(abs(offset) // 60))
    if skew_limit > 0 and offset is not None:
        return  # the server says the clock is right now: that outranks the last receipt's time
    last = _when(last_issued_at(conn))
    back = timedelta(minutes=int(getattr(config, "clock_max_backwards_minutes", 2)))
    if last is not None and now < last - back:
        raise StateError("clock.before_last_receipt", now=now.strftime("%d-%m-%Y %H:%M"),
                         last=last.strftime("%d-%m-%Y %H:%M"))
