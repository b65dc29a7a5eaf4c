"""Read-only summaries for headquarters and the CLI (the HQ page will call these too)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, case, func, select

from central_server.models import counters, receipts, records


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
