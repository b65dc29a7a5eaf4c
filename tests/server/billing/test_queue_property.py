"""Property: with the fake billing system rejecting some accounts, any interleaving of receipts,
voids, dishonours, batch cuts, answers and re-posts from the clarification queue ends — once
billing knows every account and the queue is worked off — with each receipt booked in billing
exactly once net (zero when reversed), nothing booked twice, and billing's total equal to the
server's posted total."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from central_server import counters, db
from central_server.billing import acks, clarification, postings
from central_server.ingest import RecordIn, ingest_records
from central_server.models import billing_postings
from tests.server.billing.fake_billing import FakeBilling
from tests.support.receipts import ReceiptChain, dishonour_record, void_record

_counter_no = itertools.count(1)

OPS = st.lists(st.one_of(
    st.tuples(st.just("receipt"), st.integers(1, 3), st.booleans()),
    st.tuples(st.just("void"), st.integers(0, 1000)),
    st.tuples(st.just("dishonour"), st.integers(0, 1000)),
    st.tuples(st.just("cut")),
    st.tuples(st.just("answer")),
    st.tuples(st.just("repost")),
), min_size=1, max_size=20)


def _ingest(engine: Engine, code: str, records: list[dict[str, Any]]) -> None:
    items = [RecordIn(r["kind"], r["record_id"], r["payload"]) for r in records]
    db.with_retry(engine, lambda conn: ingest_records(conn, code, items))


def _answer(engine: Engine, billing: FakeBilling) -> None:
    """Billing takes every batch it has not read yet and answers it."""
    with db.read_tx(engine) as conn:
        heads = postings.batches_after(conn, max(billing.batches_read, default=billing_start(conn)), 1000)
        sets = [(h, postings.batch_postings(conn, h["batch_id"])) for h in heads]
    for h, ps in sets:
        answers = billing.take(h["batch_id"], ps, h["control_count"], h["control_total_paise"])
        items = [acks.parse_ack(a, i) for i, a in enumerate(answers)]
        db.with_retry(engine, lambda conn, items=items: acks.apply_acks(conn, items, "fake-billing"))


def billing_start(conn: Any) -> int:
    """The batches of earlier examples are not this billing system's (the database is shared)."""
    from central_server.models import billing_batches

    return int(conn.execute(select(func.coalesce(func.max(billing_batches.c.batch_id), 0))).scalar_one())


def _repost_all(engine: Engine) -> None:
    with db.read_tx(engine) as conn:
        open_ = [it["id"] for it in clarification.queue(conn) if it["state"] == "open"]
    for item in open_:
        db.with_retry(engine, lambda conn, item=item: clarification.repost(conn, item, "accounts1"))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_the_queue_ends_with_each_receipt_booked_once(engine: Engine, accounts: list[str],
                                                     ops: list[tuple[Any, ...]]) -> None:
    code = f"Q{next(_counter_no):04d}"
    with db.write_tx(engine) as conn:
        counters.add(conn, code, code)
    chain = ReceiptChain(code, accounts[:6], seed=len(ops))
    billing = FakeBilling(set(accounts[:3]))  # half the accounts are unknown to billing at first
    with db.read_tx(engine) as conn:  # the database is shared by the examples: start after theirs
        billing.batches_read.append(billing_start(conn))
    taken: list[Any] = []
    reversed_: set[str] = set()
    for op in ops:
        if op[0] == "receipt":
            new = chain.take(op[1], mode="cheque" if op[2] else "cash")
            _ingest(engine, code, [{"kind": "receipt", "record_id": r.receipt_id, "payload": r.wire()} for r in new])
            taken += new
        elif op[0] in ("void", "dishonour") and taken:
            r = taken[op[1] % len(taken)]
            if r.receipt_id in reversed_ or (op[0] == "dishonour" and r.mode != "cheque"):
                continue
            _ingest(engine, code, [void_record(r) if op[0] == "void" else dishonour_record(r)])
            reversed_.add(r.receipt_id)
        elif op[0] == "cut":
            db.with_retry(engine, lambda conn: postings.cut_batch(conn, "test"))
        elif op[0] == "answer":
            _answer(engine, billing)
        elif op[0] == "repost":
            _repost_all(engine)
    billing.known |= set(accounts[:6])  # billing fixes its master; the queue is worked off
    for _ in range(3):  # a re-posted reversal may wait one round for its re-posted payment
        _repost_all(engine)
        db.with_retry(engine, lambda conn: postings.cut_batch(conn, "test"))
        _answer(engine, billing)
    with db.read_tx(engine) as conn:
        assert [it for it in clarification.queue(conn) if it["counter_code"] == code] == []
        posted = conn.execute(select(func.coalesce(func.sum(billing_postings.c.amount_paise), 0)).where(
            billing_postings.c.counter_code == code, billing_postings.c.state == "posted")).scalar_one()
    net = billing.net_by_receipt()
    for r in taken:
        assert net.get(r.receipt_id, 0) == (0 if r.receipt_id in reversed_ else r.amount_paise), r.receipt_no
    mine = {r.receipt_id for r in taken}
    assert sum(v for k, v in net.items() if k in mine) == int(posted)
