"""Read-only summaries for headquarters and the CLI: the day's board (`reconcile`, shared by
`central-server reconcile` and the /hq/ page), open alarms, and the parked review queue."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, case, func, select

from central_server import db
from central_server.counters import _aware
from central_server.models import alarms, counters, receipts, records
from kesco_protocol.records import RecordKind

TOTAL_KEYS = ("receipts", "total_paise", "voids", "void_paise", "dishonoured", "dishonoured_paise",
              "reversals", "reversal_paise", "reversed_paise", "net_paise", "variance_paise", "parked", "parked_records", "alarms", "missing",
              "closing_receipts", "closing_paise")


def _int(v: Any) -> int:
    return int(v or 0)


def reconcile(conn: Connection, business_date: str, counter_code: str | None = None) -> list[dict[str, Any]]:
    """Per counter (or one), for one business date: the receipts the server holds (gross: parked
    and cancelled ones included, as the counter's day close counts them), voids and dishonours of
    those receipts, the shift closes' variance, what the day close said and whether it agrees
    now, and the counter's sync state (last seen, gaps, chain, open alarms).

    A fixed handful of queries whatever the number of counters (one per table, none per counter);
    the day's receipts are reached through the (counter_code, business_date) index."""
    cq = select(counters).order_by(counters.c.code)
    if counter_code is not None:
        cq = cq.where(counters.c.code == counter_code)
    rows = conn.execute(cq).mappings().all()
    codes = [r["code"] for r in rows]
    if not codes:
        return []
    money = _receipts_of_day(conn, codes, business_date)
    in_closing = _collected_during_closing(conn, codes, business_date)
    closes, shifts, parked_records = _records_of_day(conn, codes, business_date)
    open_alarms: dict[str, int] = dict(conn.execute(
        select(alarms.c.counter_code, func.count()).where(alarms.c.resolved_at.is_(None),
                                                          db.member_of(alarms.c.counter_code, codes, conn))
        .group_by(alarms.c.counter_code)).all())
    above = _received_above_high_water(conn, [r["code"] for r in rows if r["max_seq"] > r["high_water_seq"]])
    out = []
    for c in rows:
        code = c["code"]
        m = money.get(code, {})
        n, total = _int(m.get("n")), _int(m.get("total"))
        reversed_paise = _int(m.get("void_paise")) + _int(m.get("dis_paise")) + _int(m.get("rev_paise"))
        hw, max_seq = int(c["high_water_seq"]), int(c["max_seq"])
        missing = max(0, max_seq - hw - above.get(code, 0))
        dc = closes.get(code)
        if dc is not None:
            dc["matches"] = dc["count"] == n and dc["total_paise"] == total
        last_seen = _aware(c["last_seen_at"])
        out.append({
            "counter_code": code, "name": c["name"], "revoked": c["revoked_at"] is not None,
            "enrolled": c["token_hash"] is not None,
            "receipts": n, "total_paise": total,
            "voids": _int(m.get("voids")), "void_paise": _int(m.get("void_paise")),
            "dishonoured": _int(m.get("dis")), "dishonoured_paise": _int(m.get("dis_paise")),
            # a supervisor's reversal after the day (issue 16) takes the receipt out of its day's net too
            "reversals": _int(m.get("revs")), "reversal_paise": _int(m.get("rev_paise")),
            "reversed_paise": reversed_paise, "net_paise": total - reversed_paise,
            "variance_paise": shifts.get(code, (0, 0))[1], "shift_closes": shifts.get(code, (0, 0))[0],
            "parked": _int(m.get("parked")), "parked_records": parked_records.get(code, 0),
            "alarms": int(open_alarms.get(code, 0)),
            # receipts of the day taken during a month-end closing (by value date): the bill run's
            "closing_receipts": in_closing.get(code, (0, 0))[0], "closing_paise": in_closing.get(code, (0, 0))[1],
            "last_seen_at": last_seen.isoformat() if last_seen else None,
            "high_water_seq": hw, "max_seq": max_seq, "missing": missing,
            "first_missing": hw + 1 if missing else None,
            "chain_ok": c["chain_broken_at"] is None, "chain_broken_at": c["chain_broken_at"],
            "day_close": dc,
        })
        row = out[-1]
        row["attention"] = bool(not row["chain_ok"] or row["alarms"] or missing or (dc and not dc["matches"]))
    return out


def totals(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The board's totals row: sums of the counters' numbers; day closes received and agreeing."""
    out: dict[str, Any] = {k: sum(r[k] for r in rows) for k in TOTAL_KEYS}
    out["counters"] = len(rows)
    out["day_closes"] = sum(1 for r in rows if r["day_close"] is not None)
    out["day_closes_matching"] = sum(1 for r in rows if r["day_close"] and r["day_close"]["matches"])
    out["chains_broken"] = sum(1 for r in rows if not r["chain_ok"])
    out["attention"] = sum(1 for r in rows if r["attention"])
    return out


_REVERSAL_KEYS = {RecordKind.VOID.value: ("voids", "void_paise"), RecordKind.DISHONOUR.value: ("dis", "dis_paise"),
                  RecordKind.REVERSAL.value: ("revs", "rev_paise")}


def _receipts_of_day(conn: Connection, codes: list[str], day: str) -> dict[str, dict[str, int]]:
    """The day's receipts summed per counter (an index-only scan on PostgreSQL), and the few that a
    void or dishonour reversed, by kind, through the partial index of reversed receipts (joining
    every receipt to its reversal would hash the whole, ever-growing records table each time)."""
    r, rc = receipts.c, records.c
    of_day = (db.member_of(r.counter_code, codes, conn), r.business_date == day)
    out: dict[str, dict[str, int]] = {}
    for code, n, total, parked in conn.execute(
        select(r.counter_code, func.count(), func.sum(r.amount_paise),
               func.sum(case((r.parked_reason.is_not(None), 1), else_=0)))
        .where(*of_day).group_by(r.counter_code)
    ):
        out[code] = {"n": int(n), "total": int(total), "parked": int(parked),
                     "voids": 0, "void_paise": 0, "dis": 0, "dis_paise": 0, "revs": 0, "rev_paise": 0}
    for code, kind, n, total in conn.execute(
        select(r.counter_code, rc.kind, func.count(), func.sum(r.amount_paise))
        .select_from(receipts.join(records, rc.record_id == r.reversed_by))
        .where(*of_day, r.reversed_by.is_not(None)).group_by(r.counter_code, rc.kind)
    ):
        keys = _REVERSAL_KEYS.get(kind)
        if keys and code in out:
            out[code][keys[0]] += int(n)
            out[code][keys[1]] += int(total)
    return out


def _collected_during_closing(conn: Connection, codes: list[str], day: str) -> dict[str, tuple[int, int]]:
    """Per counter: count and total of the day's receipts flagged collected during closing. Only a
    day inside a closed period can have any (the flag follows the value date), so other days cost
    no query and the board's day sum keeps its index-only scan."""
    from central_server import period

    if not period.collected_during_closing(conn, day):
        return {}
    r = receipts.c
    return {code: (int(n), int(total)) for code, n, total in conn.execute(
        select(r.counter_code, func.count(), func.sum(r.amount_paise))
        .where(db.member_of(r.counter_code, codes, conn), r.business_date == day, r.collected_during_closing.is_(True))
        .group_by(r.counter_code))}


def _records_of_day(conn: Connection, codes: list[str], day: str) -> tuple[
        dict[str, dict[str, Any]], dict[str, tuple[int, int]], dict[str, int]]:
    """One query for the day's shift closes, day closes and parked voids/dishonours: few rows
    (a handful per counter), read whole. Returns the latest day close per counter, (shift closes,
    their summed variance) per counter, and parked records per counter."""
    rc = records.c
    q = (select(rc.record_id, rc.counter_code, rc.kind, rc.payload, rc.detail, rc.parked_reason, rc.received_at)
         .where(db.member_of(rc.counter_code, codes, conn), rc.business_date == day,
                (rc.kind.in_([RecordKind.SHIFT_CLOSE.value, RecordKind.DAY_CLOSE.value])) | rc.parked_reason.is_not(None))
         .order_by(rc.received_at, rc.record_id))
    closes: dict[str, dict[str, Any]] = {}
    shifts: dict[str, tuple[int, int]] = {}
    parked: dict[str, int] = {}
    for row in conn.execute(q):
        code = row.counter_code
        if row.parked_reason is not None:
            parked[code] = parked.get(code, 0) + 1
            continue
        p = json.loads(row.payload)
        if row.kind == RecordKind.SHIFT_CLOSE.value:
            v = p.get("variance_paise")
            n, total = shifts.get(code, (0, 0))
            shifts[code] = (n + 1, total + (v if isinstance(v, int) and not isinstance(v, bool) else 0))
        else:  # the last one received is the counter's word on the day
            answer = json.loads(row.detail) if row.detail else {}
            closes[code] = {"record_id": row.record_id, "count": p.get("receipt_count"),
                            "total_paise": p.get("total_paise"), "closed_by": p.get("closed_by"),
                            "closed_at": p.get("closed_at"), "answered_matches": answer.get("matches"),
                            "answered_missing": len(answer.get("missing") or ())}
    return closes, shifts, parked


def _received_above_high_water(conn: Connection, codes: list[str]) -> dict[str, int]:
    """Receipts held above each counter's high-water mark (only counters with a gap): the rest of
    the range up to max_seq is what is missing."""
    if not codes:
        return {}
    r = receipts.c
    q = (select(r.counter_code, func.count()).select_from(receipts.join(counters, counters.c.code == r.counter_code))
         .where(db.member_of(r.counter_code, codes, conn), r.seq > counters.c.high_water_seq)
         .group_by(r.counter_code))
    return {code: int(n) for code, n in conn.execute(q).all()}


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
