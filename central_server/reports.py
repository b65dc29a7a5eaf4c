"""Read-only summaries for headquarters and the CLI (the HQ page will call these too)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, case, func, select

from central_server.models import alarms, counters, receipts, records


def reconcile(conn: Connection, business_date: str) -> list[dict[str, Any]]:
    """Per counter, for one business date: receipts and their total as the server holds them,
    parked ones, voids and dishonours applied, and what the counter's day close said."""
    r = receipts.c
    money = conn.execute(
        select(r.counter_code, func.count(), func.coalesce(func.sum(r.amount_paise), 0),
               func.sum(case((r.parked_reason.is_not(None), 1), else_=0)),
               func.coalesce(func.sum(case((r.reversed_by.is_not(None), r.amount_paise), else_=0)), 0))
        .where(r.business_date == business_date).group_by(r.counter_code)
    ).all()
    by_code = {c: (int(n), int(t), int(p or 0), int(rev)) for c, n, t, p, rev in money}
    closes: dict[str, dict[str, Any]] = {}
    for code, payload, detail in conn.execute(
        select(records.c.counter_code, records.c.payload, records.c.detail)
        .where(records.c.kind == "day_close", records.c.business_date == business_date)
        .order_by(records.c.received_at)
    ):
        p = json.loads(payload)
        closes[code] = {"count": p.get("receipt_count"), "total_paise": p.get("total_paise"),
                        "matches": (json.loads(detail) if detail else {}).get("matches")}
    out = []
    for code, name in conn.execute(select(counters.c.code, counters.c.name).order_by(counters.c.code)):
        n, t, parked, reversed_paise = by_code.get(code, (0, 0, 0, 0))
        out.append({"counter_code": code, "name": name, "receipts": n, "total_paise": t, "parked": parked,
                    "reversed_paise": reversed_paise, "net_paise": t - reversed_paise,
                    "day_close": closes.get(code)})
    return out


def open_alarms(conn: Connection, counter_code: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Integrity alarms nobody has resolved yet: conflicts, chain breaks, hash mismatches, records
    that could not be read. Newest first."""
    q = select(alarms.c.id, alarms.c.counter_code, alarms.c.kind, alarms.c.record_id, alarms.c.seq,
               alarms.c.detail, alarms.c.raised_at).where(alarms.c.resolved_at.is_(None))
    if counter_code:
        q = q.where(alarms.c.counter_code == counter_code)
    rows = conn.execute(q.order_by(alarms.c.id.desc()).limit(limit)).mappings().all()
    return [{**r, "detail": json.loads(r["detail"]), "raised_at": str(r["raised_at"])} for r in rows]


def parked(conn: Connection, counter_code: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Receipts and voids/dishonours held in suspense, with the reason: the review queue."""
    r = receipts.c
    q = select(r.receipt_id, r.counter_code, r.seq, r.receipt_no, r.account_no, r.amount_paise,
               r.business_date, r.parked_reason).where(r.parked_reason.is_not(None))
    if counter_code:
        q = q.where(r.counter_code == counter_code)
    out = [{"kind": "receipt", **row} for row in conn.execute(q.order_by(r.counter_code, r.seq).limit(limit)).mappings()]
    q2 = select(records.c.record_id, records.c.counter_code, records.c.kind, records.c.target_receipt_id,
                records.c.amount_paise, records.c.parked_reason).where(records.c.parked_reason.is_not(None))
    if counter_code:
        q2 = q2.where(records.c.counter_code == counter_code)
    out += [dict(row) for row in conn.execute(q2.order_by(records.c.received_at).limit(limit)).mappings()]
    return out
