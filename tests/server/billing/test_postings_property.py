"""Property: whatever the interleaving of receipts, voids, dishonours, exports, acks and re-exports
(sent through the real ingest, on SQLite and PostgreSQL), every accepted receipt has exactly one
payment posting, every posting lands in exactly one batch, a reversal never comes before its
receipt's posting, and each batch's control figures are the sum of its postings."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from central_server import counters, db
from central_server.billing import acks, postings
from central_server.ingest import RecordIn, ingest_records
from central_server.models import billing_batches, billing_postings, receipts
from tests.support.receipts import ReceiptChain, dishonour_record, void_record

_counter_no = itertools.count(1)

OPS = st.lists(st.one_of(
    st.tuples(st.just("receipt"), st.integers(1, 4), st.booleans()),  # how many, cheque?
    st.tuples(st.just("void"), st.integers(0, 1000)),
    st.tuples(st.just("dishonour"), st.integers(0, 1000)),
    st.tuples(st.just("export")),
    st.tuples(st.just("ack"), st.integers(0, 1000), st.booleans()),  # which batch, reject some?
    st.tuples(st.just("reexport"), st.integers(0, 1000)),
), min_size=1, max_size=20)


def _ingest(engine: Engine, code: str, records: list[dict[str, Any]]) -> list[str]:
    items = [RecordIn(r["kind"], r["record_id"], r["payload"]) for r in records]
    return [x.status for x in db.with_retry(engine, lambda conn: ingest_records(conn, code, items))]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_each_receipt_in_exactly_one_batch_and_reversals_after_their_receipt(
        engine: Engine, accounts: list[str], ops: list[tuple[Any, ...]]) -> None:
    code = f"P{next(_counter_no):04d}"  # one counter per example: the database is shared
    with db.write_tx(engine) as conn:
        counters.add(conn, code, code)
    chain = ReceiptChain(code, accounts[:8], seed=len(ops))
    taken: list[Any] = []
    reversed_: set[str] = set()
    batches: list[int] = []
    answers: dict[int, tuple[str, str | None]] = {}  # billing answers a posting once, the same way after
    for op in ops:
        if op[0] == "receipt":
            new = chain.take(op[1], mode="cheque" if op[2] else "cash")
            wire = [{"kind": "receipt", "record_id": r.receipt_id, "payload": r.wire()} for r in new]
            assert set(_ingest(engine, code, wire)) == {"accepted"}
            taken += new
        elif op[0] in ("void", "dishonour") and taken:
            r = taken[op[1] % len(taken)]
            if op[0] == "dishonour" and r.mode != "cheque":
                continue
            rec = void_record(r) if op[0] == "void" else dishonour_record(r)
            status = _ingest(engine, code, [rec])
            assert status == (["parked"] if r.receipt_id in reversed_ else ["accepted"])
            reversed_.add(r.receipt_id)
        elif op[0] == "export":
            head = db.with_retry(engine, lambda conn: postings.cut_batch(conn, "test"))
            if head is not None:
                batches.append(head["batch_id"])
        elif op[0] == "ack" and batches:
            b = batches[op[1] % len(batches)]
            with db.read_tx(engine) as conn:
                sent = postings.batch_postings(conn, b)
            for p in sent:
                no = op[2] and p["posting_id"] % 3 == 0
                answers.setdefault(p["posting_id"], ("rejected", "unknown account") if no else ("posted", None))
            items = [acks.Ack(b, p["posting_id"], *answers[p["posting_id"]]) for p in sent]
            db.with_retry(engine, lambda conn, items=items: acks.apply_acks(conn, items, "test"))
        elif op[0] == "reexport" and batches:
            with db.read_tx(engine) as conn:
                postings.batch_postings(conn, batches[op[1] % len(batches)])
    db.with_retry(engine, lambda conn: postings.cut_batch(conn, "test"))  # the final export
    _check(engine, code, {r.receipt_id for r in taken}, reversed_)


def by_state(rows: list[Any], r: Any) -> str | None:
    """The state of the posting that `r` reverses."""
    return next((x["state"] for x in rows if x["posting_id"] == r["reverses_posting_id"]), None)


def _check(engine: Engine, code: str, taken: set[str], reversed_: set[str]) -> None:
    p = billing_postings.c
    with db.read_tx(engine) as conn:
        rows = conn.execute(select(p.posting_id, p.source, p.kind, p.receipt_id, p.batch_id, p.state, p.amount_paise,
                                   p.reverses_posting_id).where(p.counter_code == code)).mappings().all()
        accepted = set(conn.execute(select(receipts.c.receipt_id).where(receipts.c.counter_code == code,
                                                                        receipts.c.posted.is_(True))).scalars())
        batch_ids = {r["batch_id"] for r in rows}
        heads = {int(b.batch_id): b for b in conn.execute(select(billing_batches).where(
            billing_batches.c.batch_id.in_([b for b in batch_ids if b is not None])))}
        sums = {int(b): (int(n), int(t)) for b, n, t in conn.execute(
            select(p.batch_id, func.count(), func.sum(p.amount_paise)).where(p.batch_id.in_(list(heads)))
            .group_by(p.batch_id))}
    assert accepted == taken
    payments = [r for r in rows if r["source"] == "receipt"]
    assert sorted(r["receipt_id"] for r in payments) == sorted(taken)  # exactly one each
    # each in a batch, except a reversal of a payment billing rejected: it stays with us (offset)
    assert all((r["batch_id"] is not None and r["state"] != "pending") or
               (r["state"] == "offset" and r["batch_id"] is None and by_state(rows, r) == "rejected") for r in rows)
    by_id = {r["posting_id"]: r for r in rows}
    reversals = [r for r in rows if r["kind"] == "reversal"]
    assert sorted(r["receipt_id"] for r in reversals) == sorted(reversed_)
    for r in reversals:
        pay = by_id[r["reverses_posting_id"]]
        assert pay["receipt_id"] == r["receipt_id"] and r["amount_paise"] == -pay["amount_paise"]
        assert r["posting_id"] > pay["posting_id"]
        if r["state"] != "offset":
            assert r["batch_id"] >= pay["batch_id"]
    for b, head in heads.items():  # control figures of the batches this counter is in (shared ones too)
        assert sums[b] == (head.control_count, head.control_total_paise)
