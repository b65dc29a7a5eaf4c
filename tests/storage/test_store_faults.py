"""The store under faults: a second process, a damaged file, a full disk."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import text

from counter_app.domain.errors import StorageError
from counter_app.services.collection import Payment
from counter_app.storage.store import open_store
from kesco_demo.consumers import account_no_for_index
from tests.conftest import CLERK, make_counter

ACC = account_no_for_index(1)


def test_second_process_on_same_data_dir_is_refused(tmp_path):
    store = open_store(tmp_path)
    try:
        code = textwrap.dedent(f"""
            from counter_app.storage.store import open_store
            from counter_app.domain.errors import StorageError
            try:
                open_store({str(tmp_path)!r})
            except StorageError as e:
                print(e.key); print(e.message("en"))
                raise SystemExit(3)
            raise SystemExit(0)
        """)
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert r.returncode == 3, r.stderr
        assert r.stdout.splitlines()[0] == "storage.locked_by_other"
    finally:
        store.close()
    # negative control: once the first process lets go, the second one opens
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_damaged_database_is_reported_and_never_written(tmp_path):
    c = make_counter(tmp_path, consumers=3000)
    clerk = c.service.login(*CLERK)
    c.service.open_shift(clerk, 0)
    c.service.issue_receipt(clerk, Payment(ACC, 100_00))
    c.close()
    path = tmp_path / "counter.sqlite3"
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(path.read_bytes())
    page = 4096
    # scribble over a few interior pages (not the header) as a failing disk would
    assert len(data) > 40 * page
    for p in range(10, 40, 3):
        data[p * page: p * page + 800] = b"\xde\xad\xbe\xef" * 200
    path.write_bytes(bytes(data))
    store = open_store(tmp_path)
    try:
        assert store.db.damaged is not None
        with pytest.raises(StorageError) as e:
            with store.db.write() as conn:
                conn.execute(text("INSERT INTO kv(key, value) VALUES ('x', 'y')"))
        assert e.value.key == "storage.damaged"
    finally:
        store.close()
    assert path.read_bytes() == bytes(data)


def test_disk_full_stores_nothing_partial_and_recovers(tmp_path):
    c = make_counter(tmp_path, consumers=200)
    clerk = c.service.login(*CLERK)
    c.service.open_shift(clerk, 0)
    first = c.service.issue_receipt(clerk, Payment(ACC, 100_00))
    with c.store.db.read() as conn:
        pages = conn.execute(text("PRAGMA page_count")).scalar()
    # The one writer connection: cap the file at its current size, as a full disk would.
    with c.store.db.write() as conn:
        conn.exec_driver_sql(f"PRAGMA max_page_count={pages}")
    failures = 0
    for i in range(200):
        try:
            c.service.issue_receipt(clerk, Payment(ACC, 200_00 + i))
        except StorageError as e:
            assert e.key == "storage.disk_full"
            assert "NOT saved" in e.message("en")
            failures += 1
            break
    assert failures == 1, "the cap never made a write fail"
    with c.store.db.read() as conn:
        n_receipts = conn.execute(text("SELECT COUNT(*) FROM receipts")).scalar()
        n_outbox = conn.execute(text("SELECT COUNT(*) FROM outbox")).scalar()
    assert n_receipts == n_outbox  # no receipt without its outbox row, nothing half-written
    assert c.service.verify()["ok"]
    with c.store.db.write() as conn:
        conn.exec_driver_sql("PRAGMA max_page_count=1073741823")
    nxt = c.service.issue_receipt(clerk, Payment(ACC, 300_00))
    assert nxt.seq == n_receipts + 1 and first.seq == 1
    assert c.service.verify()["ok"]
    c.close()


def test_non_durable_bulk_writes_never_leave_receipts_without_fsync(tmp_path):
    """Consumer chunks may commit without fsync; every other transaction must still run with
    synchronous=FULL (2), also after a non-durable one failed."""
    c = make_counter(tmp_path, consumers=10)
    db = c.store.db
    with db.write(durable=False) as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    with db.write() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    with pytest.raises(RuntimeError):
        with db.write(durable=False):
            raise RuntimeError("a chunk that fails")
    with db.write() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    c.close()


def test_wal_is_checkpointed_in_the_background_not_in_the_commit(tmp_path):
    """The writer never checkpoints (so no receipt pays for it), yet the WAL still reaches the
    database file: the checkpointer thread copies it within a few seconds."""
    import time

    from counter_app.storage import consumers as consumers_repo
    from kesco_demo.consumers import generate_consumers

    c = make_counter(tmp_path, consumers=0)
    db_file = tmp_path / "consumers.sqlite3"  # the consumers' own file since 0007, the same Database
    with c.store.cache.write() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    size_before = db_file.stat().st_size
    with c.store.cache.write() as conn:
        consumers_repo.upsert_many(conn, list(generate_consumers(3000)))
    deadline = time.monotonic() + 10
    while db_file.stat().st_size == size_before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert db_file.stat().st_size > size_before, "the WAL was never checkpointed into the database"
    c.close()
