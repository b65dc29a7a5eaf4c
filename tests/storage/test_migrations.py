"""Schema upgrades: from the previous revision with a backup first; a newer database refused."""

from __future__ import annotations

import sqlite3

import pytest

from counter_app.domain.errors import StorageError
from counter_app.storage import migrate
from counter_app.storage.store import open_store


def test_revisions_list_matches_alembic_history():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(migrate.MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(cfg)
    history = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert tuple(history) == migrate.REVISIONS
    assert script.get_current_head() == migrate.HEAD


def test_upgrade_from_previous_revision_keeps_data_and_backs_up(tmp_path):
    path = tmp_path / "counter.sqlite3"
    prev = migrate.REVISIONS[-2]
    migrate._alembic_upgrade(path, prev)
    con = sqlite3.connect(path)
    # a ledger row (the consumers left the ledger for their own file at 0008, so the row that
    # must survive every later upgrade is the ledger's own)
    con.execute("INSERT INTO users (username, full_name, role, pin_hash, active, created_at) "
                "VALUES ('clerk9', 'Ramesh Chandra Tiwari', 'clerk', 'x', 1, '2026-11-27T09:00:00+05:30')")
    con.commit()
    con.close()
    assert migrate.current_revision(path) == prev

    store = open_store(tmp_path)
    try:
        assert migrate.current_revision(path) == migrate.HEAD
        backups = list((tmp_path / "backups").glob(f"pre-upgrade-{prev}-to-{migrate.HEAD}-*.sqlite3"))
        assert len(backups) == 1
        assert migrate.current_revision(backups[0]) == prev
        with store.db.read() as conn:
            names = conn.exec_driver_sql("SELECT full_name FROM users WHERE username = 'clerk9'").scalars().all()
        assert names == ["Ramesh Chandra Tiwari"]
    finally:
        store.close()


def test_database_from_a_newer_version_is_refused_untouched(tmp_path):
    store = open_store(tmp_path)
    store.close()
    path = tmp_path / "counter.sqlite3"
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num='9999'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(StorageError) as e:
        open_store(tmp_path)
    assert e.value.key == "storage.newer_schema"
    assert "9999" in e.value.message("en") and "9999" in e.value.message("hi")
    assert path.read_bytes() == before


def test_the_ledgers_first_consumer_table_is_the_caches(tmp_path):
    """Migration 0001 and the cache file build the consumer table from one definition: the same
    stored SQL and columns, so 0008's copy from the ledger into the cache lines up."""
    from counter_app.storage import cache

    ledger = tmp_path / "counter.sqlite3"
    migrate._alembic_upgrade(ledger, "0001")
    cache_file = tmp_path / cache.CACHE_FILENAME
    cache.create_file(cache_file)
    got = []
    for path in (ledger, cache_file):
        con = sqlite3.connect(path)
        try:
            sql = con.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'consumers'").fetchone()
            got.append((sql, con.execute("PRAGMA table_info(consumers)").fetchall()))
        finally:
            con.close()
    assert got[0] == got[1]
    assert got[0][0] == ("CREATE TABLE consumers " + cache.CONSUMER_COLUMNS,)
