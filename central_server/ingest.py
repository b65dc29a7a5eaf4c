"""Exactly-once ingestion of a counter's records (receipts, voids, dishonours, shift and day
closes), set-based: one INSERT ... ON CONFLICT DO NOTHING RETURNING per table and one sorted
bulk UPDATE of the consumers touched, whatever the batch size.

Exactly once rests on the database: receipt_id and (counter_code, seq) are unique, record_id is
the key of `records`. A row that was not inserted is looked up and compared byte for byte with
what is stored: the same payload is a duplicate (a re-send), anything else is a conflict, kept as
an alarm and never written over. Money already collected is never refused: a receipt that cannot
be posted (unknown or disconnected account, odd amount, broken hash) is stored and parked.

`ingest_records(conn, counter_code, records)` is the entry point for any source (the HTTP
endpoint, the sealed-file import); it must run inside a write transaction (`db.write_tx`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import BigInteger, Connection, String, bindparam, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from central_server import db
from central_server import period as period_mod
from central_server.models import alarms, consumers, counters, receipts, records
from counter_app.domain.chain import link_hash
from counter_app.domain.errors import ValidationError
from counter_app.domain.receipt import GENESIS_HASH, Mode, Receipt, RecordKind, canonical_json

DEFAULT_SANITY_LIMIT_PAISE = 50_00_000_00  # Rs 50 lakh
_MAX_INT = 2**53  # what every JSON reader keeps exactly; far above any real sequence or amount
_CHAIN_PAGE = 2000
_MODES = frozenset(m.value for m in Mode)

ACCEPTED, DUPLICATE, CONFLICT, PARKED, INVALID = "accepted", "duplicate", "conflict", "parked", "invalid"


@dataclass(frozen=True, slots=True)
class RecordIn:
    kind: str
    record_id: str
    payload: Any


@dataclass(slots=True)
class Result:
    record_id: str
    status: str
    detail: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "status": self.status, "detail": self.detail}


class _Invalid(Exception):
    pass


@dataclass(slots=True)
class _Batch:
    """Everything decided about one request while it is processed."""

    counter_code: str
    now: datetime
    closing: bool
    sanity_limit: int
    results: list[Result | None]
    receipt_rows: list[dict[str, Any]] = field(default_factory=list)
    other: list[tuple[int, str, str, dict[str, Any], str]] = field(default_factory=list)
    alarms: list[dict[str, Any]] = field(default_factory=list)
    # account_no -> [balance delta, last payment (date, issued_at, paise) or None, dishonours]
    postings: dict[str, list[Any]] = field(default_factory=dict)
    day_closes: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def alarm(self, kind: str, record_id: str, detail: dict[str, Any], *, payload: str | None = None,
              seq: int | None = None) -> None:
        self.alarms.append({
            "counter_code": self.counter_code, "kind": kind, "seq": seq,
            "record_id": record_id.replace("\x00", "\\u0000")[:100],
            "payload_sha": hashlib.sha256((payload or "").encode()).hexdigest(),
            "payload": payload, "detail": json.dumps(detail, ensure_ascii=False), "raised_at": self.now,
        })

    def post(self, account_no: str, delta: int, *, payment: tuple[str, str, int] | None = None,
             dishonour: int = 0) -> None:
        p = self.postings.setdefault(account_no, [0, None, 0])
        p[0] += delta
        if payment is not None and (p[1] is None or payment[:2] > p[1][:2]):
            p[1] = payment
        p[2] += dishonour


def ingest_records(conn: Connection, counter_code: str, items: Sequence[RecordIn], *,
                   sanity_limit_paise: int = DEFAULT_SANITY_LIMIT_PAISE) -> list[Result]:
    """Store one batch of a counter's records; one result per record, in the same order."""
    db.lock_counter_row(conn, counter_code)
    per = period_mod.current(conn)
    b = _Batch(counter_code, datetime.now(UTC), per.closing, sanity_limit_paise, [None] * len(items))
    seen: dict[str, str] = {}  # record_id -> payload text, for repeats inside one request
    for i, item in enumerate(items):
        try:
            kind, text = _read(b, i, item)
        except _Invalid as e:
            b.results[i] = Result(str(item.record_id)[:100], INVALID, {"reason": str(e)})
            b.alarm("invalid", str(item.record_id), {"reason": str(e)}, payload=_raw(item))
            continue
        if item.record_id in seen:
            same = seen[item.record_id] == text
            b.results[i] = Result(item.record_id, DUPLICATE if same else CONFLICT,
                                  None if same else {"reason": "record_id repeated with another payload"})
            if not same:
                b.alarm("conflict", item.record_id, {"reason": "repeated in one request"}, payload=text)
            if kind == RecordKind.RECEIPT:
                b.receipt_rows.pop()
            else:
                b.other.pop()
            continue
        seen[item.record_id] = text

    _park_receipts_by_account(conn, b)
    new_receipts = _insert_receipts(conn, b)
    _insert_other(conn, b, new_receipts)
    _apply_postings(conn, b)
    _advance_chain(conn, b, new_receipts)
    _answer_day_closes(conn, b)
    if b.alarms:
        conn.execute(_insert(conn, alarms).on_conflict_do_nothing(), b.alarms)
    return [r for r in b.results if r is not None]


# --- reading --------------------------------------------------------------------------------

def _raw(item: RecordIn) -> str:
    try:
        return json.dumps({"kind": item.kind, "payload": item.payload}, ensure_ascii=False, default=str)[:100_000]
    except (TypeError, ValueError):
        return repr(item.payload)[:100_000]


def _read(b: _Batch, i: int, item: RecordIn) -> tuple[str, str]:
    """Check the record's shape and queue it; returns its kind and canonical payload text."""
    rid = item.record_id
    if not isinstance(rid, str) or not 1 <= len(rid) <= 64 or "\x00" in rid:
        raise _Invalid("record_id must be 1 to 64 characters")
    if not isinstance(item.payload, dict):
        raise _Invalid("payload must be a JSON object")
    if item.kind == RecordKind.RECEIPT:
        return item.kind, _read_receipt(b, i, rid, item.payload)
    if item.kind in (RecordKind.VOID, RecordKind.DISHONOUR, RecordKind.SHIFT_CLOSE, RecordKind.DAY_CLOSE):
        return item.kind, _read_other(b, i, rid, item.kind, item.payload)
    raise _Invalid(f"unknown kind {str(item.kind)[:20]!r}")


_LIMITS = {"receipt_id": 64, "receipt_no": 40, "account_no": 32, "mode": 16, "issued_at": 40,
           "shift_id": 64, "prev_hash": 64, "hash": 64, "business_date": 10}


def _read_receipt(b: _Batch, i: int, rid: str, payload: dict[str, Any]) -> str:
    try:
        r = Receipt.from_wire(payload)
    except ValidationError as e:
        raise _Invalid(f"not a receipt: {e.params.get('detail', e)}") from None
    if r.receipt_id != rid:
        raise _Invalid("record_id differs from the receipt's receipt_id")
    if r.counter_code != b.counter_code:
        raise _Invalid(f"receipt of counter {r.counter_code[:16]!r} sent by {b.counter_code}")
    for name, limit in _LIMITS.items():
        if len(getattr(r, name)) > limit:
            raise _Invalid(f"{name} longer than {limit} characters")
        if "\x00" in getattr(r, name):  # no database text column takes NUL
            raise _Invalid(f"{name} contains a NUL character")
    if not 1 <= r.seq < _MAX_INT:
        raise _Invalid("seq must be a positive integer")
    if not -_MAX_INT < r.amount_paise < _MAX_INT:
        raise _Invalid("amount_paise out of range")
    text = canonical_json(r.wire())
    hash_ok = link_hash(r.prev_hash, r.canonical()) == r.hash
    reason = None
    if not hash_ok:
        reason = "hash_mismatch: the receipt's content does not match its hash"
    elif r.amount_paise <= 0:
        reason = "amount: not a positive amount"
    elif r.amount_paise > b.sanity_limit:
        reason = f"amount: above the review limit of {b.sanity_limit} paise"
    elif not _is_date(r.business_date):
        reason = "business_date: not a date"
    elif r.mode not in _MODES:
        reason = f"mode: unknown payment mode {r.mode!r}"
    b.receipt_rows.append({
        "receipt_id": rid, "counter_code": r.counter_code, "seq": r.seq, "receipt_no": r.receipt_no,
        "account_no": r.account_no, "amount_paise": r.amount_paise, "mode": r.mode,
        "business_date": r.business_date, "issued_at": r.issued_at, "shift_id": r.shift_id,
        "prev_hash": r.prev_hash, "hash": r.hash, "hash_ok": hash_ok, "payload": text,
        "received_at": b.now, "received_during_closing": b.closing, "parked_reason": reason,
        "posted": False, "reversed_by": None, "_i": i,
    })
    return text


def _is_date(s: str) -> bool:
    try:
        date.fromisoformat(s)
    except ValueError:
        return False
    return len(s) == 10


def _need(payload: dict[str, Any], name: str, typ: type | tuple[type, ...], limit: int = 200) -> Any:
    v = payload.get(name)
    if not isinstance(v, typ) or isinstance(v, bool) and typ is int:
        raise _Invalid(f"{name}: missing or of the wrong type")
    if isinstance(v, str) and len(v) > limit:
        raise _Invalid(f"{name} longer than {limit} characters")
    if isinstance(v, str) and "\x00" in v:
        raise _Invalid(f"{name} contains a NUL character")
    if isinstance(v, int) and not -_MAX_INT < v < _MAX_INT:
        raise _Invalid(f"{name} out of range")
    return v


def _read_other(b: _Batch, i: int, rid: str, kind: str, payload: dict[str, Any]) -> str:
    text = canonical_json(payload)
    if len(text) > 2_000_000:
        raise _Invalid("payload too large")
    code = payload.get("counter_code")
    if code != b.counter_code:
        raise _Invalid(f"{kind} of counter {str(code)[:16]!r} sent by {b.counter_code}")
    target = None
    business_date = None
    amount = None
    if kind in (RecordKind.VOID, RecordKind.DISHONOUR):
        id_field = "void_id" if kind == RecordKind.VOID else "dishonour_id"
        if payload.get(id_field) != rid:
            raise _Invalid(f"record_id differs from the payload's {id_field}")
        target = _need(payload, "receipt_id", str, 64)
        amount = _need(payload, "amount_paise", int)
        _need(payload, "reason", str, 500)
        when = _need(payload, "voided_at" if kind == RecordKind.VOID else "recorded_at", str, 40)
        business_date = when[:10] if _is_date(when[:10]) else None
    elif kind == RecordKind.DAY_CLOSE:
        business_date = _need(payload, "business_date", str, 10)
        if not _is_date(business_date):
            raise _Invalid("business_date: not a date")
        _need(payload, "receipt_count", int)
        amount = _need(payload, "total_paise", int)
        ids = _need(payload, "receipt_ids", list)
        if not all(isinstance(x, str) and len(x) <= 64 for x in ids):
            raise _Invalid("receipt_ids: a list of receipt ids")
        _need(payload, "closed_by", str, 64)
        _need(payload, "closed_at", str, 40)
    else:  # shift_close: the counter's own body; kept as received
        bd = payload.get("business_date")
        business_date = bd if isinstance(bd, str) and _is_date(bd) else None
    b.other.append((i, rid, kind, {
        "record_id": rid, "counter_code": b.counter_code, "kind": kind, "target_receipt_id": target,
        "business_date": business_date, "amount_paise": amount, "payload": text, "received_at": b.now,
        "received_during_closing": b.closing, "parked_reason": None, "applied": False, "detail": None,
    }, text))
    return text


# --- receipts -------------------------------------------------------------------------------

def _insert(conn: Connection, table: Any) -> Any:
    return (sqlite.insert if db.is_sqlite(conn) else postgresql.insert)(table)


def _park_receipts_by_account(conn: Connection, b: _Batch) -> None:
    accounts = {row["account_no"] for row in b.receipt_rows if row["parked_reason"] is None}
    if not accounts:
        return
    found = dict(conn.execute(
        select(consumers.c.account_no, consumers.c.status).where(db.member_of(consumers.c.account_no, accounts, conn))
    ).all())
    for row in b.receipt_rows:
        if row["parked_reason"] is not None:
            continue
        status = found.get(row["account_no"])
        if status is None:
            row["parked_reason"] = "account: no such consumer account"
        elif status != "active":
            row["parked_reason"] = f"account: connection is {status}"
        else:
            row["posted"] = True


def _insert_receipts(conn: Connection, b: _Batch) -> list[dict[str, Any]]:
    """Insert the batch's receipts; answer each one and queue postings. Returns the new rows."""
    rows = b.receipt_rows
    if not rows:
        return []
    inserted = _insert_returning_ids(conn, receipts, "receipt_id", rows)
    new = [row for row in rows if row["receipt_id"] in inserted]
    old = [row for row in rows if row["receipt_id"] not in inserted]
    for row in new:
        if not row["hash_ok"]:  # raised for what was stored; a re-send of it is a conflict instead
            b.alarm("hash_mismatch", row["receipt_id"], {"seq": row["seq"], "reason": row["parked_reason"]},
                    payload=row["payload"], seq=row["seq"])
        if row["posted"]:
            b.post(row["account_no"], -row["amount_paise"],
                   payment=(row["business_date"], row["issued_at"], row["amount_paise"]))
            b.results[row["_i"]] = Result(row["receipt_id"], ACCEPTED)
        else:
            b.results[row["_i"]] = Result(row["receipt_id"], PARKED, {"reason": row["parked_reason"]})
    if old:
        _answer_existing_receipts(conn, b, old)
    return new


def _answer_existing_receipts(conn: Connection, b: _Batch, old: list[dict[str, Any]]) -> None:
    by_id = {r.receipt_id: r for r in conn.execute(
        select(receipts.c.receipt_id, receipts.c.counter_code, receipts.c.seq, receipts.c.payload)
        .where(db.member_of(receipts.c.receipt_id, [row["receipt_id"] for row in old], conn))
    )}
    by_seq = {r.seq: r for r in conn.execute(
        select(receipts.c.receipt_id, receipts.c.seq)
        .where(receipts.c.counter_code == b.counter_code, db.member_of(receipts.c.seq, [row["seq"] for row in old], conn))
    )}
    for row in old:
        rid, i = row["receipt_id"], row["_i"]
        stored = by_id.get(rid)
        if stored is not None and stored.payload == row["payload"]:
            b.results[i] = Result(rid, DUPLICATE)
            continue
        if stored is not None:
            detail = {"reason": "receipt_id already recorded with another payload",
                      "recorded_counter": stored.counter_code, "recorded_seq": int(stored.seq)}
        else:
            other = by_seq.get(row["seq"])
            detail = {"reason": f"sequence {row['seq']} already recorded for another receipt",
                      "recorded_receipt_id": other.receipt_id if other else None}
        b.results[i] = Result(rid, CONFLICT, detail)
        b.alarm("conflict", rid, detail, payload=row["payload"], seq=row["seq"])


def _insert_returning_ids(conn: Connection, table: Any, key: str, rows: list[dict[str, Any]]) -> set[str]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING key, for many rows in one statement. On
    PostgreSQL the rows travel as one array per column through unnest(): a statement of constant
    shape (prepared once) instead of VALUES lists with thousands of placeholders."""
    cols = [c for c in table.columns if not (c.autoincrement is True and c.primary_key)]
    if db.is_sqlite(conn):
        params = [{c.name: row[c.name] for c in cols} for row in rows]
        stmt = _insert(conn, table).on_conflict_do_nothing().returning(table.c[key])
        return set(conn.execute(stmt, params).scalars())
    sql = _UNNEST_SQL.get(table.name)
    if sql is None:
        # %b: binary parameters; text-format arrays would have every element escaped by a regex
        arrays = ", ".join(f"%({c.name})b::{c.type.compile(dialect=conn.dialect)}[]" for c in cols)
        sql = _UNNEST_SQL[table.name] = (
            f"INSERT INTO {table.name} ({', '.join(c.name for c in cols)}) "  # noqa: S608 - schema names
            f"SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING RETURNING {key}"
        )
    with conn.connection.driver_connection.cursor() as cur:
        cur.execute(sql, {c.name: [row[c.name] for row in rows] for c in cols})
        return {r[0] for r in cur.fetchall()}


_UNNEST_SQL: dict[str, Any] = {}


# --- voids, dishonours, shift and day closes -------------------------------------------------

def _insert_other(conn: Connection, b: _Batch, new_receipts: list[dict[str, Any]]) -> None:
    if b.other:
        existing = {r.record_id: r.payload for r in conn.execute(
            select(records.c.record_id, records.c.payload)
            .where(db.member_of(records.c.record_id, [rid for _, rid, _, _, _ in b.other], conn))
        )}
        fresh = []
        for i, rid, kind, row, text in b.other:
            if rid in existing:
                if existing[rid] == text:
                    b.results[i] = Result(rid, DUPLICATE)
                    if kind == RecordKind.DAY_CLOSE:
                        b.day_closes.append((i, row))
                else:
                    detail = {"reason": "record_id already recorded with another payload"}
                    b.results[i] = Result(rid, CONFLICT, detail)
                    b.alarm("conflict", rid, detail, payload=text)
                continue
            fresh.append((i, rid, kind, row))
        targets = _targets(conn, [row["target_receipt_id"] for _, _, _, row in fresh if row["target_receipt_id"]])
        for i, rid, kind, row in fresh:
            if kind in (RecordKind.VOID, RecordKind.DISHONOUR):
                _decide_reversal(b, row, targets.get(row["target_receipt_id"]))
            if kind == RecordKind.DAY_CLOSE:
                b.day_closes.append((i, row))
            reason = row["parked_reason"]
            b.results[i] = Result(rid, PARKED if reason else ACCEPTED, {"reason": reason} if reason else None)
        if fresh:
            rows = [row for _, _, _, row in fresh]
            inserted = _insert_returning_ids(conn, records, "record_id", rows)
            if len(inserted) < len(rows):
                # another request stored one of these ids after our look-up: start again, then
                # the look-up sees it (only a foreign counter reusing a record_id gets here)
                raise db.RetryTransaction("record_id stored concurrently")
            _mark_reversed(conn, [row for _, _, _, row in fresh if row["applied"]])
    _apply_waiting_reversals(conn, b, new_receipts)


def _targets(conn: Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    ids = list(set(ids))
    if not ids:
        return {}
    q = select(receipts.c.receipt_id, receipts.c.counter_code, receipts.c.account_no, receipts.c.amount_paise,
               receipts.c.mode, receipts.c.posted, receipts.c.reversed_by).where(db.member_of(receipts.c.receipt_id, ids, conn))
    return {r["receipt_id"]: dict(r) for r in conn.execute(q).mappings()}


def _decide_reversal(b: _Batch, row: dict[str, Any], target: dict[str, Any] | None) -> None:
    """Void or dishonour: reverse the receipt's posting once, or park with the reason."""
    kind = row["kind"]
    if target is None:
        row["parked_reason"] = "receipt: not received yet (applied when it arrives)"
    elif kind == RecordKind.VOID and target["counter_code"] != row["counter_code"]:
        row["parked_reason"] = "receipt: issued at another counter"
    elif target["amount_paise"] != row["amount_paise"]:
        row["parked_reason"] = "amount: differs from the receipt's amount"
    elif kind == RecordKind.DISHONOUR and not _is_instrument(target["mode"]):
        row["parked_reason"] = "receipt: not paid by cheque or DD"
    elif target["reversed_by"] is not None:
        row["parked_reason"] = f"receipt: already reversed by {target['reversed_by']}"
    else:
        row["parked_reason"] = None
        row["applied"] = True
        target["reversed_by"] = row["record_id"]  # a second void in the same batch is parked
        if target["posted"]:
            b.post(target["account_no"], target["amount_paise"],
                   dishonour=1 if kind == RecordKind.DISHONOUR else 0)


def _is_instrument(mode: str) -> bool:
    try:
        return Mode(mode).is_instrument
    except ValueError:
        return False


def _mark_reversed(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(
            update(receipts).where(receipts.c.receipt_id == bindparam("t"), receipts.c.reversed_by.is_(None))
            .values(reversed_by=bindparam("r")),
            [{"t": row["target_receipt_id"], "r": row["record_id"]} for row in rows],
        )


def _apply_waiting_reversals(conn: Connection, b: _Batch, new_receipts: list[dict[str, Any]]) -> None:
    """A void or dishonour that arrived before its receipt takes effect now."""
    if not new_receipts:
        return
    waiting = conn.execute(
        select(records).where(
            db.member_of(records.c.target_receipt_id, [r["receipt_id"] for r in new_receipts], conn),
            records.c.applied.is_(False), records.c.parked_reason.like("receipt: not received%"),
        ).order_by(records.c.received_at, records.c.record_id)
    ).mappings().all()
    if not waiting:
        return
    targets = _targets(conn, [w["target_receipt_id"] for w in waiting])
    decided = []
    for w in waiting:
        row = dict(w)
        _decide_reversal(b, row, targets.get(row["target_receipt_id"]))
        decided.append(row)
    conn.execute(
        update(records).where(records.c.record_id == bindparam("rid"))
        .values(parked_reason=bindparam("reason"), applied=bindparam("ok")),
        [{"rid": r["record_id"], "reason": r["parked_reason"], "ok": r["applied"]} for r in decided],
    )
    _mark_reversed(conn, [r for r in decided if r["applied"]])


# --- balances -------------------------------------------------------------------------------

def _apply_postings(conn: Connection, b: _Batch) -> None:
    """One bulk UPDATE of the consumers touched, in account order (so that two counters posting
    to the same accounts lock them in the same order and never deadlock)."""
    if not b.postings:
        return
    version = db.new_master_version(conn)
    params = []
    for account, (delta, payment, dishonours) in sorted(b.postings.items()):
        params.append({
            "acct": account, "delta": delta, "pdate": payment[0] if payment else None,
            "ppaise": payment[2] if payment else None, "dis": dishonours, "ver": version,
        })
    if not db.is_sqlite(conn):
        # lock the rows in account order first: UPDATE ... FROM takes them in plan order
        with conn.connection.driver_connection.cursor() as cur:
            cur.execute("SELECT 1 FROM consumers WHERE account_no = ANY(%b::varchar[]) ORDER BY account_no "
                        "FOR UPDATE", ([p["acct"] for p in params],))
            cur.execute(_PG_POSTING, {k: [p[k] for p in params] for k in ("acct", "delta", "pdate", "ppaise", "dis")}
                        | {"ver": version})
        return
    c = consumers.c
    pdate = bindparam("pdate", type_=String(10))
    newer = pdate.is_not(None) & (c.last_payment_date.is_(None) | (pdate >= c.last_payment_date))
    conn.execute(
        update(consumers).where(c.account_no == bindparam("acct")).values(
            balance_paise=c.balance_paise + bindparam("delta"),
            last_payment_date=case((newer, pdate), else_=c.last_payment_date),
            last_payment_paise=case((newer, bindparam("ppaise", type_=BigInteger)), else_=c.last_payment_paise),
            dishonoured_cheques=c.dishonoured_cheques + bindparam("dis"),
            version=bindparam("ver"),
        ),
        params,
    )


_PG_POSTING = """
UPDATE consumers AS c SET
  balance_paise = c.balance_paise + v.delta,
  last_payment_date = CASE WHEN v.pdate IS NOT NULL AND (c.last_payment_date IS NULL OR v.pdate >= c.last_payment_date)
                      THEN v.pdate ELSE c.last_payment_date END,
  last_payment_paise = CASE WHEN v.pdate IS NOT NULL AND (c.last_payment_date IS NULL OR v.pdate >= c.last_payment_date)
                       THEN v.ppaise ELSE c.last_payment_paise END,
  dishonoured_cheques = c.dishonoured_cheques + v.dis,
  version = %(ver)s
FROM unnest(%(acct)b::varchar[], %(delta)b::bigint[], %(pdate)b::varchar[], %(ppaise)b::bigint[],
            %(dis)b::integer[]) AS v(acct, delta, pdate, ppaise, dis)
WHERE c.account_no = v.acct
"""


# --- chain ----------------------------------------------------------------------------------

def _advance_chain(conn: Connection, b: _Batch, new_receipts: list[dict[str, Any]]) -> None:
    """Extend the verified, contiguous prefix of the counter's chain as far as it now goes.
    Receipts may arrive out of order: what lies beyond a gap is checked when the gap fills."""
    st = conn.execute(
        select(counters.c.high_water_seq, counters.c.max_seq, counters.c.chain_head_hash,
               counters.c.chain_broken_at).where(counters.c.code == b.counter_code)
    ).one()
    hw, head, broken = int(st.high_water_seq), st.chain_head_hash or GENESIS_HASH, st.chain_broken_at
    max_seq = max([int(st.max_seq)] + [r["seq"] for r in new_receipts])
    mem = {r["seq"]: (r["receipt_id"], r["prev_hash"], r["hash"], r["hash_ok"]) for r in new_receipts}

    def link(seq: int, rid: str, prev: str, hsh: str, ok: bool) -> None:
        nonlocal hw, head, broken
        if prev != head or not ok:
            reason = "previous-hash link does not match" if prev != head else "content does not match its hash"
            b.alarm("chain_break", rid, {"seq": seq, "reason": reason, "expected_prev_hash": head}, seq=seq)
            broken = seq if broken is None else min(broken, seq)
        hw, head = seq, hsh

    while hw < max_seq:
        if hw + 1 in mem:
            link(hw + 1, *mem[hw + 1])
            continue
        page = conn.execute(
            select(receipts.c.seq, receipts.c.receipt_id, receipts.c.prev_hash, receipts.c.hash,
                   receipts.c.hash_ok)
            .where(receipts.c.counter_code == b.counter_code, receipts.c.seq > hw)
            .order_by(receipts.c.seq).limit(_CHAIN_PAGE)
        ).all()
        before = hw
        for seq, rid, prev, hsh, ok in page:
            if seq != hw + 1:
                break
            link(int(seq), rid, prev, hsh, bool(ok))
        if hw == before:
            break
    n = len(new_receipts)
    total = sum(r["amount_paise"] for r in new_receipts)
    conn.execute(update(counters).where(counters.c.code == b.counter_code).values(
        high_water_seq=hw, max_seq=max_seq, chain_head_hash=head, chain_broken_at=broken,
        receipt_count=counters.c.receipt_count + n, total_paise=counters.c.total_paise + total,
        last_seen_at=b.now,
    ))


# --- day close ------------------------------------------------------------------------------

def _answer_day_closes(conn: Connection, b: _Batch) -> None:
    """The server's own count and total for the counter-day, and the receipts it lacks."""
    for i, row in b.day_closes:
        payload = json.loads(row["payload"])
        day = row["business_date"]
        count, total = conn.execute(
            select(func.count(), func.coalesce(func.sum(receipts.c.amount_paise), 0))
            .where(receipts.c.counter_code == b.counter_code, receipts.c.business_date == day)
        ).one()
        have = set(conn.execute(
            select(receipts.c.receipt_id).where(receipts.c.counter_code == b.counter_code,
                                                receipts.c.business_date == day)
        ).scalars())
        missing = [rid for rid in payload["receipt_ids"] if rid not in have]
        detail = {
            "business_date": day, "server_count": int(count), "server_total_paise": int(total),
            "missing": missing,
            "matches": not missing and int(count) == payload["receipt_count"]
            and int(total) == payload["total_paise"],
        }
        result = b.results[i]
        if result is not None:
            result.detail = {**(result.detail or {}), **detail}
        conn.execute(update(records).where(records.c.record_id == row["record_id"])
                     .values(detail=json.dumps(detail)))
