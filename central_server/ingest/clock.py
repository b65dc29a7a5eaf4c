"""Receipts whose time is implausible (issue 11 item 14): an alarm `clock`, never a refusal (the
money was taken; the receipt is stored and posted as usual), listed with the counter's alarms on
HQ. A counter with a wrong clock shows in its receipts' times against

- their arrival: issued in the future of when the server received them (a fast clock). A slow
  clock cannot be told from an honest offline backlog by the server alone: the counter refuses to
  issue when it is more than 10 minutes off the server's time (counter_app.services.clock_guard);
- their neighbours: issued earlier than the receipt before them in the sequence (a clock that
  jumped back mid-shift; the sequence cannot run backwards);
- their own business date: a date that is not the day of `issued_at` in India."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, select

from central_server import db
from central_server.ingest.batch import Batch
from central_server.models import receipts

IST = timezone(timedelta(hours=5, minutes=30), "IST")
AHEAD = timedelta(minutes=10)  # issued this far after its arrival: the counter's clock is fast
BACKWARDS = timedelta(minutes=2)  # earlier than the receipt before it by more: the clock went back


def _when(text: str) -> datetime | None:
    try:
        t = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return t if t.tzinfo is not None else None


def flag_times(conn: Connection, b: Batch, new_rows: list[dict[str, Any]]) -> None:
    """Raise a `clock` alarm for each new receipt whose time is implausible (see the docstring)."""
    if not new_rows:
        return
    rows = sorted(new_rows, key=lambda r: r["seq"])
    times = {r["seq"]: _when(r["issued_at"]) for r in rows}
    wanted = [r["seq"] - 1 for r in rows if r["seq"] - 1 not in times and r["seq"] > 1]
    if wanted:
        for seq, issued in conn.execute(
            select(receipts.c.seq, receipts.c.issued_at)
            .where(receipts.c.counter_code == b.counter_code, db.member_of(receipts.c.seq, wanted, conn))
        ):
            times.setdefault(int(seq), _when(issued))
    for r in rows:
        t = times[r["seq"]]
        if t is None:
            continue  # unreadable: parked already by its own check
        reason = None
        prev = times.get(r["seq"] - 1)
        if t > b.now + AHEAD:
            reason = f"issued_at: {int((t - b.now).total_seconds() // 60)} minutes after the server received it"
        elif prev is not None and t < prev - BACKWARDS:
            reason = (f"issued_at: {int((prev - t).total_seconds() // 60)} minutes before receipt "
                      f"{r['seq'] - 1}, the one before it (the clock went back)")
        elif t.astimezone(IST).date().isoformat() != r["business_date"]:
            reason = f"business_date: {r['business_date']} is not the day of its issued_at"
        if reason is not None:
            b.alarm("clock", r["receipt_id"], {"seq": r["seq"], "reason": reason, "issued_at": r["issued_at"],
                                               "received_at": b.now.isoformat()}, seq=r["seq"])
