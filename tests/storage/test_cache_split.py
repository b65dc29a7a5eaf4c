"""Migration 0007 and the cache's own file: a ledger-plus-cache database made at revision 0006
(receipts, a void, shifts, users, consumers, all written by today's services) becomes two files
with every receipt, outbox row and user intact, the consumers copied (a counter upgraded in an
outage still looks them up) and the ledger smaller. Negative control: a receipt deleted after the
migration is found missing. And a missing or damaged cache is no ledger fault: the counter starts
and collects by account number."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from counter_app.app import open_application
from counter_app.services.collection import Payment
from counter_app.storage import migrate
from counter_app.storage.cache import CACHE_FILENAME
from tests.conftest import CLERK, SUPERVISOR, make_counter
from tests.ops.conftest import issue

LEDGER_TABLES = ("receipts", "outbox", "users", "shifts", "voids", "dishonours", "audit", "meta",
                 "receipt_signatures", "shift_closes", "day_closes")
CONSUMERS = 6000


def _rows(path: Path, tables: tuple[str, ...] = LEDGER_TABLES) -> dict[str, set[tuple[object, ...]]]:
    con = sqlite3.connect(path)
    try:
        return {t: set(con.execute(f"SELECT * FROM {t}")) for t in tables}  # noqa: S608 - fixed names
    finally:
        con.close()


def _lost(before: dict[str, set[tuple[object, ...]]], after: dict[str, set[tuple[object, ...]]]) -> dict[str, int]:
    """Rows of each ledger table that the migration did not keep exactly."""
    return {t: len(before[t] - after[t]) for t in before if before[t] - after[t]}


def _database_at_0006(tmp_path: Path) -> Path:
    """Today's services write a counter (receipts, a void, shift, users, consumers); its rows are put
    into a database built by the migrations up to 0006, where consumers shared the ledger's file."""
    made = tmp_path / "made"
    c = make_counter(made, consumers=CONSUMERS)
    receipts = issue(c, 12)
    clerk = c.service.login(*CLERK)
    c.service.void_receipt(clerk, receipts[3].receipt_id, "wrong account", *SUPERVISOR)
    c.close()
    old = tmp_path / "old" / "counter.sqlite3"
    old.parent.mkdir()
    migrate._alembic_upgrade(old, "0006")
    con = sqlite3.connect(old)
    con.execute("ATTACH DATABASE ? AS l", (str(made / "counter.sqlite3"),))
    con.execute("ATTACH DATABASE ? AS c", (str(made / CACHE_FILENAME),))
    for t in (*LEDGER_TABLES, "kv"):
        con.execute(f"INSERT INTO main.{t} SELECT * FROM l.{t}")  # noqa: S608 - fixed names
    con.execute("INSERT INTO main.consumers SELECT * FROM c.consumers")
    con.execute("INSERT INTO main.kv SELECT * FROM c.kv")
    con.commit()
    con.close()
    assert migrate.current_revision(old) == "0006"
    return old


def test_a_0006_database_migrates_into_ledger_and_cache_without_losing_a_receipt(tmp_path: Path) -> None:
    old = _database_at_0006(tmp_path)
    before = _rows(old)
    assert len(before["receipts"]) == 12 and len(before["voids"]) == 1 and before["outbox"] and before["users"]
    size_before = old.stat().st_size

    c = open_application(old.parent)  # what the new version does at start
    try:
        assert migrate.current_revision(old) == migrate.HEAD
        after = _rows(old)
        assert _lost(before, after) == {} and after == before  # nothing lost, nothing added
        con = sqlite3.connect(old)
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        con.close()
        assert not names & {"consumers", "consumers_fts"}, "consumer tables left in the ledger"
        assert old.stat().st_size < size_before / 2  # VACUUMed: the consumer pages are gone
        cache = sqlite3.connect(old.parent / CACHE_FILENAME)
        assert cache.execute("SELECT COUNT(*) FROM consumers").fetchone()[0] == CONSUMERS
        assert cache.execute("SELECT value FROM kv WHERE key='consumers_as_of'").fetchone() is not None
        cache.close()
        # the counter carries on: the chain verifies, consumers are found, a receipt continues the numbers
        assert c.service.verify()["ok"]
        some = c.service.lookup(sorted(r[4] for r in before["receipts"])[0])
        assert c.service.search(some.consumer.name.split()[0])
        clerk = c.service.login(*CLERK)
        r = c.service.issue_receipt(clerk, Payment(some.consumer.account_no, 50_00))
        assert r.seq == 13
    finally:
        c.close()
    # negative control: one receipt gone after the migration is seen missing
    con = sqlite3.connect(old)
    con.execute("DROP TRIGGER receipts_no_delete")
    con.execute("DELETE FROM receipts WHERE seq = 5")
    con.commit()
    con.close()
    assert _lost(before, _rows(old)) == {"receipts": 1}


def test_a_missing_or_damaged_cache_is_not_a_ledger_fault(tmp_path: Path) -> None:
    d = tmp_path / "counter"
    c = make_counter(d, consumers=200)
    issue(c, 2)
    c.close()
    cache = d / CACHE_FILENAME
    cache.write_bytes(b"this is not a database" * 100)  # damaged
    c = open_application(d)
    try:
        assert c.service.verify()["ok"]  # the ledger is fine, and says so
        assert c.service.consumer_count() == 0  # consumer data is being fetched again
        clerk = c.service.login(*CLERK)
        r = c.service.issue_receipt(clerk, Payment("2110000099", 75_00, consumer_name="Walk In"))
        assert r.seq == 3
    finally:
        c.close()
    assert (d / (CACHE_FILENAME + ".damaged")).exists()  # kept for a look, out of the way
    cache.unlink()  # missing
    for suffix in ("-wal", "-shm"):
        Path(str(cache) + suffix).unlink(missing_ok=True)
    c = open_application(d)
    try:
        assert c.service.consumer_count() == 0 and c.service.verify()["ok"]
    finally:
        c.close()


def test_doctor_reports_both_files_and_a_damaged_cache_is_a_warning(tmp_path: Path) -> None:
    from counter_app.ops.doctor import run_doctor

    d = tmp_path / "counter"
    c = make_counter(d, consumers=300)
    issue(c, 1)
    c.close()
    findings = {f.check: f for f in run_doctor(d, server=False)}
    assert findings["database"].key == "doctor.db_ok"
    assert findings["cache"].status in ("ok", "warn") and findings["cache"].params["consumers"] == 300
    assert "300" in findings["cache"].text("hi")
    raw = bytearray((d / CACHE_FILENAME).read_bytes())
    raw[4096 * 2:4096 * 2 + 2048] = b"\xff" * 2048  # scribble over a page of the cache
    (d / CACHE_FILENAME).write_bytes(bytes(raw))
    findings = {f.check: f for f in run_doctor(d, server=False)}
    assert findings["cache"].status == "warn" and findings["cache"].key == "doctor.cache_damaged"
    assert findings["database"].key == "doctor.db_ok"  # the ledger is not at fault


def test_a_backup_holds_the_ledger_only(tmp_path: Path) -> None:
    from counter_app.ops.backup import make_backup

    d = tmp_path / "counter"
    c = make_counter(d, consumers=3000)
    issue(c, 3)
    info = make_backup(c.store.path, tmp_path / "bk")
    c.close()
    con = sqlite3.connect(info.path)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    assert len(con.execute("SELECT * FROM receipts").fetchall()) == 3
    con.close()
    assert "consumers" not in names and "receipts" in names
    assert info.size_bytes < (d / CACHE_FILENAME).stat().st_size  # the cache is the bulk, and left out
