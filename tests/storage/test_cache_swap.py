"""The swap of a new consumer cache file under Windows semantics: while another process holds the
old file open, os.replace raises PermissionError. It is tried again with backoff (lookups going on
between tries); still refused, the new file waits beside the old one (`.ready`), the old one stays
in use, and the next start puts the new one in place. The OS's refusal is the one thing faked
(cache._replace); files, connections and the counter are real."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from counter_app.app import open_application
from counter_app.storage import cache as cache_mod
from counter_app.storage import consumers as consumers_repo
from kesco_protocol.consumers import CONSUMER_FIELDS
from tests.conftest import make_counter


def _row(account: str, name: str) -> list[object]:
    r: list[object] = [account, name, "Father", "1/2 Road", "Civil Lines", "DOM", None, None, "active", None, None,
                       None, 100_00, 0, 100_00, None, None, 0, 1]
    assert len(r) == len(CONSUMER_FIELDS)
    return r


def _new_file_with(cache: cache_mod.ConsumerCache, name: str) -> object:
    new = cache.new_file(fresh=True)
    with new.write(durable=False) as conn:
        consumers_repo.upsert_many(conn, [_row("2199999999", name)])
        cache_mod.put(conn, "consumers_snapshot", "complete")
    return new


def _name(counter: object) -> str:
    return counter.service.lookup("2199999999").consumer.name  # type: ignore[attr-defined]


Refusals = tuple[list[int], list[int]]


@pytest.fixture
def refusals(monkeypatch: pytest.MonkeyPatch) -> Refusals:
    """cache._replace raises PermissionError (as Windows does while another process holds the
    file) as many times as left[0] says (-1: every time); calls counts the tries."""
    left, calls = [0], []
    real = cache_mod._replace

    def replace(src: Path, dst: Path) -> None:
        calls.append(1)
        if left[0] != 0:
            left[0] -= 1 if left[0] > 0 else 0
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        real(src, dst)

    monkeypatch.setattr(cache_mod, "_replace", replace)
    monkeypatch.setattr(cache_mod, "REPLACE_FIRST_WAIT_S", 0.01)
    return left, calls


def _prime(tmp_path: Path) -> object:
    c = make_counter(tmp_path / "c", consumers=0)
    with c.store.cache.write() as conn:
        consumers_repo.upsert_many(conn, [_row("2199999999", "Old Name")])
    return c


@pytest.mark.parametrize("refused", [0, 3], ids=["negative-control", "refused-3-times"])
def test_a_refused_replace_is_tried_again_until_it_goes(tmp_path: Path, refusals: Refusals, refused: int) -> None:
    left, calls = refusals
    c = _prime(tmp_path)
    cache = c.store.cache  # type: ignore[attr-defined]
    assert _name(c) == "Old Name"
    left[0] = refused
    assert cache.swap_in(_new_file_with(cache, "New Name")) is True
    assert len(calls) == refused + 1
    assert _name(c) == "New Name"
    assert not cache_mod.new_path(cache.path).exists() and not cache_mod.ready_path(cache.path).exists()
    c.close()  # type: ignore[attr-defined]


def test_lookups_go_on_between_tries(tmp_path: Path, refusals: Refusals) -> None:
    left, _calls = refusals
    c = _prime(tmp_path)
    cache = c.store.cache  # type: ignore[attr-defined]
    left[0] = cache_mod.REPLACE_TRIES - 1
    seen: list[str] = []
    stop = threading.Event()

    def clerk() -> None:
        while not stop.is_set():
            seen.append(_name(c))

    th = threading.Thread(target=clerk)
    th.start()
    try:
        assert cache.swap_in(_new_file_with(cache, "New Name")) is True
    finally:
        stop.set()
        th.join()
    assert "Old Name" in seen and set(seen) <= {"Old Name", "New Name"}
    c.close()  # type: ignore[attr-defined]


def test_a_replace_refused_every_time_keeps_the_old_file_and_swaps_at_the_next_start(
        tmp_path: Path, refusals: Refusals) -> None:
    left, calls = refusals
    c = _prime(tmp_path)
    cache = c.store.cache  # type: ignore[attr-defined]
    data_dir = cache.path.parent
    left[0] = -1  # for ever
    assert cache.swap_in(_new_file_with(cache, "New Name")) is False
    assert len(calls) == cache_mod.REPLACE_TRIES
    assert _name(c) == "Old Name"  # the old file serves, reopened
    ready = cache_mod.ready_path(cache.path)
    assert ready.exists() and not cache_mod.new_path(cache.path).exists()
    con = sqlite3.connect(ready)
    assert con.execute("SELECT name FROM consumers").fetchall() == [("New Name",)]
    con.close()
    c.close()  # type: ignore[attr-defined]
    left[0] = 0  # the other process let go: the next start puts it in place
    again = open_application(data_dir)
    try:
        assert _name(again) == "New Name"
        assert not ready.exists()
    finally:
        again.close()


def test_still_refused_at_the_next_start_the_old_file_serves_and_the_new_one_waits(
        tmp_path: Path, refusals: Refusals) -> None:
    left, _calls = refusals
    c = _prime(tmp_path)
    cache = c.store.cache  # type: ignore[attr-defined]
    data_dir = cache.path.parent
    left[0] = -1
    assert cache.swap_in(_new_file_with(cache, "New Name")) is False
    c.close()  # type: ignore[attr-defined]
    again = open_application(data_dir)
    try:
        assert _name(again) == "Old Name" and cache_mod.ready_path(cache.path).exists()
        left[0] = 0
        assert again.store.cache.swap_ready() is True
        assert _name(again) == "New Name"
    finally:
        again.close()
