"""Issue 11 item 16: at a full disk the clerk still logs in (login only reads what matters; its
audit line is best effort) and every message says what really failed; an unexpected exception in
any command prints a one-line reason and the log's path, with an exit code of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from counter_app.cli import EXIT_UNEXPECTED
from counter_app.cli import main as counter_main
from counter_app.domain.errors import AuthError, StorageError
from counter_app.services.collection import Payment
from counter_app.sync.engine import SyncEngine
from kesco_demo.consumers import account_no_for_index
from tests.conftest import CLERK, make_counter

ACC = account_no_for_index(1)


def _fill_disk(c) -> None:
    """The existing disk-full technique: cap the one writer's file at its current size."""
    with c.store.db.read() as conn:
        pages = conn.execute(text("PRAGMA page_count")).scalar()
    with c.store.db.write() as conn:
        conn.exec_driver_sql(f"PRAGMA max_page_count={pages}")


def _write_until_full(c, clerk) -> StorageError:
    for i in range(500):
        try:
            c.service.issue_receipt(clerk, Payment(ACC, 100_00 + i))
        except StorageError as e:
            return e
    raise AssertionError("the cap never made a write fail")


def test_login_works_at_a_full_disk_and_messages_say_what_failed(tmp_path: Path) -> None:
    c = make_counter(tmp_path / "counter", consumers=50)
    try:
        clerk = c.service.login(*CLERK)
        c.service.open_shift(clerk, 500_00)
        _fill_disk(c)
        e = _write_until_full(c, clerk)
        assert e.key == "storage.disk_full" and "NOT saved" in e.message("en")  # a receipt: true here
        for i in range(500):  # take the slack of the last pages too, as a disk at 0 bytes would
            try:
                c.service.add_user(f"fill{i}", "x" * 60, "clerk", "5555", actor="test")
            except StorageError as full:
                assert "receipt" not in full.message("en").lower()
                break
        else:
            raise AssertionError("the cap never made a small write fail")
        for size in (2000, 200, 20, 1):  # and the last bytes of the last page
            for _ in range(500):
                try:
                    with c.store.db.write() as conn:
                        conn.exec_driver_sql("INSERT INTO audit (at, actor, action, subject, detail) "
                                             "VALUES ('x', NULL, 'fill', NULL, ?)", ("y" * size,))
                except StorageError:
                    break
        # the clerk logs out and in again: login must work though its audit line cannot be written
        again = c.service.login(*CLERK)
        assert again.username == CLERK[0]
        with pytest.raises(AuthError):
            c.service.login(CLERK[0], "0000")  # a wrong PIN is still refused
        # a write that is not a receipt says the disk is full, not that a receipt was lost
        with pytest.raises(StorageError) as info:
            c.service.add_user("clerk9", "Nine", "clerk", "5555", actor="test")
        msg_en, msg_hi = info.value.message("en"), info.value.message("hi")
        assert "disk is full" in msg_en.lower() and "receipt" not in msg_en.lower()
        assert "डिस्क" in msg_hi and "रसीद" not in msg_hi
        with c.store.db.write() as conn:
            conn.exec_driver_sql("PRAGMA max_page_count=1073741823")
        c.service.login(*CLERK)  # negative control: with space, login writes its audit line again
        with c.store.db.read() as conn:
            logins = conn.execute(text("SELECT COUNT(*) FROM audit WHERE action = 'login'")).scalar()
        assert logins == 2  # the first and the last; the one at the full disk left no line
        assert c.service.login(*CLERK)
        assert c.service.verify()["ok"]
    finally:
        c.close()


def test_an_unexpected_exception_in_sync_once_says_what_failed(tmp_path: Path, capsys,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "counter"
    make_counter(d, consumers=5).close()
    assert counter_main(["--data-dir", str(d), "init", "--counter-code", "K07"]) == 0  # control
    capsys.readouterr()

    def planted(self, max_cycles: int = 50):
        raise RuntimeError("planted fault for the test")

    monkeypatch.setattr(SyncEngine, "drain", planted)
    rc = counter_main(["--data-dir", str(d), "sync", "--once"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == EXIT_UNEXPECTED and rc not in (0, 1, 2)
    assert len(err) == 1, err
    assert "sync" in err[0] and "RuntimeError" in err[0] and "planted fault" in err[0]
    assert str(d / "logs" / "counter.log") in err[0]
    assert "planted fault for the test" in (d / "logs" / "counter.log").read_text(encoding="utf-8")
