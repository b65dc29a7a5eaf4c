"""Cases of the clarification queue met at a counter, on SQLite and PostgreSQL: the clerk typed
an account billing does not know, billing rejected the payment, and the supervisor voided the
receipt (and issued a new one to the right account). The void settles the queue item: billing,
which booked nothing, gets nothing to reverse."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from central_server import db
from central_server.billing import acks, board, clarification, postings
from central_server.models import billing_postings
from tests.server.billing.fake_billing import FakeBilling
from tests.server.util import enrolled, post, statuses
from tests.support.receipts import ReceiptChain, void_record, wires


def _cut_and_answer(engine: Engine, billing: FakeBilling) -> dict[str, Any] | None:
    head = db.with_retry(engine, lambda conn: postings.cut_batch(conn, "test"))
    if head is None:
        return None
    with db.read_tx(engine) as conn:
        ps = postings.batch_postings(conn, head["batch_id"])
    answers = billing.take(head["batch_id"], ps, head["control_count"], head["control_total_paise"])
    items = [acks.parse_ack(a, i) for i, a in enumerate(answers)]
    db.with_retry(engine, lambda conn: acks.apply_acks(conn, items, "fake"))
    return head


def test_a_void_settles_the_rejected_payment_of_its_receipt(client: TestClient, engine: Engine,
                                                            accounts: list[str]) -> None:
    h = enrolled(client, engine, "K01")
    chain = ReceiptChain("K01", accounts[:3])
    wrong = chain.next(account_no=accounts[5])  # the account billing does not know
    right = chain.next(account_no=accounts[0])
    billing = FakeBilling(set(accounts[:3]))
    assert statuses(post(client, "K01", h, wires([wrong]))) == ["accepted"]
    _cut_and_answer(engine, billing)
    with db.read_tx(engine) as conn:
        assert len(clarification.queue(conn)) == 1
    # the supervisor voids it and the clerk issues the receipt again to the right account
    assert statuses(post(client, "K01", h, [void_record(wrong), *wires([right])])) == ["accepted", "accepted"]
    with db.read_tx(engine) as conn:
        assert clarification.queue(conn) == []
        rev = conn.execute(select(billing_postings.c.state).where(billing_postings.c.source == "void")).scalar_one()
    assert rev == "offset"  # never sent: billing holds nothing to reverse
    head = _cut_and_answer(engine, billing)
    assert head is not None and head["control_count"] == 1  # only the new receipt
    with db.read_tx(engine) as conn:
        figures = board.totals(board.by_counter(conn))
    assert figures["collected_paise"] == figures["posted_paise"] == right.amount_paise == billing.total_paise
    assert figures["rejected_paise"] == 0
    with db.read_tx(engine) as conn:
        (state,) = board.receipt_states(conn, wrong.receipt_no)
    assert state["collected"] == "reversed" and state["billing"].startswith("nothing to book")


def test_a_void_of_a_payment_not_answered_yet_goes_to_billing(client: TestClient, engine: Engine,
                                                              accounts: list[str]) -> None:
    """Negative control: billing may have booked a sent payment, so its reversal is sent too."""
    h = enrolled(client, engine, "K01")
    r = ReceiptChain("K01", accounts[:3]).next()
    billing = FakeBilling(set(accounts[:3]))
    assert statuses(post(client, "K01", h, wires([r]))) == ["accepted"]
    db.with_retry(engine, lambda conn: postings.cut_batch(conn, "test"))
    assert statuses(post(client, "K01", h, [void_record(r)])) == ["accepted"]
    with db.read_tx(engine) as conn:
        rev = conn.execute(select(billing_postings.c.state).where(billing_postings.c.source == "void")).scalar_one()
    assert rev == "pending"
    with db.read_tx(engine) as conn:
        head = postings.batches_after(conn, 0, 10)[0]
        ps = postings.batch_postings(conn, head["batch_id"])
    answers = billing.take(head["batch_id"], ps, head["control_count"], head["control_total_paise"])
    db.with_retry(engine, lambda conn: acks.apply_acks(conn, [acks.parse_ack(a, 1) for a in answers], "fake"))
    assert _cut_and_answer(engine, billing) is not None
    assert billing.total_paise == 0 and billing.net_by_receipt() == {r.receipt_id: 0}
