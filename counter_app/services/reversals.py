"""A supervisor's reversal of a receipt (issue 16), the utilities' rule: a receipt is cancelled
(void) only on its own business day and while its shift is open; after that it is reversed, with
a reason, by a supervisor. The reversal is a new append-only record dated the day it is made (not
the receipt's), sent to the central server as a `reversal`, which reverses the posting like a
void. The closed shift and its count are never touched: its cash was counted and handed over."""

from __future__ import annotations

from counter_app.domain.errors import StateError
from counter_app.domain.receipt import new_id
from counter_app.services.clock import iso
from counter_app.services.collection import CollectionService, Session, clean_reason
from counter_app.storage import receipts as receipts_repo
from counter_app.storage import reversals as reversals_repo
from counter_app.storage import users as users_repo
from kesco_protocol import limits
from kesco_protocol.records import Receipt, RecordKind, Reversal


def receipt_state(service: CollectionService, receipt_key: str) -> tuple[Receipt, str | None]:
    """A receipt found by number or id, with its state: "cancelled", "reversed", "dishonoured",
    or None while it stands (the receipts page finds one of another day this way)."""
    r = service.get_receipt(receipt_key)
    with service.db.read() as conn:
        if receipts_repo.void_of(conn, r.receipt_id) is not None:
            return r, "cancelled"
        if reversals_repo.reversal_of(conn, r.receipt_id) is not None:
            return r, "reversed"
        if receipts_repo.dishonour_of(conn, r.receipt_id) is not None:
            return r, "dishonoured"
    return r, None


def shift_receipts_with_states(service: CollectionService,
                               shift_id: str) -> tuple[list[tuple[Receipt, str | None]], dict[str, str]]:
    """The shift's receipts (each with its void id) and which of them were reversed or dishonoured
    since: what the receipts list shows in its state column."""
    rows = service.shift_receipts(shift_id)
    ids = [r.receipt_id for r, _v in rows]
    with service.db.read() as conn:
        states = {i: "reversed" for i in reversals_repo.reversed_ids(conn, ids)}
        for r, void_id in rows:
            if void_id is None and r.receipt_id not in states and r.mode in ("cheque", "dd") \
                    and receipts_repo.dishonour_of(conn, r.receipt_id) is not None:
                states[r.receipt_id] = "dishonoured"
    return rows, states


def reverse_receipt(service: CollectionService, session: Session, receipt_key: str, reason: str,
                    supervisor: str, supervisor_pin: str) -> Reversal:
    """Reverse a receipt whose day or shift is over, with a supervisor's approval given on the
    same screen. Refused for a receipt that can still be cancelled (a void is the right record
    then), or one already cancelled, reversed or dishonoured."""
    reason = clean_reason(reason)[:limits.REASON]
    r = service.get_receipt(receipt_key)
    approver = service.authorise_supervisor(supervisor, supervisor_pin)
    now = service.clock()
    today = now.date().isoformat()
    at = iso(now)
    with service.db.write() as conn:
        shift = users_repo.get_shift(conn, r.shift_id)
        if shift is not None and shift.is_open and r.business_date == today:
            raise StateError("receipt.reversal_not_needed", receipt=r.receipt_no)
        if receipts_repo.void_of(conn, r.receipt_id) is not None:
            raise StateError("receipt.already_voided", receipt=r.receipt_no)
        if reversals_repo.reversal_of(conn, r.receipt_id) is not None:
            raise StateError("receipt.already_reversed", receipt=r.receipt_no)
        if receipts_repo.dishonour_of(conn, r.receipt_id) is not None:
            raise StateError("receipt.already_dishonoured_no", receipt=r.receipt_no)
        rv = Reversal(new_id(), r.counter_code, r.receipt_id, r.receipt_no, r.account_no, r.amount_paise, r.mode,
                      reason, approver.username, today, at)
        reversals_repo.insert_reversal(conn, rv)
        receipts_repo.insert_outbox(conn, rv.reversal_id, RecordKind.REVERSAL, rv.body(), at)
        receipts_repo.audit(conn, at, session.username, "reversal", r.receipt_id,
                            {"reversal_id": rv.reversal_id, "approved_by": approver.username, "reason": reason})
    return rv
