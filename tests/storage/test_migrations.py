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
    con.execute(
        "INSERT INTO consumers (account_no, name, relation_name, address, locality, category, status, "
        "last_bill_amount_paise, arrears_paise, balance_paise, version) "
        "VALUES ('2110000002', 'Ramesh Chandra Tiwari', 'S/O Shiv Tiwari', '12/4 Kakadeo', 'Kakadeo', 'DOM', "
        "'active', 120000, 0, 120000, 1)"
    )
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
            from counter_app.storage.consumers import search

            hits = search(conn, "rame tiw")
        assert [h.account_no for h in hits] == ["2110000002"]
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
