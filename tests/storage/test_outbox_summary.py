"""The one outbox summary: the status bar, `status --json`, the sync summary, backups and the
doctor all show the same counts, and name the kinds of record that are waiting."""

from __future__ import annotations

from counter_app.ops.backup import describe
from counter_app.ops.doctor import run_doctor
from counter_app.services.closes import CloseService
from counter_app.services.collection import Payment
from counter_app.services.desk import outbox_summary
from counter_app.services.status import counter_status
from counter_app.storage import outbox
from kesco_demo.consumers import account_no_for_index
from tests.conftest import SUPERVISOR


def test_every_reader_shows_the_same_waiting_records(counter, clerk, shift, clock):
    svc = counter.service
    a = svc.issue_receipt(clerk, Payment(account_no_for_index(1), 1500_00))
    svc.issue_receipt(clerk, Payment(account_no_for_index(2), 730_50))
    svc.void_receipt(clerk, a.receipt_no, "wrong account keyed", *SUPERVISOR)
    CloseService(svc).close_shift(clerk, {"N500": 3, "N200": 1, "N10": 3}, [], remark="50 paise short")
    with counter.store.db.read() as conn:
        s = outbox.summary(conn)
        kinds = dict(conn.exec_driver_sql("SELECT kind, COUNT(*) FROM outbox GROUP BY kind").all())
    assert s.pending_by_kind == kinds and kinds["receipt"] == 2 and kinds["shift_close"] == 1
    assert s.pending == sum(kinds.values()) and s.problems == 0 and s.oldest_pending_at is not None
    assert s.last_synced_at is None

    bar = outbox_summary(svc)
    status = counter_status(counter)
    assert (bar.pending, bar.pending_by_kind, bar.oldest_pending_at) == (s.pending, s.pending_by_kind,
                                                                         s.oldest_pending_at)
    assert status["pending"] == status["sync"]["pending"] == s.pending
    assert status["pending_by_kind"] == status["sync"]["pending_by_kind"] == s.pending_by_kind
    assert status["outbox"] == {"pending": s.pending, "parked": 0, "conflict": 0, "invalid": 0, "synced": 0}
    assert describe(counter.store.path)["outbox_pending"] == s.pending
    found = {f.key: f for f in run_doctor(counter.data_dir, server=False, clock=lambda: clock.now)}
    assert found["doctor.pending"].params["count"] == s.pending


def test_what_the_server_answered_leaves_the_waiting_count(counter, clerk, shift):
    r = counter.service.issue_receipt(clerk, Payment(account_no_for_index(1), 100_00))
    q = counter.service.issue_receipt(clerk, Payment(account_no_for_index(2), 200_00))
    with counter.store.db.write() as conn:
        outbox.mark_results(conn, [{"record_id": r.receipt_id, "status": "accepted"},
                                   {"record_id": q.receipt_id, "status": "conflict"}],
                            {r.receipt_id, q.receipt_id}, "2026-11-29T10:31:00+05:30")
    with counter.store.db.read() as conn:
        s = outbox.summary(conn)
        assert outbox.synced_count(conn) == 1
    assert s.pending == 0 and s.pending_by_kind == {} and s.oldest_pending_at is None
    assert (s.conflicts, s.problems, s.last_synced_at) == (1, 1, "2026-11-29T10:31:00+05:30")
