"""`counter-app doctor` finds what is wrong and says what to do: a damaged database, a broken
chain, an altered row, a sequence gap, an unreachable server, a wrong clock, an old backlog. Each
fault test has a healthy twin that the same check passes (so the check can fail and can pass)."""

from __future__ import annotations

import json
import shutil
import socket
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from counter_app.cli import main
from counter_app.config import Config
from counter_app.ops.backup import database_file, make_backup
from counter_app.ops.doctor import exit_code, report_text, run_doctor
from counter_app.services.clock import IST
from tests.conftest import make_counter
from tests.ops.conftest import checkpoint, issue, mark_synced, scribble, tamper


def _configured(d: Path, server_url: str = "https://counters.kesco.example") -> None:
    cfg = Config.load(d)
    cfg.counter_code = "K07"
    cfg.server_url = server_url
    cfg.save(d)


@pytest.fixture
def healthy(tmp_path: Path) -> Path:
    """A set-up counter with receipts, all synced, backed up today; closed (as when IT runs doctor)."""
    d = tmp_path / "counter"
    c = make_counter(d, consumers=3000)
    issue(c, 6)
    mark_synced(c)
    make_backup(c.store.path, d / "backups")
    c.close()
    _configured(d)
    checkpoint(database_file(d))
    return d


def by_check(findings, check):
    return [f for f in findings if f.check == check]


def bad(findings):
    return {(f.check, f.key) for f in findings if f.status == "fail"}


def test_healthy_counter_passes(healthy):
    findings = run_doctor(healthy, server=False)
    assert bad(findings) <= {("keyring", "doctor.keyring_unusable")}  # this machine has no keyring
    assert {f.key for f in findings if f.status == "ok"} >= {
        "doctor.config_ok", "doctor.db_ok", "doctor.records_ok", "doctor.nothing_pending", "doctor.backup_ok"}
    text = report_text(findings, "hi")
    assert "अखंडता" in text


def test_damaged_database_is_flagged(healthy, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(healthy, copy)
    scribble(database_file(copy), range(10, 40, 3))
    findings = run_doctor(copy, server=False)
    assert ("database", "storage.damaged") in bad(findings)
    f = [f for f in findings if f.key == "storage.damaged"][0]
    assert f.advice == "doctor.do.restore" and "restore" in f.advice_text("en")
    assert exit_code(findings) == 1
    # the original (negative control) is fine
    assert ("database", "storage.damaged") not in bad(run_doctor(healthy, server=False))


def test_broken_chain_is_flagged(healthy):
    db = database_file(healthy)
    # an insider changes the amount inside a sealed receipt (hash no longer matches)
    tamper(db, "UPDATE receipts SET canonical = replace(canonical, '\"amount_paise\":10003', "
               "'\"amount_paise\":1003') WHERE seq = 4")
    findings = run_doctor(healthy, server=False)
    chain = [f for f in findings if f.key == "integrity.chain_broken"]
    assert chain and chain[0].params["seq"] == 4 and chain[0].status == "fail"
    assert chain[0].advice == "doctor.do.chain"


def test_row_changed_outside_the_sealed_text_is_flagged(healthy):
    tamper(database_file(healthy), "UPDATE receipts SET amount_paise = 1 WHERE seq = 2")
    findings = run_doctor(healthy, server=False)
    mism = [f for f in findings if f.key == "doctor.row_mismatch"]
    assert mism and mism[0].params["seqs"] == "2"
    assert "integrity.chain_broken" not in {f.key for f in findings}  # the sealed text is intact


def test_sequence_gap_is_flagged(healthy):
    tamper(database_file(healthy), "DELETE FROM receipts WHERE seq IN (3, 4)", drop=("receipts_no_delete",))
    findings = run_doctor(healthy, server=False)
    gap = [f for f in findings if f.key == "integrity.sequence_gap"]
    assert gap and gap[0].params["missing"] == "3-4" and gap[0].advice == "doctor.do.gap"


def test_unreachable_server_is_flagged(healthy):
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _configured(healthy, f"http://127.0.0.1:{port}")
    findings = run_doctor(healthy, timeout_s=2)
    f = by_check(findings, "server")[0]
    assert (f.status, f.key) == ("fail", "doctor.server_unreachable")
    assert f.params["detail"] == "connection refused" and f.advice == "doctor.do.network"


def test_reachable_server_and_clock(healthy, tmp_path):
    from tests.support.live_server import LiveServer

    with LiveServer(f"sqlite:///{tmp_path / 'central.sqlite3'}") as srv:
        _configured(healthy, srv.url)
        findings = run_doctor(healthy, timeout_s=10)
        assert [(f.status, f.key) for f in by_check(findings, "server")] == [("ok", "doctor.server_ok")]
        assert [(f.status, f.key) for f in by_check(findings, "clock")] == [("ok", "doctor.clock_ok")]
        # the same counter with its clock 20 minutes fast
        fast = run_doctor(healthy, timeout_s=10, clock=lambda: datetime.now(IST) + timedelta(minutes=20))
        clock = by_check(fast, "clock")[0]
        assert (clock.status, clock.key) == ("fail", "doctor.clock_off") and clock.params["seconds"] >= 1190


def test_old_backlog_and_missing_backup(tmp_path):
    d = tmp_path / "c"
    c = make_counter(d, consumers=100)
    issue(c, 2)  # pending, never synced
    c.close()
    _configured(d)
    now = datetime.now(IST)
    fresh = run_doctor(d, server=False, clock=lambda: now)
    assert [(f.status, f.key) for f in by_check(fresh, "sync")] == [("ok", "doctor.pending")]
    late = run_doctor(d, server=False, clock=lambda: now + timedelta(days=2))
    assert [(f.status, f.key) for f in by_check(late, "sync")] == [("fail", "doctor.pending_old")]
    assert [(f.status, f.key) for f in by_check(late, "backup")] == [("warn", "doctor.no_backup")]


def test_restored_behind_the_server_is_flagged(tmp_path):
    from counter_app.ops.restore import restore

    d = tmp_path / "c"
    c = make_counter(d, consumers=100)
    issue(c, 3)
    mark_synced(c)
    bk = make_backup(c.store.path, tmp_path / "bk")
    issue(c, 2, start=5)
    mark_synced(c)
    c.close()
    _configured(d)
    assert "doctor.restored_behind" not in {f.key for f in run_doctor(d, server=False)}
    restore(d, Path(bk.path))
    f = [f for f in run_doctor(d, server=False) if f.key == "doctor.restored_behind"]
    assert f and f[0].params == {"local": 3, "server": 5} and f[0].status == "fail"


def test_newer_schema_and_missing_database(tmp_path, healthy):
    tamper(database_file(healthy), "UPDATE alembic_version SET version_num='9999'", drop=())
    findings = run_doctor(healthy, server=False)
    assert ("database", "storage.newer_schema") in bad(findings)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert ("database", "doctor.no_database") in bad(run_doctor(empty, server=False))
    assert ("config", "doctor.not_set_up") in bad(run_doctor(empty, server=False))


def test_doctor_command_exit_status_and_json(healthy, capsys):
    rc = main(["--data-dir", str(healthy), "doctor", "--offline", "--json"])
    out = capsys.readouterr().out
    report = json.loads(out)
    assert {f["check"] for f in report["findings"]} >= {"database", "receipts", "sync", "disk", "backup", "keyring"}
    assert rc == (0 if report["ok"] else 1)
    # an inner receipt deleted: the command must fail, in both languages
    tamper(database_file(healthy), "DELETE FROM receipts WHERE seq = 2", drop=("receipts_no_delete",))
    assert main(["--data-dir", str(healthy), "doctor", "--offline"]) == 1
    assert "Receipt numbers are missing: 2." in capsys.readouterr().out
    assert main(["--data-dir", str(healthy), "--lang", "hi", "doctor", "--offline"]) == 1
    assert "रसीद क्रमांक गायब हैं: 2।" in capsys.readouterr().out
