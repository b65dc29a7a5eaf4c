"""Issue 11 item 12: a clerk with write access to the database file rewrites an unsynced receipt
and recomputes every later hash, so the chain verifies. What catches it is an anchor the clerk
cannot reach: the `Chain head` printed on the shift report the supervisor signed (typed back as
`verify --anchor SEQ:HASH`) and the head the server said it holds. An edit of only the outbox copy
is caught against the sealed receipt. Negative controls: untouched data, and an anchor below the
edited receipt (which still matches)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from counter_app.cli import main as counter_main
from counter_app.domain.chain import seal
from counter_app.domain.errors import ValidationError
from counter_app.ops.doctor import run_doctor
from counter_app.printing.reports import Letterhead, shift_report_html
from counter_app.services.closes import CloseService
from counter_app.services.collection import Payment
from counter_app.storage.anchors import short_form
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.records import Receipt
from tests.conftest import CLERK, make_counter

N = 4


def _counter_with_receipts(d: Path) -> tuple[list[Receipt], object]:
    c = make_counter(d, consumers=20)
    clerk = c.service.login(*CLERK)
    c.service.open_shift(clerk, 0)
    rs = [c.service.issue_receipt(clerk, Payment(account_no_for_index(i + 1), (i + 1) * 100_00)) for i in range(N)]
    sc = CloseService(c.service).close_shift(clerk, {"N500": 2}, [], remark="test close")
    c.close()
    return rs, sc


def _rewrite(db: Path, seq: int, amount: int, *, outbox_too: bool = True) -> None:
    """What a clerk with the file and the source code can do: drop the guards, change a receipt,
    recompute the chain from there (and the outbox copies, to look consistent)."""
    con = sqlite3.connect(db)
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        if name.startswith(("receipts_", "outbox_")):
            con.execute(f"DROP TRIGGER {name}")
    rows = con.execute("SELECT seq, canonical, prev_hash, hash FROM receipts WHERE seq >= ? ORDER BY seq",
                       (seq,)).fetchall()
    prev = rows[0][2]
    for s, canonical, _p, _h in rows:
        d = json.loads(canonical)
        d["prev_hash"], d["hash"] = prev, ""
        r = Receipt.from_wire(d)
        if s == seq:
            r = replace(r, amount_paise=amount)
        sealed = seal(r, prev)
        con.execute("UPDATE receipts SET canonical = ?, prev_hash = ?, hash = ?, amount_paise = ? WHERE seq = ?",
                    (sealed.canonical(), sealed.prev_hash, sealed.hash, sealed.amount_paise, s))
        if outbox_too:
            con.execute("UPDATE outbox SET payload = ? WHERE record_id = ?",
                        (json.dumps(sealed.wire(), sort_keys=True, separators=(",", ":"), ensure_ascii=False),
                         sealed.receipt_id))
        prev = sealed.hash
    con.commit()
    con.close()


def _keys(report: dict) -> list[str]:
    return [p["key"] for p in report["problems"]]


def _open(d: Path):
    return make_counter.__globals__["open_application"](d)


def test_shift_report_prints_the_chain_head(tmp_path: Path) -> None:
    rs, sc = _counter_with_receipts(tmp_path / "c")
    assert sc.chain_head_seq == N and sc.chain_head_hash == rs[-1].hash
    c = _open(tmp_path / "c")
    try:
        html = shift_report_html(sc, Letterhead.of(c.config))
    finally:
        c.close()
    assert "Chain head" in html and short_form(N, rs[-1].hash) in html


def test_rewritten_receipts_are_caught_by_the_printed_anchor(tmp_path: Path, capsys) -> None:
    d = tmp_path / "c"
    rs, sc = _counter_with_receipts(d)
    anchor = short_form(sc.chain_head_seq, sc.chain_head_hash)
    c = _open(d)
    try:
        assert c.service.verify([anchor])["ok"]  # control: untouched
    finally:
        c.close()
    _rewrite(d / "counter.sqlite3", 2, 1_00)
    c = _open(d)
    try:
        assert c.service.verify()["ok"]  # the attack: without an anchor it all verifies
        rep = c.service.verify([anchor])
        assert not rep["ok"] and _keys(rep) == ["integrity.anchor_mismatch"], rep
        assert c.service.verify([short_form(1, rs[0].hash)])["ok"]  # control: an anchor below the edit
        with pytest.raises(ValidationError):
            c.service.verify(["not-an-anchor"])
    finally:
        c.close()
    capsys.readouterr()
    assert counter_main(["--data-dir", str(d), "verify", "--anchor", anchor]) == 1
    assert "anchor" in capsys.readouterr().out.lower()
    assert [f for f in run_doctor(d, server=False, anchors=[anchor]) if f.key == "integrity.anchor_mismatch"]
    assert not [f for f in run_doctor(d, server=False, anchors=[short_form(1, rs[0].hash)])
                if f.key.startswith("integrity.anchor")]  # control
    assert counter_main(["--data-dir", str(d), "doctor", "--offline", "--anchor", anchor]) != 0


def test_rewrite_is_caught_against_the_servers_anchor_by_verify_and_doctor(tmp_path: Path) -> None:
    d = tmp_path / "c"
    rs, _sc = _counter_with_receipts(d)
    c = _open(d)
    try:
        from counter_app.storage.store import set_kv

        with c.store.db.write() as conn:  # what the server answered at the last sync
            set_kv(conn, "server_status", json.dumps({"high_water_seq": 3, "max_seq": 3,
                                                      "chain_head_hash": rs[2].hash}))
        assert c.service.verify()["ok"]
    finally:
        c.close()
    assert not [f for f in run_doctor(d, server=False) if f.key.startswith("integrity.anchor")]  # control
    _rewrite(d / "counter.sqlite3", 2, 1_00)
    c = _open(d)
    try:
        assert "integrity.anchor_mismatch" in _keys(c.service.verify())
    finally:
        c.close()
    assert [f for f in run_doctor(d, server=False) if f.key == "integrity.anchor_mismatch"]


def test_an_edit_of_only_the_outbox_copy_is_caught_by_verify_and_doctor(tmp_path: Path) -> None:
    d = tmp_path / "c"
    _counter_with_receipts(d)
    assert not [f for f in run_doctor(d, server=False) if f.key == "integrity.outbox_mismatch"]  # control
    con = sqlite3.connect(d / "counter.sqlite3")
    con.execute("DROP TRIGGER outbox_payload_fixed")
    (rid, payload), = con.execute("SELECT record_id, payload FROM outbox WHERE kind = 'receipt' LIMIT 1").fetchall()
    p = json.loads(payload)
    p["amount_paise"] = 1
    con.execute("UPDATE outbox SET payload = ? WHERE record_id = ?", (json.dumps(p), rid))
    con.commit()
    con.close()
    c = _open(d)
    try:
        assert _keys(c.service.verify()) == ["integrity.outbox_mismatch"]
    finally:
        c.close()
    assert [f for f in run_doctor(d, server=False) if f.key == "integrity.outbox_mismatch"]


def test_the_servers_anchor_is_kept_at_each_sync_and_catches_a_rewrite(tmp_path: Path) -> None:
    """End to end: the real server on loopback; after a sync the counter keeps what the server
    holds (high-water seq and its hash) and verify checks the chain against it."""
    from counter_app.ops.setup import apply_setup
    from counter_app.sync.keyring_store import MemoryTokenStore
    from counter_app.sync.setup import make_engine
    from kesco_demo.load import load_demo_consumers
    from tests.support.live_server import LiveServer, register_counter

    d = tmp_path / "c"
    db_url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    tokens = MemoryTokenStore()
    with LiveServer(db_url) as srv:
        apply_setup(d, "K07", srv.url, register_counter(db_url, "K07"), tokens=tokens)
        c = _open(d)
        try:
            c.service.add_user(CLERK[0], "Clerk", "clerk", CLERK[1])
            load_demo_consumers(c.store, 20)
            clerk = c.service.login(*CLERK)
            c.service.open_shift(clerk, 0)
            for i in range(N):
                c.service.issue_receipt(clerk, Payment(account_no_for_index(i + 1), (i + 1) * 100_00))
            sc = CloseService(c.service).close_shift(clerk, {"N500": 2}, [], remark="test close")
            st = make_engine(c, tokens=tokens, pull=False).drain()
            assert st.pending == 0, st
            rep = c.service.verify()
            # control: both anchors are there (the high-water head, the shift close's head) and match
            assert rep["ok"] and rep["anchors_checked"] >= 2, rep
            from counter_app.storage.store import get_kv

            with c.store.db.read() as conn:
                kept = json.loads(get_kv(conn, "server_status") or "{}")
            assert {"seq": sc.chain_head_seq, "hash": sc.chain_head_hash} in kept["anchors"]
        finally:
            c.close()
    _rewrite(d / "counter.sqlite3", 2, 1_00)
    c = _open(d)
    try:
        assert "integrity.anchor_mismatch" in _keys(c.service.verify())
    finally:
        c.close()


def test_a_signed_receipts_outbox_copy_matches_and_a_changed_signature_is_caught(tmp_path: Path) -> None:
    """A signed receipt's outbox copy carries its key id and signature (kept in receipt_signatures):
    untouched, verify is OK (it was not: every signed receipt was reported); a changed signature
    in the outbox copy is reported."""
    from counter_app.sync.signing_keys import new_key_text
    from kesco_protocol.signing import Signer

    d = tmp_path / "c"
    c = make_counter(d, consumers=20)
    try:
        c.service.signer = Signer.from_text(new_key_text())
        clerk = c.service.login(*CLERK)
        c.service.open_shift(clerk, 0)
        r = c.service.issue_receipt(clerk, Payment(account_no_for_index(1), 100_00))
        assert r.signature
        assert c.service.verify()["ok"], c.service.verify()
    finally:
        c.close()
    con = sqlite3.connect(d / "counter.sqlite3")
    con.execute("DROP TRIGGER outbox_payload_fixed")
    (payload,) = con.execute("SELECT payload FROM outbox WHERE record_id = ?", (r.receipt_id,)).fetchone()
    p = json.loads(payload)
    p["signature"] = p["signature"][::-1]
    con.execute("UPDATE outbox SET payload = ? WHERE record_id = ?", (json.dumps(p), r.receipt_id))
    con.commit()
    con.close()
    c = _open(d)
    try:
        assert _keys(c.service.verify()) == ["integrity.outbox_mismatch"]
    finally:
        c.close()


def _alarm_kinds(db_url: str, code: str) -> list[str]:
    from sqlalchemy import create_engine, select

    from central_server.models import alarms

    eng = create_engine(db_url)
    try:
        with eng.connect() as conn:
            return [r[0] for r in conn.execute(select(alarms.c.kind).where(alarms.c.counter_code == code))]
    finally:
        eng.dispose()


def _period(db_url: str, *, close: bool) -> None:
    from central_server import db as server_db
    from central_server import period as period_mod
    from central_server.config import Settings

    eng = server_db.make_engine(Settings(database_url=db_url))
    try:
        with server_db.write_tx(eng) as conn:
            if close:
                period_mod.close(conn, legacy=True, retry_after_s=1)
            else:
                period_mod.open_(conn)
    finally:
        eng.dispose()


@pytest.mark.parametrize("rewrite", [True, False], ids=["rewritten", "control"])
def test_the_head_reported_while_the_server_takes_no_records_catches_a_rewrite(tmp_path: Path, rewrite: bool) -> None:
    """During a legacy month-end closing the server refuses records for days (503) while the
    counter is online. The counter hands the server its chain head anyway (POST .../anchors), so
    a clerk who then rewrites an unsynced receipt and recomputes the chain is caught at the server
    when the receipts arrive: an `anchor_mismatch` alarm, the anchored receipt parked (its money
    kept), and the counter's verify sees the server's anchor. Control: no rewrite, no alarm."""
    from sqlalchemy import create_engine, select

    from central_server.models import receipts as server_receipts
    from counter_app.ops.setup import apply_setup
    from counter_app.sync.keyring_store import MemoryTokenStore
    from counter_app.sync.setup import make_engine
    from kesco_demo.load import load_demo_consumers
    from tests.support.live_server import LiveServer, register_counter
    from tests.support.live_server import load_demo_consumers as load_server_consumers

    d = tmp_path / "c"
    db_url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    tokens = MemoryTokenStore()
    with LiveServer(db_url) as srv:
        load_server_consumers(db_url, 20)
        apply_setup(d, "K07", srv.url, register_counter(db_url, "K07"), tokens=tokens)
        _period(db_url, close=True)
        c = _open(d)
        try:
            c.service.add_user(CLERK[0], "Clerk", "clerk", CLERK[1])
            load_demo_consumers(c.store, 20)
            clerk = c.service.login(*CLERK)
            c.service.open_shift(clerk, 0)
            rs = [c.service.issue_receipt(clerk, Payment(account_no_for_index(i + 1), (i + 1) * 100_00))
                  for i in range(N)]
            st = make_engine(c, tokens=tokens, pull=False).run_once(force=True)
            assert st.pending == N, st  # the server took nothing: closing
        finally:
            c.close()
        if rewrite:
            _rewrite(d / "counter.sqlite3", 2, 1_00)
        _period(db_url, close=False)
        c = _open(d)
        try:
            st = make_engine(c, tokens=tokens, pull=False).drain()
            assert st.pending == 0, st
            rep = c.service.verify()
        finally:
            c.close()
    kinds = _alarm_kinds(db_url, "K07")
    eng = create_engine(db_url)
    with eng.connect() as conn:
        parked = dict(conn.execute(select(server_receipts.c.seq, server_receipts.c.parked_reason)
                                   .where(server_receipts.c.counter_code == "K07")).all())
    eng.dispose()
    if rewrite:
        assert "anchor_mismatch" in kinds, kinds
        assert (parked[N] or "").startswith("anchor:"), parked
        assert len(parked) == N  # the money is kept: every receipt stored
        assert "integrity.anchor_mismatch" in _keys(rep), rep
    else:
        assert "anchor_mismatch" not in kinds, kinds
        assert all(v is None for v in parked.values()), parked
        assert rep["ok"], rep
        assert len(rs) == N
