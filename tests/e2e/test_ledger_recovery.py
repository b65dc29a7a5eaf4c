"""Disk-loss drills against the real central server on loopback (issue 14): receipts issued offline
over several days with a mirror, the primary data folder destroyed, the ledger rebuilt from the
mirror (or from the server plus a backup), synced: every receipt on the server exactly once, and
the numbering goes on without a gap or a repeat. Also the export endpoint's guard and a tampered,
foreign or incomplete answer refused with nothing changed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from central_server import counters as server_counters
from central_server import db as sdb
from counter_app.app import Application, open_application
from counter_app.config import Config
from counter_app.ops.backup import make_backup
from counter_app.ops.mirror_restore import restore_from_mirror
from counter_app.ops.recover import RecoverRefused, recover
from counter_app.services.clock import IST
from counter_app.services.collection import Payment
from counter_app.sync.engine import SyncEngine
from counter_app.sync.keyring_store import MemoryTokenStore
from counter_app.sync.setup import enroll, make_client
from tests.conftest import CLERK, SUPERVISOR, FixedClock
from tests.support.ledger import business_day, ledger_dump
from tests.sync.harness import LiveEnv
from tests.sync.invariants import LocalView, ServerView, check_delivered


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveEnv]:
    root: Path = tmp_path_factory.mktemp("recovery")
    e = LiveEnv(root, f"sqlite:///{root / 'central.sqlite3'}").start(consumers=200, template_consumers=200)
    yield e
    e.stop()


def _clock() -> FixedClock:
    # the template's shift is of this day; four days on is still before the server's clock (a receipt
    # from the future would rightly raise a clock alarm)
    return FixedClock(datetime(2026, 11, 28, 11, 0, tzinfo=IST))


def _reopen(env: LiveEnv, code: str, clock: FixedClock, mirror: Path | None) -> Application:
    """The counter of env.counter(code), opened again with its mirror set and the drill's clock."""
    k = env.counter(code)
    data = k.counter.data_dir
    k.close()
    env.counters.remove(k)
    cfg = Config.load(data)
    cfg.mirror_dir = str(mirror) if mirror else ""
    cfg.save(data)
    app = open_application(data, clock=clock)
    with app.store.db.write() as conn:  # the template's open shift was opened under the template's code
        conn.execute(text("UPDATE shifts SET counter_code = :c WHERE closed_at IS NULL"), {"c": code})
    return app


def _sync(app: Application, tokens: Any) -> None:
    client = make_client(app, tokens=tokens, timeouts=(2.0, 10.0))
    assert client is not None
    SyncEngine(app, client, pull=False, poll_s=0.2).drain()


def _days(app: Application, clock: FixedClock, env: LiveEnv, days: int, per_day: int) -> None:
    for _ in range(days):
        business_day(app, clock, env.accounts, per_day)
        clock.now = clock.now.replace(hour=10, minute=0) + timedelta(days=1)


def _next_receipt(app: Application, env: LiveEnv) -> int:
    clerk = app.service.login(*CLERK)
    if app.service.current_shift(clerk) is None:
        app.service.open_shift(clerk, 0)
    return app.service.issue_receipt(clerk, Payment(env.accounts[0], 123_00, consumer_name="A Consumer")).seq


def test_disk_loss_drill_rebuilt_from_the_mirror(env: LiveEnv, tmp_path: Path) -> None:
    mirror = tmp_path / "usb"
    mirror.mkdir()
    clock = _clock()
    app = _reopen(env, "DRM1", clock, mirror)
    try:
        _days(app, clock, env, days=3, per_day=15)  # three days offline: nothing reached the server
        business_day(app, clock, env.accounts, 6, close=False)  # the fourth day, cut short by the disk
        before = ledger_dump(app.store.path)
        data = app.data_dir
    finally:
        app.close()
    assert ServerView.read(env.server_engine, "DRM1").receipts == {}
    shutil.rmtree(data)  # the primary disk is gone, config and all
    restore_from_mirror(data, mirror)
    assert ledger_dump(data / "counter.sqlite3")["receipts"] == before["receipts"]
    cfg = Config(server_url=env.server.url if env.server else "", mirror_dir=str(mirror), clock_max_skew_minutes=0)
    cfg.save(data)
    app = open_application(data, clock=clock)
    try:
        _sync(app, env.tokens)  # the same PC: its token store survived the disk
        check_delivered(LocalView.read(app), ServerView.read(env.server_engine, "DRM1"))
        n = len(before["receipts"])
        assert sorted(ServerView.read(env.server_engine, "DRM1").seqs) == list(range(1, n + 1))
        assert _next_receipt(app, env) == n + 1  # no gap, no repeat
        _sync(app, env.tokens)
        check_delivered(LocalView.read(app), ServerView.read(env.server_engine, "DRM1"))
    finally:
        app.close()


def _new_pc(env: LiveEnv, code: str, root: Path, clock: FixedClock) -> tuple[Application, MemoryTokenStore]:
    """A new PC enrolled with the same counter code (`central-server counters reissue`)."""
    assert env.server is not None
    with sdb.write_tx(env.server_engine) as conn:
        enrollment = server_counters.reissue(conn, code)
    Config(server_url="", clock_max_skew_minutes=0).save(root)
    app = open_application(root, clock=clock)
    app.service.initialise(code, f"Counter {code}")
    tokens = MemoryTokenStore()
    enroll(app, env.server.url, enrollment, tokens=tokens)
    return app, tokens


def test_disk_loss_drill_recovered_from_the_server_and_a_backup(env: LiveEnv, tmp_path: Path) -> None:
    clock = _clock()
    app = _reopen(env, "DRS1", clock, None)
    try:
        _days(app, clock, env, days=2, per_day=12)
        _sync(app, env.tokens)  # days 1-2 reached the server
        _days(app, clock, env, days=1, per_day=10)  # day 3 offline
        business_day(app, clock, env.accounts, 4, close=False)  # day 4 offline, cut short by the disk
        backup = make_backup(app.store.path, tmp_path / "backups", kind="manual")  # the daily backup, elsewhere
        before = ledger_dump(app.store.path)
        data = app.data_dir
    finally:
        app.close()
    shutil.rmtree(data)
    server_has = len(ServerView.read(env.server_engine, "DRS1").receipts)
    assert 0 < server_has < len(before["receipts"])
    app, tokens = _new_pc(env, "DRS1", tmp_path / "new-pc", clock)
    try:
        client = make_client(app, tokens=tokens)
        result = recover(app.store, client, source=Path(backup.path))
        assert result.from_server_receipts == server_has
        assert result.from_server_receipts + result.from_source_receipts == len(before["receipts"])
        after = ledger_dump(app.store.path)
        assert after["receipts"] == before["receipts"] and after["voids"] == before["voids"]
        assert after["shift_closes"] == before["shift_closes"] and after["day_closes"] == before["day_closes"]
        _sync(app, tokens)
        check_delivered(LocalView.read(app), ServerView.read(env.server_engine, "DRS1"))
        n = len(before["receipts"])
        assert _next_receipt(app, env) == n + 1
        _sync(app, tokens)
        server = ServerView.read(env.server_engine, "DRS1")
        check_delivered(LocalView.read(app), server)
        assert sorted(server.seqs) == list(range(1, n + 2))
    finally:
        app.close()


def test_recovery_from_the_server_alone(env: LiveEnv, tmp_path: Path) -> None:
    clock = _clock()
    app = _reopen(env, "DRS2", clock, None)
    try:
        _days(app, clock, env, days=2, per_day=8)
        _sync(app, env.tokens)
        n = len(ledger_dump(app.store.path)["receipts"])
        shutil.rmtree(app.data_dir, ignore_errors=True)
    finally:
        app.close()
    app, tokens = _new_pc(env, "DRS2", tmp_path / "new-pc", clock)
    try:
        app.service.add_user(CLERK[0], "Test Clerk", "clerk", CLERK[1])
        app.service.add_user(SUPERVISOR[0], "Test Supervisor", "supervisor", SUPERVISOR[1])
        result = recover(app.store, make_client(app, tokens=tokens))
        assert result.last_seq == n and result.from_source_receipts == 0
        assert app.service.verify()["ok"]
        assert _next_receipt(app, env) == n + 1
        _sync(app, tokens)
        check_delivered(LocalView.read(app), ServerView.read(env.server_engine, "DRS2"))
    finally:
        app.close()


def _synced_counter(env: LiveEnv, code: str, clock: FixedClock, n: int) -> None:
    app = _reopen(env, code, clock, None)
    try:
        business_day(app, clock, env.accounts, n, close=False)
        _sync(app, env.tokens)
    finally:
        app.close()


@pytest.mark.parametrize("damage, key", [
    ("UPDATE receipts SET payload = replace(payload, '\"amount_paise\":', '\"amount_paise\"\\:1') "
     "WHERE counter_code = :c AND seq = 3", "recover.tampered"),
    ("UPDATE receipts SET payload = replace(payload, '\"counter_code\":\"' || :c, '\"counter_code\":\"ZZ9') "
     "WHERE counter_code = :c AND seq = 2", "recover.wrong_counter"),
    ("DELETE FROM receipts WHERE counter_code = :c AND seq = 4", "recover.incomplete"),
])
def test_a_tampered_or_incomplete_answer_is_refused_and_nothing_changes(env: LiveEnv, tmp_path: Path, damage: str,
                                                                      key: str) -> None:
    code = {"recover.tampered": "TMP1", "recover.wrong_counter": "TMP2", "recover.incomplete": "TMP3"}[key]
    clock = _clock()
    _synced_counter(env, code, clock, 6)
    with sdb.write_tx(env.server_engine) as conn:
        assert conn.execute(text(damage), {"c": code}).rowcount == 1
    app, tokens = _new_pc(env, code, tmp_path / "new-pc", clock)
    try:
        before = ledger_dump(app.store.path)
        with pytest.raises(RecoverRefused) as e:
            recover(app.store, make_client(app, tokens=tokens))
        assert e.value.key == key
        assert ledger_dump(app.store.path) == before  # nothing changed
    finally:
        app.close()


def test_the_export_is_the_counters_own_and_paged(env: LiveEnv) -> None:
    assert env.server is not None
    clock = _clock()
    _synced_counter(env, "EXP1", clock, 7)
    api = env.server.url + "/api/v1"
    own = env.tokens.get(env.server.url, "EXP1")
    other = env.counter("EXP2")
    other_token = env.tokens.get(env.server.url, "EXP2")
    with httpx.Client(timeout=10) as h:
        assert h.get(f"{api}/counters/EXP1/records/export").status_code == 401
        r = h.get(f"{api}/counters/EXP1/records/export", headers={"Authorization": f"Bearer {other_token}"})
        assert r.status_code in (403, 409)
        app = open_application(env.root / "counter-EXP1", lock=False)
        try:
            client = make_client(app, tokens=env.tokens)
            assert client is not None and own
            seqs: list[int] = []
            after = 0
            while True:
                page = client.export_records("receipts", after, 3)
                seqs += [it["seq"] for it in page["items"]]
                if not page["more"]:
                    break
                after = page["next_after"]
            assert seqs == list(range(1, 8)) and page["total"] == 7
            recs = client.export_records("records", 0, 100)
            assert {it["kind"] for it in recs["items"]} >= {"void", "dishonour"}
        finally:
            app.close()
    other.close()


def test_cli_recover_from_the_server_and_the_mirror(env: LiveEnv, tmp_path: Path) -> None:
    """`counter-app recover --from-server --mirror DIR` on a new PC: what the server has, plus what
    only the mirror had; the old journal is set aside at the next start and a fresh one written."""
    from counter_app.cli import main

    assert env.server is not None
    mirror = tmp_path / "usb"
    mirror.mkdir()
    clock = _clock()
    app = _reopen(env, "CLI1", clock, mirror)
    try:
        business_day(app, clock, env.accounts, 6)
        _sync(app, env.tokens)
        clock.now = clock.now.replace(hour=10, minute=0) + timedelta(days=1)
        business_day(app, clock, env.accounts, 5, close=False)  # not synced: only on the disk and the mirror
        before = ledger_dump(app.store.path)
        shutil.rmtree(app.data_dir, ignore_errors=True)
    finally:
        app.close()
    with sdb.write_tx(env.server_engine) as conn:
        enrollment = server_counters.reissue(conn, "CLI1")
    new = tmp_path / "new-pc"
    Config(token_store="file", token_file=str(tmp_path / "tokens.json"), clock_max_skew_minutes=0,
           mirror_dir=str(mirror)).save(new)
    app = open_application(new, clock=clock, mirror=False)
    try:
        app.service.initialise("CLI1", "Counter CLI1")
        enroll(app, env.server.url, enrollment)
    finally:
        app.close()
    assert main(["--data-dir", str(new), "recover", "--from-server", "--mirror", str(mirror)]) == 0
    after = ledger_dump(new / "counter.sqlite3")
    assert after["receipts"] == before["receipts"] and after["users"] == before["users"]
    app = open_application(new, clock=clock)  # the mirror: the old journal is set aside, a new one made
    try:
        assert app.mirror_status().ok and app.mirror_status().behind == 0
        assert make_client(app) is not None  # the sync wiring hands the service its signing key
        assert _next_receipt(app, env) == len(before["receipts"]) + 1
        _sync(app, None)
        check_delivered(LocalView.read(app), ServerView.read(env.server_engine, "CLI1"))
    finally:
        app.close()
    assert list(mirror.glob("KESCO-CLI1.ledger-journal.superseded-*"))
