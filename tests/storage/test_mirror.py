"""The ledger mirror (storage/mirror.py) and the rebuild from it (ops/mirror_restore.py), on real
files: every commit is on the mirror before the call returns; a missing, full or torn mirror never
stops collection and catches up; the rebuild reproduces the ledger exactly and stops at damage."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from counter_app.app import Application, open_application
from counter_app.config import Config
from counter_app.domain.errors import CounterError
from counter_app.ops.mirror_restore import check_journal, restore_from_mirror
from counter_app.services.collection import Payment
from counter_app.storage.dbfile import DB_FILENAME
from counter_app.storage.mirror import decode_line, encode_frame, journal_path, last_good_frame
from kesco_demo.consumers import account_no_for_index
from tests.conftest import FixedClock, make_counter
from tests.support.ledger import business_day, clerk_session, ledger_dump

ACCOUNTS = [account_no_for_index(i) for i in range(1, 200)]


def _mirrored_counter(tmp_path: Path, clock: FixedClock, mirror: Path) -> Application:
    data = tmp_path / "counter"
    data.mkdir()
    Config(mirror_dir=str(mirror)).save(data)
    return make_counter(data, consumers=300, clock=clock)


def _last_o(mirror: Path, code: str = "K07") -> int:
    _end, frame = last_good_frame(journal_path(mirror, code))
    assert frame is not None
    return int(frame["o"])


def _max_outbox(app: Application) -> int:
    with app.store.db.read() as conn:
        return int(conn.exec_driver_sql("SELECT COALESCE(MAX(outbox_id), 0) FROM outbox").scalar() or 0)


def test_every_commit_is_on_the_mirror_before_the_call_returns(tmp_path: Path, clock: FixedClock) -> None:
    mirror = tmp_path / "usb"
    mirror.mkdir()
    app = _mirrored_counter(tmp_path, clock, mirror)
    try:
        clerk = app.service.login("clerk1", "1111")
        app.service.open_shift(clerk, 0)
        for i in range(20):
            app.service.issue_receipt(clerk, Payment(ACCOUNTS[i], 100_00 + i))
            assert _last_o(mirror) == _max_outbox(app)  # on the mirror's disk already
        assert app.mirror_status().ok and app.mirror_status().state == "ok"
    finally:
        app.close()


def test_rebuild_from_the_mirror_is_the_ledger_exactly(tmp_path: Path, clock: FixedClock) -> None:
    mirror = tmp_path / "usb"
    mirror.mkdir()
    app = _mirrored_counter(tmp_path, clock, mirror)
    try:
        for _day in range(2):
            business_day(app, clock, ACCOUNTS, 12)
            clock.advance(days=1)
        business_day(app, clock, ACCOUNTS, 7, close=False)  # the last day is still open
        before = ledger_dump(app.store.path)
    finally:
        app.close()
    shutil.rmtree(tmp_path / "counter")  # the primary disk is gone
    result = restore_from_mirror(tmp_path / "new", mirror)
    assert result.check.problem is None and result.check.receipts == 31
    after = ledger_dump(tmp_path / "new" / DB_FILENAME)
    assert after == before
    Config(mirror_dir=str(mirror)).save(tmp_path / "new")
    app = open_application(tmp_path / "new", clock=clock)
    try:
        assert app.service.verify()["ok"], app.service.verify()
        r = app.service.issue_receipt(clerk_session(), Payment(ACCOUNTS[0], 50_00, consumer_name="A Consumer"))
        assert r.seq == 32 and r.prev_hash == before["receipts"][-1][5]  # numbering goes on
        # the rebuilt ledger started a fresh journal: a second rebuild from it holds everything
        assert _last_o(mirror) == _max_outbox(app)
        again = check_journal(journal_path(mirror, "K07"))
        assert again.problem is None and again.receipts == 32
    finally:
        app.close()


def test_a_reversal_made_after_its_day_is_rebuilt_from_the_mirror(tmp_path: Path, clock: FixedClock) -> None:
    """Issue 16's supervisor reversal (of a receipt whose day is over) is a ledger record of its
    own table: the rebuild must put it back, not only its outbox copy."""
    from counter_app.services.reversals import reverse_receipt
    from tests.conftest import SUPERVISOR

    mirror = tmp_path / "usb"
    mirror.mkdir()
    app = _mirrored_counter(tmp_path, clock, mirror)
    try:
        day1 = business_day(app, clock, ACCOUNTS, 5)
        clock.advance(days=1)
        rv = reverse_receipt(app.service, clerk_session(), day1[0].receipt_no, "paid at the wrong account",
                             *SUPERVISOR)
        before = ledger_dump(app.store.path)
        assert [row[0] for row in before["reversals"]] == [rv.reversal_id]
    finally:
        app.close()
    shutil.rmtree(tmp_path / "counter")
    result = restore_from_mirror(tmp_path / "new", mirror)
    assert result.check.problem is None
    assert ledger_dump(tmp_path / "new" / DB_FILENAME) == before


def test_a_pickup_is_rebuilt_from_the_mirror(tmp_path: Path, clock: FixedClock) -> None:
    """Issue 16's cash pickup lowers the shift's expected cash: a rebuilt ledger without it would
    expect cash that a supervisor took away."""
    from counter_app.services.cash import CashService
    from tests.conftest import SUPERVISOR

    mirror = tmp_path / "usb"
    mirror.mkdir()
    app = _mirrored_counter(tmp_path, clock, mirror)
    try:
        business_day(app, clock, ACCOUNTS, 6, close=False)
        p = CashService(app.service).record_pickup(clerk_session(), {"N500": "2", "C10": "3", "N10": "1"}, "safe",
                                                   *SUPERVISOR)
        before = ledger_dump(app.store.path)
        assert [row[0] for row in before["pickups"]] == [p.pickup_id]
    finally:
        app.close()
    shutil.rmtree(tmp_path / "counter")
    restore_from_mirror(tmp_path / "new", mirror)
    assert ledger_dump(tmp_path / "new" / DB_FILENAME) == before


def test_a_missing_mirror_never_stops_collection_and_catches_up(tmp_path: Path, clock: FixedClock) -> None:
    mirror = tmp_path / "usb"  # not plugged in yet
    app = _mirrored_counter(tmp_path, clock, mirror)
    try:
        clerk = app.service.login("clerk1", "1111")
        app.service.open_shift(clerk, 0)
        for i in range(5):
            app.service.issue_receipt(clerk, Payment(ACCOUNTS[i], 100_00))
        st = app.mirror_status()
        assert st.state == "missing" and not st.ok and st.key == "mirror.missing"
        mirror.mkdir()  # plugged back in
        app.service.issue_receipt(clerk, Payment(ACCOUNTS[9], 100_00))
        assert app.mirror_status().ok
        assert _last_o(mirror) == _max_outbox(app)
        shutil.rmtree(mirror)  # pulled out again while the counter runs
        app.service.issue_receipt(clerk, Payment(ACCOUNTS[10], 100_00))
        assert app.mirror_status().state == "missing"
        before = ledger_dump(app.store.path)
    finally:
        app.close()
    mirror.mkdir()  # a fresh stick: the next start copies the whole ledger
    app = open_application(tmp_path / "counter", clock=clock)
    app.close()
    restore_from_mirror(tmp_path / "new", mirror)
    assert ledger_dump(tmp_path / "new" / DB_FILENAME) == before


def test_a_full_mirror_never_stops_collection_and_catches_up(tmp_path: Path, clock: FixedClock) -> None:
    mirror = tmp_path / "small-usb"
    mirror.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mirror)],
                             capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        app = _mirrored_counter(tmp_path, clock, mirror)
        try:
            clerk = app.service.login("clerk1", "1111")
            app.service.open_shift(clerk, 0)
            for i in range(150):  # about 1 KB a receipt: the 64 KiB stick fills up on the way
                app.service.issue_receipt(clerk, Payment(ACCOUNTS[i % len(ACCOUNTS)], 100_00))
            st = app.mirror_status()
            assert st.state == "full" and st.key == "mirror.full"
            before = ledger_dump(app.store.path)
        finally:
            app.close()
        subprocess.run(["mount", "-o", "remount,size=4m", str(mirror)], check=True)  # IT frees space
        app = open_application(tmp_path / "counter", clock=clock)
        try:
            assert app.mirror_status().ok
            assert _last_o(mirror) == _max_outbox(app)
        finally:
            app.close()
        restore_from_mirror(tmp_path / "new", mirror)
        assert ledger_dump(tmp_path / "new" / DB_FILENAME) == before
    finally:
        subprocess.run(["umount", str(mirror)], check=False)


def test_a_torn_tail_is_cut_and_copied_again(tmp_path: Path, clock: FixedClock) -> None:
    mirror = tmp_path / "usb"
    mirror.mkdir()
    app = _mirrored_counter(tmp_path, clock, mirror)
    clerk = app.service.login("clerk1", "1111")
    app.service.open_shift(clerk, 0)
    for i in range(4):
        app.service.issue_receipt(clerk, Payment(ACCOUNTS[i], 100_00))
    app.close()
    path = journal_path(mirror, "K07")
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-1]) + lines[-1][:40])  # the last receipt's frame half written
    assert check_journal(path).problem is not None  # negative control: the tear is seen
    app = open_application(tmp_path / "counter", clock=clock)
    try:
        assert app.mirror_status().ok and _last_o(mirror) == _max_outbox(app)
        before = ledger_dump(app.store.path)
    finally:
        app.close()
    assert check_journal(path).problem is None
    restore_from_mirror(tmp_path / "new", mirror)
    assert ledger_dump(tmp_path / "new" / DB_FILENAME) == before


def _journal_with_receipts(tmp_path: Path, clock: FixedClock, n: int) -> Path:
    mirror = tmp_path / "usb"
    mirror.mkdir()
    app = _mirrored_counter(tmp_path, clock, mirror)
    try:
        business_day(app, clock, ACCOUNTS, n, close=False, rng=random.Random(3))
    finally:
        app.close()
    return journal_path(mirror, "K07")


def _receipt_frames(path: Path) -> list[int]:
    lines = path.read_bytes().splitlines()
    return [i for i, ln in enumerate(lines) if (f := decode_line(ln)) and f.get("kind") == "receipt"]


def test_a_damaged_frame_stops_the_rebuild_at_the_last_good_one(tmp_path: Path, clock: FixedClock) -> None:
    path = _journal_with_receipts(tmp_path, clock, 10)
    lines = path.read_bytes().splitlines(keepends=True)
    bad = _receipt_frames(path)[6]  # receipt seq 7
    lines[bad] = lines[bad].replace(b'amount_paise', b'amount_paisa', 1)  # bit rot: checksum no longer fits
    path.write_bytes(b"".join(lines))
    result = restore_from_mirror(tmp_path / "new", path.parent)
    assert result.check.problem is not None and result.check.problem["key"] == "mirror.frame_damaged"
    assert result.check.problem["frame"] == bad + 1
    assert result.check.last_seq == 6 and result.check.receipts == 6
    dump = ledger_dump(tmp_path / "new" / DB_FILENAME)
    assert [r[0] for r in dump["receipts"]] == [1, 2, 3, 4, 5, 6]


def test_a_tampered_receipt_with_a_fresh_checksum_breaks_the_chain(tmp_path: Path, clock: FixedClock) -> None:
    path = _journal_with_receipts(tmp_path, clock, 6)
    lines = path.read_bytes().splitlines(keepends=True)
    i = _receipt_frames(path)[2]  # receipt seq 3
    frame = decode_line(lines[i][:-1])
    assert frame is not None
    payload = json.loads(frame["payload"])
    payload["amount_paise"] -= 100_00  # someone takes Rs 100 off and recomputes the frame checksum
    frame["payload"] = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    lines[i] = encode_frame(frame)
    path.write_bytes(b"".join(lines))
    check = check_journal(path)
    assert check.problem is not None and check.problem["key"] == "integrity.chain_broken"
    assert check.problem["seq"] == 3 and check.last_seq == 2


def test_rebuild_refuses_a_folder_that_holds_a_ledger(tmp_path: Path, clock: FixedClock) -> None:
    path = _journal_with_receipts(tmp_path, clock, 2)
    with pytest.raises(CounterError) as e:
        restore_from_mirror(tmp_path / "counter", path.parent)
    assert e.value.key == "mirror.restore_target_exists"
    assert path.exists()  # nothing was set aside


def test_a_stick_of_another_counter_is_not_written(tmp_path: Path, clock: FixedClock) -> None:
    mirror = tmp_path / "usb"
    mirror.mkdir()
    other = journal_path(mirror, "K07")
    other.write_bytes(encode_frame({"t": "meta", "counter_code": "K99", "n": 1, "o": 0, "a": 0}))
    app = _mirrored_counter(tmp_path, clock, mirror)
    try:
        assert app.mirror_status().state == "foreign"
        clerk = app.service.login("clerk1", "1111")
        app.service.open_shift(clerk, 0)
        app.service.issue_receipt(clerk, Payment(ACCOUNTS[0], 100_00))  # collection goes on
    finally:
        app.close()
    assert other.read_bytes().count(b"\n") == 1


def test_a_journal_of_another_ledger_is_set_aside_not_appended(tmp_path: Path, clock: FixedClock) -> None:
    """A backup restored under a running mirror: the journal's cursors belong to the lost ledger
    (appending would skip the new ledger's records at the same outbox ids), so it is kept aside
    and a fresh journal copies the restored ledger whole."""
    from counter_app.ops.backup import make_backup
    from counter_app.ops.restore import restore

    mirror = tmp_path / "usb"
    mirror.mkdir()
    app = _mirrored_counter(tmp_path, clock, mirror)
    clerk = app.service.login("clerk1", "1111")
    app.service.open_shift(clerk, 0)
    app.service.issue_receipt(clerk, Payment(ACCOUNTS[0], 100_00))
    backup = make_backup(app.store.path, tmp_path / "backups")
    for i in range(3):
        app.service.issue_receipt(clerk, Payment(ACCOUNTS[i + 1], 100_00))
    app.close()
    restore(tmp_path / "counter", Path(backup.path), force=True)  # the three later receipts are lost here
    app = open_application(tmp_path / "counter", clock=clock)
    try:
        app.service.issue_receipt(clerk, Payment(ACCOUNTS[9], 200_00))  # outbox_id 2 again, another record
        assert app.mirror_status().ok and _last_o(mirror) == _max_outbox(app)
        before = ledger_dump(app.store.path)
    finally:
        app.close()
    kept = list(mirror.glob("KESCO-K07.ledger-journal.superseded-*"))
    assert len(kept) == 1 and check_journal(kept[0]).receipts == 4  # the lost ledger's copy, kept
    restore_from_mirror(tmp_path / "new", mirror)
    assert ledger_dump(tmp_path / "new" / DB_FILENAME) == before


def test_cli_restore_from_mirror(tmp_path: Path, clock: FixedClock) -> None:
    from counter_app.cli import main

    path = _journal_with_receipts(tmp_path, clock, 3)
    assert main(["--data-dir", str(tmp_path / "new"), "restore", "--from-mirror", str(path.parent), "--dry-run"]) == 0
    assert main(["--data-dir", str(tmp_path / "new"), "restore", "--from-mirror", str(path.parent)]) == 0
    assert [r[0] for r in ledger_dump(tmp_path / "new" / DB_FILENAME)["receipts"]] == [1, 2, 3]
    assert main(["--data-dir", str(tmp_path / "new"), "restore", "--from-mirror", str(path.parent)]) == 1  # no journal now


def test_a_long_backlog_is_copied_beside_the_clerk(tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new stick on a counter with many records: the start copies a bounded part, the rest goes
    in the background while receipts are issued, and the journal ends whole and in order."""
    from counter_app.storage import mirror as mirror_mod

    app = make_counter(tmp_path / "counter", consumers=100, clock=clock)
    clerk = app.service.login("clerk1", "1111")
    app.service.open_shift(clerk, 0)
    for i in range(120):
        app.service.issue_receipt(clerk, Payment(ACCOUNTS[i % 50], 100_00 + i))
    app.close()
    monkeypatch.setattr(mirror_mod, "START_SYNC_LIMIT", 10)
    monkeypatch.setattr(mirror_mod, "BACKGROUND_CHUNK", 7)
    mirror = tmp_path / "usb"
    mirror.mkdir()
    cfg = Config.load(tmp_path / "counter")
    cfg.mirror_dir = str(mirror)
    cfg.save(tmp_path / "counter")
    app = open_application(tmp_path / "counter", clock=clock)
    try:
        assert app.mirror_status().behind > 0  # the start did not wait for all of it
        for i in range(20):
            app.service.issue_receipt(clerk, Payment(ACCOUNTS[i], 300_00))
        assert app.mirror is not None and app.mirror._thread is not None
        app.mirror._thread.join(30)
        app.service.issue_receipt(clerk, Payment(ACCOUNTS[0], 400_00))
        assert app.mirror_status().ok and _last_o(mirror) == _max_outbox(app)
        before = ledger_dump(app.store.path)
    finally:
        app.close()
    assert check_journal(journal_path(mirror, "K07")).problem is None
    restore_from_mirror(tmp_path / "new", mirror)
    assert ledger_dump(tmp_path / "new" / DB_FILENAME) == before
