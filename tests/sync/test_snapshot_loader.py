"""The snapshot's loader process (sync/snapshot_load.py): the rows it is fed get the same check as
before it existed (a bad row refused with sync.bad_answer, nothing of it stored), a cut keeps the
whole rows before it with their cursor, and a reload whose loader is killed leaves the old cache in
use and no new file behind, then starts over and swaps in. Real loader processes, real files, the
real server on loopback."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_app.storage import cache as cache_mod
from counter_app.sync import pull as pull_mod
from counter_app.sync import snapshot_load
from counter_app.sync.errors import Offline, ServerFailure, SyncFailure
from counter_app.sync.state import SnapshotProgress
from kesco_protocol.consumers import CONSUMER_FIELDS
from tests.sync.harness import LiveEnv


def _row(i: int) -> list[object]:
    r: list[object] = [f"{2100000000 + i}", f"Name {i}", "Father", "1/2 Road", "Civil Lines", "DOM", None, None,
                       "active", None, None, None, 100_00, 0, 100_00, None, None, 0, 1]
    assert len(r) == len(CONSUMER_FIELDS)
    return r


def _wire(rows: list[object], *, end: bool = True) -> bytes:
    lines = [json.dumps({"version": 7, "total": len(rows), "as_of": "2026-12-01T00:00:00+00:00"})]
    lines += [json.dumps(r) for r in rows]
    if end:
        lines.append(json.dumps({"end": True, "count": len(rows), "more": False}))
    return gzip.compress(("\n".join(lines) + "\n").encode())


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / cache_mod.CACHE_FILENAME
    cache_mod.create_file(path, indexes=False)
    con = sqlite3.connect(path)
    con.execute("INSERT INTO kv VALUES ('fts_pending_from', '1')")  # what the parent does first
    con.commit()
    con.close()
    yield path


def _load(path: Path, wire: bytes) -> snapshot_load.PageResult:
    loader = snapshot_load.Loader(path, pull_mod._LOADER_SQL, disposable=True)
    try:
        loader.begin(first=True, done=0, gzip=True)
        for i in range(0, len(wire), 4096):
            loader.feed(wire[i:i + 4096])
        return loader.finish(stopped=False, on_rows=lambda n, d: None)
    finally:
        loader.close()


def _stored(path: Path) -> tuple[int, str | None]:
    con = sqlite3.connect(path)
    try:
        n = con.execute("SELECT COUNT(*) FROM consumers").fetchone()[0]
        cur = con.execute("SELECT value FROM kv WHERE key = 'snapshot_cursor'").fetchone()
        return int(n), None if cur is None else cur[0]
    finally:
        con.close()


def test_the_loader_stores_good_rows_and_builds_the_search_index(target: Path) -> None:
    page = _load(target, _wire([_row(i) for i in range(25_000)]))
    assert page.end is not None and page.done == 25_000 and page.header["version"] == 7
    assert _stored(target) == (25_000, _row(24_999)[0])
    con = sqlite3.connect(target)
    assert con.execute("SELECT value FROM kv WHERE key = 'fts_pending_from'").fetchone() is None
    assert con.execute("SELECT COUNT(*) FROM consumers_fts WHERE consumers_fts MATCH 'name'").fetchone()[0] == 25_000
    assert {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")} >= set(cache_mod.INDEX_NAMES)
    con.close()


@pytest.mark.parametrize("bad", [["2100000001", "short row"], {"account_no": "2100000001"}, [12345] + [None] * 18])
def test_a_row_of_the_wrong_shape_is_refused_and_not_stored(target: Path, bad: object) -> None:
    rows: list[object] = [_row(i) for i in range(20_000)] + [bad] + [_row(i) for i in range(20_001, 20_100)]
    with pytest.raises(ServerFailure) as e:
        _load(target, _wire(rows))
    assert e.value.key == "sync.bad_answer"
    assert ("unexpected line" if isinstance(bad, dict) else "wrong shape") in e.value.detail
    # the whole transactions before the bad row's piece stay, with their cursor; nothing after it
    n, cursor = _stored(target)
    assert n == 20_000 and cursor == _row(19_999)[0]


def _with(i: int, field: str, value: object) -> list[object]:
    r = _row(i)
    r[CONSUMER_FIELDS.index(field)] = value
    return r


@pytest.mark.parametrize(("field", "value"), [
    ("balance_paise", "10000"),       # money as text: would be stored as text in an INTEGER column
    ("last_bill_amount_paise", 100.5),  # a float of paise
    ("arrears_paise", True),          # JSON true is not a number of paise
    ("name", None),                   # a name the cache cannot store
    ("mobile", 9876543210),           # a number where text (or null) belongs
    ("version", "7"),
])
def test_a_field_of_the_wrong_type_is_refused_and_not_stored(target: Path, field: str, value: object) -> None:
    rows: list[object] = [_row(i) for i in range(20_000)] + [_with(20_000, field, value)]
    rows += [_row(i) for i in range(20_001, 20_100)]
    with pytest.raises(ServerFailure) as e:
        _load(target, _wire(rows))
    assert e.value.key == "sync.bad_answer" and "wrong shape" in e.value.detail
    n, cursor = _stored(target)
    assert n == 20_000 and cursor == _row(19_999)[0]


def test_negative_control_the_same_rows_without_the_bad_one_all_load(target: Path) -> None:
    rows: list[object] = [_row(i) for i in range(20_000)] + [_row(i) for i in range(20_001, 20_100)]
    assert _load(target, _wire(rows)).end is not None
    assert _stored(target)[0] == 20_099


def test_a_cut_keeps_whole_rows_with_their_cursor(target: Path) -> None:
    wire = _wire([_row(i) for i in range(30_000)], end=False)
    with pytest.raises(Offline) as e:
        _load(target, wire)
    assert e.value.key == "sync.snapshot_cut"
    assert _stored(target) == (30_000, _row(29_999)[0])


@pytest.fixture
def env(tmp_path: Path, sqlite_url: str) -> Iterator[LiveEnv]:
    e = LiveEnv(tmp_path, sqlite_url).start(consumers=12_000, template_consumers=0)
    yield e
    e.stop()


def _reload_wanted(k: object) -> None:
    with k.counter.store.cache.write() as conn:  # type: ignore[attr-defined]
        cache_mod.put(conn, pull_mod.K_RELOAD, "wanted")  # what a reset from the changes feed sets


@pytest.mark.parametrize("kill", [True, False], ids=["loader-killed", "negative-control"])
def test_a_reload_whose_loader_is_killed_keeps_the_old_cache(env: LiveEnv, kill: bool) -> None:
    k = env.counter("L01", pull=True, snapshot_page_rows=4000)
    assert k.engine.drain().snapshot.complete
    live = k.counter.store.cache.path
    new = cache_mod.new_path(live)
    old_inode = live.stat().st_ino
    account = env.accounts[0]
    _reload_wanted(k)
    puller = k.engine.puller
    assert puller is not None
    killed: list[int] = []

    def on_progress(p: SnapshotProgress) -> None:
        loader = puller._loader
        if kill and not killed and loader is not None and p.running and p.rows_done:
            killed.append(loader.proc.pid)
            os.kill(loader.proc.pid, signal.SIGKILL)

    puller.on_progress = on_progress
    if kill:
        with pytest.raises(SyncFailure) as e:
            for _ in range(10):
                puller.step()
        assert e.value.key == "sync.snapshot_loader_failed" and killed
        assert not new.exists(), "a killed load left its half-written file"
        assert live.stat().st_ino == old_inode
        assert k.service.lookup(account).consumer.account_no == account  # the old file serves lookups
        assert not puller.snapshot_complete()
    puller.on_progress = None
    for _ in range(10):
        if puller.step().snapshot_complete:
            break
    assert puller.snapshot_complete() and not new.exists()
    assert live.stat().st_ino != old_inode  # swapped in
    assert k.service.lookup(account).consumer.account_no == account
    with k.counter.store.cache.read() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM consumers").scalar() == 12_000


def _triggers(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        con.close()


def test_the_triggers_left_out_while_loading_are_back_and_keep_the_index_true(target: Path) -> None:
    # the loader inserts into a file with no indexed row without the search triggers (faster);
    # they must be back in the same transaction, so a later change of a name is indexed again
    _load(target, _wire([_row(i) for i in range(12_000)]))
    assert _triggers(target) == set(cache_mod.TRIGGER_NAMES)
    con = sqlite3.connect(target)
    try:
        con.execute("UPDATE consumers SET name = 'Zebunnisa Qureshi' WHERE account_no = ?", (_row(7)[0],))
        con.commit()
        hits = con.execute("SELECT c.account_no FROM consumers_fts f JOIN consumers c ON c.rowid = f.rowid "
                           "WHERE consumers_fts MATCH 'zebunnisa'").fetchall()
        stale = con.execute("SELECT COUNT(*) FROM consumers_fts WHERE consumers_fts MATCH 'name AND 7'").fetchone()[0]
    finally:
        con.close()
    assert hits == [(_row(7)[0],)]
    assert stale == 0


def _indexed_rows_and_one_changed(target: Path) -> list[object]:
    """3,000 rows loaded and indexed, the search index deferred for what comes next (as the parent
    does before each page); returns row 5 with a new name."""
    _load(target, _wire([_row(i) for i in range(3_000)]))
    con = sqlite3.connect(target)
    con.execute("INSERT INTO kv VALUES ('fts_pending_from', ?)",
                (str(con.execute("SELECT MAX(rowid) FROM consumers").fetchone()[0] + 1),))
    con.commit()
    con.close()
    changed = _row(5)
    changed[1] = "Zebunnisa Qureshi"
    return changed


def test_a_file_with_indexed_rows_keeps_its_triggers_while_loading(target: Path) -> None:
    # negative control of the shortcut: where rows are indexed already, an upsert that changes
    # one must go through the update trigger, so the search finds the new name and not the old
    changed = _indexed_rows_and_one_changed(target)
    _load(target, _wire([changed, _row(3_000)]))
    con = sqlite3.connect(target)
    try:
        new = con.execute("SELECT COUNT(*) FROM consumers_fts WHERE consumers_fts MATCH 'zebunnisa'").fetchone()[0]
        old = con.execute("SELECT COUNT(*) FROM consumers_fts WHERE consumers_fts MATCH 'name AND 5'").fetchone()[0]
    finally:
        con.close()
    assert new == 1
    assert old == 0


def test_each_chunk_asks_for_itself_whether_its_rows_may_skip_the_triggers(target: Path) -> None:
    # a page into a file with indexed rows: its first chunk changes one of them (the triggers
    # must run), its second holds only new accounts (loaded without them); the index is true
    # for both, and the triggers are all back afterwards
    changed = _indexed_rows_and_one_changed(target)
    fresh = [_row(i) for i in range(3_000, 3_000 + 2 * snapshot_load.CHUNK)]
    fresh[-1][1] = "Yashodhara Tiwari"
    _load(target, _wire([changed, *fresh]))
    assert _triggers(target) == set(cache_mod.TRIGGER_NAMES)
    con = sqlite3.connect(target)
    try:
        def hits(q: str) -> int:
            return int(con.execute("SELECT COUNT(*) FROM consumers_fts WHERE consumers_fts MATCH ?", (q,)).fetchone()[0])

        assert hits("zebunnisa") == 1 and hits("name AND 5") == 0
        assert hits("yashodhara") == 1
        assert hits("name") == 3_000 - 1 + 2 * snapshot_load.CHUNK - 1
        con.execute("INSERT INTO consumers_fts(consumers_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        con.close()


def test_a_new_cache_file_has_16_kb_pages_and_one_made_before_still_loads(tmp_path: Path) -> None:
    new = tmp_path / "new.sqlite3"
    cache_mod.create_file(new)
    old = tmp_path / "old.sqlite3"
    con = sqlite3.connect(old, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")  # a file made by the software before: 4 KB pages
    cache_mod.create_schema(con, indexes=False)
    con.execute("INSERT INTO kv VALUES ('fts_pending_from', '1')")
    con.close()
    sizes = {}
    for path in (new, old):
        con = sqlite3.connect(path)
        sizes[path.name] = con.execute("PRAGMA page_size").fetchone()[0]
        con.close()
    assert sizes == {"new.sqlite3": cache_mod.PAGE_SIZE, "old.sqlite3": 4096}
    page = _load(old, _wire([_row(i) for i in range(500)]))
    assert page.done == 500 and _stored(old) == (500, _row(499)[0])
