"""Issuing, voiding, reprinting and dishonouring through the service API, on a real store."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from counter_app.domain.chain import verify_chain
from counter_app.domain.errors import AuthError, PermissionDenied, StateError, ValidationError
from counter_app.domain.receipt import Instrument
from counter_app.services.collection import Payment
from counter_app.storage import receipts as receipts_repo
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.records import Mode
from tests.conftest import SUPERVISOR

ACC = account_no_for_index(5)


def cheque(clock, days_old=2, **kw):
    d = dict(number="123456", date=(clock.now.date() - timedelta(days=days_old)).isoformat(),
             bank="Punjab National Bank", ifsc="PUNB0123400")
    d.update(kw)
    return Instrument(**d)


def test_cash_receipt_is_committed_with_outbox_and_audit(counter, clerk, shift):
    counter.service.config.cash_rounding = "none"  # paise in the drawer: the counter without cash rounding
    r = counter.service.issue_receipt(clerk, Payment(ACC, 1234_50, Mode.CASH, tendered_paise=1300_00))
    assert r.seq == 1
    assert r.receipt_no == "K07/2026-27/0000001"
    assert r.change_paise == 65_50
    assert r.shift_id == shift.shift_id
    with counter.store.db.read() as conn:
        outbox = conn.execute(text("SELECT record_id, kind, state, payload FROM outbox")).all()
        audit = conn.execute(text("SELECT action, subject FROM audit WHERE action='receipt'")).all()
    assert [(o[0], o[1], o[2]) for o in outbox] == [(r.receipt_id, "receipt", "pending")]
    assert json.loads(outbox[0][3])["hash"] == r.hash
    assert audit == [("receipt", r.receipt_id)]
    assert counter.service.get_receipt(r.receipt_no) == r


def test_sequence_is_gap_free_and_chain_verifies(counter, clerk, shift):
    for i in range(40):
        counter.service.issue_receipt(clerk, Payment(account_no_for_index(i), 100_00 + i))
    with counter.store.db.read() as conn:
        rs = list(receipts_repo.iter_receipts(conn))
    assert [r.seq for r in rs] == list(range(1, 41))
    assert verify_chain(rs).ok
    assert counter.service.verify()["ok"]


def test_cheque_dd_and_upi_details_are_kept(counter, clerk, shift, clock):
    r = counter.service.issue_receipt(clerk, Payment(ACC, 5000_00, Mode.CHEQUE, cheque(clock, ifsc="punb0123400")))
    assert r.instrument == {"number": "123456", "date": (clock.now.date() - timedelta(days=2)).isoformat(),
                            "bank": "Punjab National Bank", "ifsc": "PUNB0123400"}
    r2 = counter.service.issue_receipt(clerk, Payment(ACC, 10_00, Mode.UPI, Instrument(reference="UTR12345678")))
    assert r2.instrument == {"reference": "UTR12345678"}
    r3 = counter.service.issue_receipt(clerk, Payment(ACC, 10_00, Mode.DD, cheque(clock, ifsc="123456789")))
    assert r3.mode == "dd"


def test_no_open_shift_refuses(counter, clerk):
    with pytest.raises(StateError) as e:
        counter.service.issue_receipt(clerk, Payment(ACC, 100_00))
    assert e.value.key == "shift.none_open"


def test_login_lockout_after_repeated_failures(counter, clock):
    for _ in range(4):
        with pytest.raises(AuthError) as e:
            counter.service.login("clerk1", "0000")
        assert e.value.key == "auth.failed"
    with pytest.raises(AuthError) as e:
        counter.service.login("clerk1", "0000")
    assert e.value.key == "auth.locked"
    with pytest.raises(AuthError) as e:  # even the right PIN is refused while locked
        counter.service.login("clerk1", "1111")
    assert e.value.key == "auth.locked"
    clock.advance(minutes=16)
    assert counter.service.login("clerk1", "1111").username == "clerk1"
    with counter.store.db.read() as conn:
        n = conn.execute(text("SELECT COUNT(*) FROM audit WHERE action='login_failed'")).scalar()
    assert n == 5


def test_void_needs_supervisor_reason_and_only_once(counter, clerk, shift):
    svc = counter.service
    r = svc.issue_receipt(clerk, Payment(ACC, 250_00))
    with pytest.raises(PermissionDenied):
        svc.void_receipt(clerk, r.receipt_no, "wrong account", "clerk1", "1111")
    with pytest.raises(AuthError):
        svc.void_receipt(clerk, r.receipt_no, "wrong account", SUPERVISOR[0], "0000")
    with pytest.raises(ValidationError):
        svc.void_receipt(clerk, r.receipt_no, " ", *SUPERVISOR)
    v = svc.void_receipt(clerk, r.receipt_no, "wrong account keyed", *SUPERVISOR)
    assert v.receipt_id == r.receipt_id and v.approved_by == "super1" and v.amount_paise == 250_00
    with pytest.raises(StateError) as e:
        svc.void_receipt(clerk, r.receipt_no, "again", *SUPERVISOR)
    assert e.value.key == "receipt.already_voided"
    # the receipt itself is untouched; the void is a new record with its own outbox row
    assert svc.get_receipt(r.receipt_id) == r
    assert svc.shift_receipts(shift.shift_id) == [(r, v.void_id)]
    with counter.store.db.read() as conn:
        kinds = [k for (k,) in conn.execute(text("SELECT kind FROM outbox ORDER BY outbox_id")).all()]
    assert kinds == ["receipt", "void"]


def test_reprint_counts_and_audits(counter, clerk, shift):
    r = counter.service.issue_receipt(clerk, Payment(ACC, 99_00))
    assert counter.service.reprint(clerk, r.receipt_no)[1] == 1
    again, n = counter.service.reprint(clerk, r.receipt_no)
    assert n == 2 and again == r


def test_dishonour_only_for_cheques_and_by_supervisor(counter, clerk, shift, clock):
    svc = counter.service
    cash = svc.issue_receipt(clerk, Payment(ACC, 99_00))
    chq = svc.issue_receipt(clerk, Payment(ACC, 5000_00, Mode.CHEQUE, cheque(clock)))
    sup = svc.login(*SUPERVISOR)
    with pytest.raises(PermissionDenied):
        svc.record_dishonour(clerk, chq.receipt_no, "insufficient funds")
    with pytest.raises(ValidationError):
        svc.record_dishonour(sup, cash.receipt_no, "insufficient funds")
    d = svc.record_dishonour(sup, chq.receipt_no, "insufficient funds")
    assert d.amount_paise == 5000_00 and d.account_no == ACC
    with pytest.raises(StateError):
        svc.record_dishonour(sup, chq.receipt_no, "insufficient funds")


@pytest.mark.parametrize("stmt", [
    "UPDATE receipts SET amount_paise = 1",
    "DELETE FROM receipts",
    "UPDATE voids SET approved_by = 'x'",
    "DELETE FROM audit",
    "UPDATE outbox SET payload = '{}'",
    "DELETE FROM outbox",
])
def test_money_records_are_append_only(counter, clerk, shift, stmt):
    r = counter.service.issue_receipt(clerk, Payment(ACC, 250_00))
    counter.service.void_receipt(clerk, r.receipt_no, "wrong account", *SUPERVISOR)
    import sqlite3

    con = sqlite3.connect(counter.store.path)
    with pytest.raises(sqlite3.IntegrityError):
        con.execute(stmt)
    con.close()


def test_tampered_receipt_is_named_by_verify(counter, clerk, shift):
    for i in range(5):
        counter.service.issue_receipt(clerk, Payment(ACC, 100_00 + i))
    assert counter.service.verify()["ok"]
    import sqlite3

    con = sqlite3.connect(counter.store.path)
    con.execute("DROP TRIGGER receipts_no_update")
    con.execute("UPDATE receipts SET canonical = replace(canonical, '10003', '90003') WHERE seq = 4")
    con.commit()
    con.close()
    report = counter.service.verify()
    assert not report["ok"]
    assert report["problems"][0]["key"] == "integrity.chain_broken"
    assert report["problems"][0]["seq"] == 4


def test_closed_shift_is_locked(counter, clerk, shift):
    r = counter.service.issue_receipt(clerk, Payment(ACC, 100_00))
    with counter.store.db.write() as conn:
        from counter_app.storage.users import close_shift

        close_shift(conn, shift.shift_id, "2026-11-29T18:00:00+05:30")
    with pytest.raises(StateError):
        counter.service.issue_receipt(clerk, Payment(ACC, 100_00))
    with pytest.raises(StateError):
        counter.service.void_receipt(clerk, r.receipt_no, "wrong account", *SUPERVISOR)
    import sqlite3

    con = sqlite3.connect(counter.store.path)
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("UPDATE shifts SET closed_at = NULL")
    con.close()


def test_counter_behind_the_server_refuses_to_reuse_numbers(counter, clerk, shift):
    """After a restore from an older backup the server (or the replaced database) holds numbers this
    database would hand out again: issuing must stop, nothing stored."""
    import json

    from counter_app.storage.store import set_kv

    counter.service.issue_receipt(clerk, Payment(ACC, 100_00))
    with counter.store.db.write() as conn:
        set_kv(conn, "server_status", json.dumps({"max_seq": 1, "high_water_seq": 1}))
    counter.service.issue_receipt(clerk, Payment(ACC, 100_00))  # in step with the server: fine
    with counter.store.db.write() as conn:
        set_kv(conn, "server_status", json.dumps({"max_seq": 5, "high_water_seq": 5}))
    with pytest.raises(StateError) as e:
        counter.service.issue_receipt(clerk, Payment(ACC, 100_00))
    assert e.value.key == "counter.behind_server" and e.value.params == {"known": 5, "local": 2}
    with counter.store.db.write() as conn:
        set_kv(conn, "server_status", json.dumps({"max_seq": 2}))
        set_kv(conn, "restored_behind_seq", "9")
    with pytest.raises(StateError):
        counter.service.issue_receipt(clerk, Payment(ACC, 100_00))
    assert counter.service.verify()["receipts"] == 2
