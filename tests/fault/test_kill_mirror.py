"""Kill -9 with the ledger mirror on (issue 14): the crash test's child (tests/storage/crash_child.py)
issues receipts in a loop on a counter whose config sets mirror_dir and is SIGKILLed at random
moments, at least 100 times. After each kill, before anything reopens the counter: every receipt
the child was told was saved is on the mirror, the mirror is behind the ledger by at most the
transaction in flight, and nothing in the journal is damaged but a torn last line. The next start
catches up, and at the end the mirror alone rebuilds the ledger exactly."""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest

from counter_app.app import open_application
from counter_app.config import Config
from counter_app.ops.mirror_restore import check_journal, restore_from_mirror
from counter_app.storage.dbfile import DB_FILENAME
from counter_app.storage.mirror import iter_frames, journal_path, last_good_frame
from tests.conftest import make_counter
from tests.storage.test_crash import _run_and_kill
from tests.support.ledger import ledger_dump
from tests.support.part_payment import without_minimum

KILLS = int(os.environ.get("MIRROR_KILLS", "100"))


def _counter(tmp_path: Path, mirror: Path) -> Path:
    data = tmp_path / "counter"
    data.mkdir()
    Config(mirror_dir=str(mirror)).save(data)
    # the child issues ₹100 receipts on any account: a counter whose policy has no least part payment
    without_minimum(make_counter(data, consumers=200)).close()
    return data


def _ledger_head(data: Path) -> int:
    con = sqlite3.connect(f"file:{data / DB_FILENAME}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT COALESCE(MAX(outbox_id), 0) FROM outbox").fetchone()[0])
    finally:
        con.close()


def _check_mirror_after_kill(data: Path, mirror: Path, reported: set[str]) -> int:
    """The invariant, read without opening the counter (so nothing has caught up yet). Returns
    how far the mirror is behind (0 or 1)."""
    path = journal_path(mirror, "K07")
    check = check_journal(path)
    if check.problem is not None:  # only a torn last line, from the write in flight
        assert check.problem["key"] == "mirror.frame_damaged", check.problem
        tail = [off for off, frame, _n in iter_frames(path) if frame is None]
        assert tail == [check.problem["offset"]], "a damaged frame before the last line"
    on_mirror = {f["record_id"] for _off, f, _n in iter_frames(path) if f is not None and f.get("t") == "record"}
    lost = reported - on_mirror
    assert not lost, f"receipts reported saved but not on the mirror: {len(lost)}"
    _end, last = last_good_frame(path)
    behind = _ledger_head(data) - (0 if last is None else int(last["o"]))
    assert 0 <= behind <= 1, f"the mirror is {behind} records behind the ledger"
    return behind


def _catch_up_at_start(data: Path, mirror: Path) -> None:
    with open_application(data) as app:
        assert app.mirror_status().ok, app.mirror_status()
    _end, last = last_good_frame(journal_path(mirror, "K07"))
    assert last is not None and int(last["o"]) == _ledger_head(data)


@pytest.mark.timeout(900)
def test_sigkill_with_the_mirror_on_loses_nothing_from_it(tmp_path: Path) -> None:
    mirror = tmp_path / "usb"
    mirror.mkdir()
    data = _counter(tmp_path, mirror)
    rng = random.Random(int(os.environ.get("CRASH_SEED", "20261201")))
    reported: set[str] = set()
    behind_seen = 0
    for _ in range(KILLS):
        reported |= {rid for _seq, rid in _run_and_kill(data, rng)}
        behind_seen += _check_mirror_after_kill(data, mirror, reported)
        _catch_up_at_start(data, mirror)
    assert len(reported) > KILLS  # the child really was issuing when killed
    before = ledger_dump(data / DB_FILENAME)
    restore_from_mirror(tmp_path / "rebuilt", mirror)
    after = ledger_dump(tmp_path / "rebuilt" / DB_FILENAME)
    assert after["receipts"] == before["receipts"] and after["outbox"] == before["outbox"]
    print(f"{KILLS} kills, {len(reported)} receipts reported, mirror one behind after {behind_seen} kills")


def test_negative_control_a_mirror_left_behind_is_caught(tmp_path: Path) -> None:
    """The same check fails when the child does not keep this mirror (its config points elsewhere,
    as a counter would that skipped the mirror): the check is not vacuous."""
    mirror = tmp_path / "usb"
    mirror.mkdir()
    data = _counter(tmp_path, mirror)
    (tmp_path / "elsewhere").mkdir()
    Config(mirror_dir=str(tmp_path / "elsewhere")).save(data)
    rng = random.Random(5)
    reported: set[str] = set()
    for _ in range(10):
        reported |= {rid for _seq, rid in _run_and_kill(data, rng)}
        try:
            _check_mirror_after_kill(data, mirror, reported)
        except AssertionError as e:
            assert "not on the mirror" in str(e) or "behind the ledger" in str(e)
            return
    raise AssertionError("the mirror check never noticed a mirror that was not kept")
