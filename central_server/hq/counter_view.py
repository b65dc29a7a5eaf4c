"""One counter's day for headquarters: its sync state, the day's receipts (a page at a time, or
all as CSV), voids and dishonours with their reasons, shift closes, the day close checked receipt
by receipt, alarms and parked records. Read-only."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from central_server import counters, reports
from central_server.counters import _aware
from central_server.models import counters as counters_table
from central_server.models import receipts, records
from kesco_protocol.money import format_plain
from kesco_protocol.records import RecordKind

PAGE_SIZE = 500
CSV_COLUMNS = ("seq", "receipt_no", "receipt_id", "business_date", "issued_at", "account_no", "consumer_name",
               "category", "mode", "amount", "amount_paise", "status", "reversed_by", "parked_reason",
               "received_at", "received_during_closing")


def exists(conn: Connection, code: str) -> bool:
    return conn.execute(select(counters_table.c.code).where(counters_table.c.code == code)).first() is not None


def counter_day(conn: Connection, code: str, day: str, page: int = 1) -> dict[str, Any]:
    """Everything the counter page shows; `page` pages through the day's receipts."""
    summary = reports.reconcile(conn, day, code)[0]
    pages = max(1, -(-summary["receipts"] // PAGE_SIZE))
    page = min(max(1, page), pages)
    return {
        "status": counters.status(conn, code),
        "summary": summary,
        "receipts": list(_receipt_rows(conn, code, day, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)),
        "page": page, "pages": pages, "page_size": PAGE_SIZE,
        "reversals": _reversals(conn, code, day),
        "shift_closes": _shift_closes(conn, code, day),
        "day_close": _day_close(conn, code, day, summary),
        "alarms": reports.open_alarms(conn, code),
        "parked": _parked(conn, code, day),
    }


def _receipt_rows(conn: Connection, code: str, day: str, *, limit: int | None = None,
                  offset: int = 0) -> Iterator[dict[str, Any]]:
    r, v = receipts.c, records.alias("v")
    q = (select(r.seq, r.receipt_no, r.receipt_id, r.business_date, r.issued_at, r.account_no, r.mode,
                r.amount_paise, r.payload, r.parked_reason, r.reversed_by, r.received_at,
                r.received_during_closing, r.collected_during_closing, v.c.kind.label("reversed_kind"))
         .select_from(receipts.outerjoin(v, v.c.record_id == r.reversed_by))
         .where(r.counter_code == code, r.business_date == day).order_by(r.seq).offset(offset))
    if limit is not None:
        q = q.limit(limit)
    for row in conn.execute(q).mappings():
        body = json.loads(row["payload"])
        if row["reversed_kind"] == RecordKind.VOID.value:
            status = "voided"
        elif row["reversed_kind"] == RecordKind.DISHONOUR.value:
            status = "dishonoured"
        elif row["reversed_kind"] == RecordKind.REVERSAL.value:
            status = "reversed"
        elif row["parked_reason"] is not None:
            status = "parked"
        else:
            status = "posted"
        received = _aware(row["received_at"])
        yield {**{k: row[k] for k in row.keys() if k not in ("payload", "reversed_kind")},
               "consumer_name": str(body.get("consumer_name") or ""), "category": str(body.get("category") or ""),
               "status": status, "received_at": received.isoformat() if received else None}


def receipts_csv(conn: Connection, code: str, day: str) -> str:
    """All the day's receipts of one counter, one line each; amounts in rupees and in paise."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for row in _receipt_rows(conn, code, day):
        out = {**row, "amount": format_plain(row["amount_paise"])}
        w.writerow([_cell(out.get(c)) for c in CSV_COLUMNS])
    return buf.getvalue()


def _cell(v: Any) -> Any:
    """A spreadsheet must not run a consumer's name as a formula (CSV injection)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return "" if v is None else v


def _reversals(conn: Connection, code: str, day: str) -> list[dict[str, Any]]:
    """Voids and dishonours recorded at this counter on the day, or reversing its receipts of the
    day (a dishonour is usually recorded days later), with their reasons and state."""
    rc, t = records.c, receipts.alias("t")
    q = (select(rc.record_id, rc.kind, rc.amount_paise, rc.payload, rc.parked_reason, rc.applied,
                rc.received_at, t.c.receipt_no, t.c.business_date.label("receipt_date"))
         .select_from(records.outerjoin(t, t.c.receipt_id == rc.target_receipt_id))
         .where(rc.kind.in_([RecordKind.VOID.value, RecordKind.DISHONOUR.value, RecordKind.REVERSAL.value]),
                or_(and_(rc.counter_code == code, rc.business_date == day),
                    and_(t.c.counter_code == code, t.c.business_date == day)))
         .order_by(rc.received_at, rc.record_id))
    out = []
    for row in conn.execute(q).mappings():
        p = json.loads(row["payload"])
        out.append({"record_id": row["record_id"], "kind": row["kind"], "amount_paise": row["amount_paise"],
                    "receipt_no": row["receipt_no"] or p.get("receipt_no"), "receipt_date": row["receipt_date"],
                    "reason": p.get("reason"), "by": p.get("clerk") or p.get("recorded_by"),
                    "approved_by": p.get("approved_by"), "at": p.get("voided_at") or p.get("recorded_at"),
                    "applied": bool(row["applied"]), "parked_reason": row["parked_reason"],
                    "counter_code": p.get("counter_code")})
    return out


def _parked(conn: Connection, code: str, day: str) -> list[dict[str, Any]]:
    """The day's receipts and voids/dishonours held in suspense, with the reason."""
    r, rc = receipts.c, records.c
    out = [{"kind": "receipt", **row} for row in conn.execute(
        select(r.receipt_no.label("what"), r.amount_paise, r.parked_reason)
        .where(r.counter_code == code, r.business_date == day, r.parked_reason.is_not(None)).order_by(r.seq)
    ).mappings()]
    out += [dict(row) for row in conn.execute(
        select(rc.kind, rc.target_receipt_id.label("what"), rc.amount_paise, rc.parked_reason)
        .where(rc.counter_code == code, rc.business_date == day, rc.parked_reason.is_not(None))
        .order_by(rc.received_at)
    ).mappings()]
    return out


def _shift_closes(conn: Connection, code: str, day: str) -> list[dict[str, Any]]:
    rc = records.c
    q = (select(rc.record_id, rc.payload).where(rc.counter_code == code, rc.kind == RecordKind.SHIFT_CLOSE.value,
                                                rc.business_date == day).order_by(rc.received_at, rc.record_id))
    out = []
    for rid, payload in conn.execute(q):
        p = json.loads(payload)
        row = {"record_id": rid, **{k: p.get(k) for k in (
            "clerk", "shift_id", "opening_float_paise", "expected_cash_paise", "counted_cash_paise",
            "variance_paise", "remark", "approved_by", "closed_by", "closed_at", "cash_receipts")}}
        # rows stored before ingestion checked their fields may hold anything: show it as text
        row["instruments_missing"] = _texts(p.get("instruments_missing"))
        out.append(row)
    return out


def _texts(v: Any) -> list[str]:
    if v is None or v == "":
        return []
    return [str(x)[:40] for x in v[:100]] if isinstance(v, list) else [str(v)[:40]]


def _day_close(conn: Connection, code: str, day: str, summary: dict[str, Any]) -> dict[str, Any] | None:
    """The counter's last day close for the day, checked against the receipts held now: which of
    its receipts the server lacks, and which the server holds that it did not list."""
    dc = summary["day_close"]
    if dc is None:
        return None
    payload = json.loads(conn.execute(select(records.c.payload).where(records.c.record_id == dc["record_id"]))
                         .scalar_one())
    ids = payload.get("receipt_ids")
    listed = [x for x in ids if isinstance(x, str)] if isinstance(ids, list) else []
    held = dict(conn.execute(select(receipts.c.receipt_id, receipts.c.receipt_no)
                             .where(receipts.c.counter_code == code, receipts.c.business_date == day)).all())
    missing = [x for x in listed if x not in held]
    listed_set = set(listed)
    extra = sorted(no for rid, no in held.items() if rid not in listed_set)
    return {**dc, "missing": missing, "extra": extra, "void_count": payload.get("void_count"),
            "void_total_paise": payload.get("void_total_paise"),
            "variance_total_paise": payload.get("variance_total_paise"),
            "matches": dc["matches"] and not missing and (not listed or not extra)}
