"""Upgrades as IT meets them: a newer version opens a database made at the first schema revision,
backs it up first, migrates, and the doctor is happy; an older version refuses a newer database
and a newer backup, untouched."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from counter_app.app import open_application
from counter_app.ops.backup import database_file, make_backup
from counter_app.ops.doctor import run_doctor
from counter_app.ops.restore import plan_restore, restore
from counter_app.services.security import hash_pin
from counter_app.storage import migrate
from kesco_demo.load import load_demo_consumers
from tests.conftest import make_counter
from tests.ops.conftest import issue

FIRST = migrate.REVISIONS[0]


def _database_at_first_revision(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = database_file(data_dir)
    migrate._alembic_upgrade(path, FIRST)
    con = sqlite3.connect(path)
    con.execute("INSERT INTO meta (key, value) VALUES ('counter_code', 'K07')")
    con.execute("INSERT INTO users (username, full_name, role, pin_hash, created_at) "
                "VALUES ('clerk1', 'Old Clerk', 'clerk', ?, '2026-04-01T10:00:00+05:30')", (hash_pin("1111"),))
    con.commit()
    con.close()
    assert migrate.current_revision(path) == FIRST
    return path


def test_upgrade_from_the_first_revision_backs_up_then_migrates(tmp_path):
    d = tmp_path / "counter"
    path = _database_at_first_revision(d)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    older = [f for f in run_doctor(d, server=False) if f.key == "doctor.schema_older"]
    assert older and older[0].params == {"found": FIRST, "known": migrate.HEAD}
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # the doctor changed nothing

    with open_application(d) as c:  # what the new version does at start-up
        assert migrate.current_revision(path) == migrate.HEAD
        assert c.service.login("clerk1", "1111").full_name == "Old Clerk"
        load_demo_consumers(c.store, 10)
        issue(c, 2)
        assert c.service.verify()["ok"]
    backups = list((d / "backups").glob(f"pre-upgrade-{FIRST}-to-{migrate.HEAD}-*.sqlite3"))
    assert len(backups) == 1
    assert migrate.current_revision(backups[0]) == FIRST
    assert "doctor.schema_older" not in {f.key for f in run_doctor(d, server=False)}


def test_restoring_an_old_revision_backup_upgrades_it(tmp_path):
    old = tmp_path / "old"
    _database_at_first_revision(old)
    bk = make_backup(database_file(old), tmp_path / "bk")
    assert bk.schema == FIRST
    result = restore(tmp_path / "new", Path(bk.path))
    assert result.pre_upgrade_backup is not None and Path(result.pre_upgrade_backup).exists()
    assert migrate.current_revision(database_file(tmp_path / "new")) == migrate.HEAD


def test_older_version_refuses_a_newer_database_untouched(tmp_path):
    d = tmp_path / "counter"
    c = make_counter(d, consumers=10)
    issue(c, 1)
    bk = make_backup(c.store.path, tmp_path / "bk")
    c.close()
    path = database_file(d)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num='9999'")  # as a future version would leave it
    con.commit()
    con.close()
    before = path.read_bytes()
    r = subprocess.run([sys.executable, "-m", "counter_app", "--data-dir", str(d), "verify"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "newer version" in r.stderr and "9999" in r.stderr
    assert path.read_bytes() == before
    assert "storage.newer_schema" in {f.key for f in run_doctor(d, server=False) if f.status == "fail"}

    # a backup made by a newer version is not restored by this one, even forced
    newer = tmp_path / "newer.sqlite3"
    con = sqlite3.connect(bk.path)
    con.execute("VACUUM INTO ?", (str(newer),))
    con.close()
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num='9999'")
    con.commit()
    con.close()
    assert [p["key"] for p in plan_restore(tmp_path / "x", newer).backup_problems] == ["storage.newer_schema"]
    from counter_app.ops.backup import BackupError

    with pytest.raises(BackupError):
        restore(tmp_path / "x", newer, force=True)
