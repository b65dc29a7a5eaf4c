"""What the HQ bank pages show, read in one snapshot: per counter and day the cash collected,
picked up and deposited and what is still not in the bank; every cheque and DD by state; the
statement lines nobody could match. Money in integer paise."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from central_server.bank.tables import INSTRUMENT_STATES, bank_lines, bank_review, deposits, instruments
from central_server.models import receipts, records
from kesco_protocol.records import Mode, RecordKind

UNDEPOSITED_DAYS = 90  # how far back the oldest undeposited cash is looked for


def _cash_by_counter_day(conn: Connection, since: str, until: str) -> dict[tuple[str, str], dict[str, int]]:
    """collected (cash receipts with their round-off, less the voided ones: that cash went back
    over the counter), picked_up and deposited cash, per (counter, business day)."""
    r, v = receipts.c, records.alias("v")
    out: dict[tuple[str, str], dict[str, int]] = {}

    def cell(code: str, day: str) -> dict[str, int]:
        return out.setdefault((code, day), {"collected_paise": 0, "picked_up_paise": 0, "deposited_paise": 0,
                                            "slips": 0})

    for code, day, paise in conn.execute(
        select(r.counter_code, r.business_date, func.sum(r.amount_paise + r.round_off_paise))
        .select_from(receipts.outerjoin(v, v.c.record_id == r.reversed_by))
        .where(r.mode == Mode.CASH.value, r.business_date.between(since, until),
               or_(r.reversed_by.is_(None), v.c.kind != RecordKind.VOID.value))
        .group_by(r.counter_code, r.business_date)):
        cell(code, day)["collected_paise"] = int(paise or 0)
    rc = records.c
    for code, day, paise in conn.execute(
        select(rc.counter_code, rc.business_date, func.sum(rc.amount_paise))
        .where(rc.kind == RecordKind.PICKUP.value, rc.business_date.between(since, until))
        .group_by(rc.counter_code, rc.business_date)):
        cell(code, day)["picked_up_paise"] = int(paise or 0)
    d = deposits.c
    for code, day, paise, n in conn.execute(
        select(d.counter_code, d.business_date, func.sum(d.cash_paise), func.count())
        .where(d.business_date.between(since, until)).group_by(d.counter_code, d.business_date)):
        c = cell(code, day)
        c["deposited_paise"], c["slips"] = int(paise or 0), int(n)
    for c in out.values():
        c["undeposited_paise"] = c["collected_paise"] - c["deposited_paise"]
    return out


def oldest_undeposited(conn: Connection, today: str) -> list[dict[str, Any]]:
    """Per counter, the oldest day (within UNDEPOSITED_DAYS) whose cash is not all in the bank,
    and the total not deposited; oldest first."""
    since = (date.fromisoformat(today) - timedelta(days=UNDEPOSITED_DAYS)).isoformat()
    cells = _cash_by_counter_day(conn, since, today)
    per: dict[str, dict[str, Any]] = {}
    for (code, day), c in sorted(cells.items()):
        if c["undeposited_paise"] <= 0:
            continue
        p = per.setdefault(code, {"counter_code": code, "oldest_day": day, "undeposited_paise": 0, "days": 0})
        p["undeposited_paise"] += c["undeposited_paise"]
        p["days"] += 1
    return sorted(per.values(), key=lambda p: (p["oldest_day"], p["counter_code"]))


def deposit_day(conn: Connection, day: str) -> list[dict[str, Any]]:
    """Every counter with cash or a slip on `day`: collected, picked up, deposited, the difference."""
    cells = _cash_by_counter_day(conn, day, day)
    return [{"counter_code": code, **c} for (code, _), c in sorted(cells.items())]


def slips_of_day(conn: Connection, day: str) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(deposits).where(deposits.c.business_date == day)
                                          .order_by(deposits.c.counter_code, deposits.c.slip_no)).mappings()]


def instrument_counts(conn: Connection) -> dict[str, dict[str, int]]:
    got = {s: {"count": 0, "paise": 0} for s in INSTRUMENT_STATES}
    for state, n, paise in conn.execute(select(instruments.c.state, func.count(), func.sum(instruments.c.amount_paise))
                                        .group_by(instruments.c.state)):
        got.setdefault(state, {"count": 0, "paise": 0}).update(count=int(n), paise=int(paise or 0))
    return got


INSTRUMENT_COLUMNS = ("state", "counter_code", "business_date", "receipt_no", "account_no", "mode", "number", "bank",
                      "instrument_date", "amount_paise", "group_id", "deposit_id", "slip_no", "receipt_id")


def _instrument_query(state: str | None) -> Any:
    i, d = instruments.c, deposits.c
    q = (select(*[i[c] for c in INSTRUMENT_COLUMNS if c != "slip_no"], d.slip_no)
         .select_from(instruments.outerjoin(deposits, d.deposit_id == i.deposit_id)))
    if state:
        q = q.where(i.state == state)
    return q.order_by(i.business_date.desc(), i.counter_code, i.group_id, i.receipt_no)


def instruments_list(conn: Connection, state: str | None, limit: int = 500) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(_instrument_query(state).limit(limit)).mappings()]


def instruments_rows(conn: Connection, state: str | None) -> Iterator[list[Any]]:
    """Every instrument (of a state) in INSTRUMENT_COLUMNS order, streamed, for the CSV."""
    res = conn.execution_options(stream_results=True, max_row_buffer=5_000).execute(_instrument_query(state))
    for r in res.mappings():
        yield [r[c] for c in INSTRUMENT_COLUMNS]


def review_list(conn: Connection, *, resolved: bool = False, limit: int = 500) -> list[dict[str, Any]]:
    rv, ln = bank_review.c, bank_lines.c
    q = (select(rv.id, rv.reason, rv.opened_at, rv.resolved_at, ln.import_id, ln.line_no, ln.txn_date, ln.value_date,
                ln.description, ln.reference, ln.debit_paise, ln.credit_paise)
         .select_from(bank_review.join(bank_lines, and_(ln.id == rv.line_id)))
         .where(rv.resolved_at.is_not(None) if resolved else rv.resolved_at.is_(None))
         .order_by(ln.txn_date, rv.id).limit(limit))
    return [dict(r) for r in conn.execute(q).mappings()]
