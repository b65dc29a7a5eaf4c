"""Enrolment codes cannot be tried hundreds of times a second (issue 11, item 10): tries are
limited per client address and per counter code (429 with Retry-After), checked before anything
is written, and a wrong code never takes the database's write lock."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from central_server import counters, db
from central_server.app import create_app
from central_server.config import Settings

API = "/api/v1"


@pytest.fixture
def app(tmp_path: Path):
    # connections come from 127.0.0.1, a trusted proxy: X-Forwarded-For names the address
    application = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'c.sqlite3'}",
                                      trusted_proxies=("127.0.0.1",)))
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app):
    with TestClient(app, client=("127.0.0.1", 40000)) as c:
        yield c


def _add(app, code: str) -> str:
    with db.write_tx(app.state.engine) as conn:
        return counters.add(conn, code, code)


def _try(client, code: str, enrollment: str, address: str):
    return client.post(f"{API}/enroll", json={"counter_code": code, "enrollment_code": enrollment},
                       headers={"X-Forwarded-For": address})


def test_tries_per_counter_code_are_limited(client, app):
    right = _add(app, "K51")
    per_counter = app.state.settings.enroll_tries_per_counter
    for i in range(per_counter):  # from ever new addresses: the counter's own limit holds
        assert _try(client, "K51", "AAAA-BBBB-CCCC-DDDD", f"203.0.113.{i}").status_code == 401
    r = _try(client, "K51", right, "198.51.100.1")
    assert r.status_code == 429 and 0 < int(r.headers["retry-after"]) <= 60, r.text
    # negative control: another counter is not affected, and its right code works
    assert _try(client, "K52", _add(app, "K52"), "198.51.100.2").status_code == 200


def test_tries_per_address_are_limited(client, app):
    per_address = app.state.settings.enroll_tries_per_address
    for i in range(per_address):
        assert _try(client, f"K6{i}", "AAAA-BBBB-CCCC-DDDD", "203.0.113.9").status_code == 401
    r = _try(client, "K70", _add(app, "K70"), "203.0.113.9")
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    # negative control: within the limits, a few wrong tries do not stop the right one
    code = _add(app, "K71")
    for _ in range(2):
        assert _try(client, "K71", "AAAA-BBBB-CCCC-DDDD", "198.51.100.3").status_code == 401
    assert _try(client, "K71", code, "198.51.100.3").status_code == 200


def test_a_wrong_code_does_not_take_the_write_lock(client, app, tmp_path):
    _add(app, "K53")
    held = threading.Event()
    release = threading.Event()

    def hold_write_lock() -> None:
        con = sqlite3.connect(tmp_path / "c.sqlite3", timeout=30)
        con.execute("BEGIN IMMEDIATE")
        held.set()
        release.wait(20)
        con.rollback()
        con.close()

    t = threading.Thread(target=hold_write_lock)
    t.start()
    try:
        assert held.wait(10)
        start = time.monotonic()
        r = _try(client, "K53", "AAAA-BBBB-CCCC-DDDD", "203.0.113.20")
        took = time.monotonic() - start
    finally:
        release.set()
        t.join()
    assert r.status_code == 401 and took < 2, (r.status_code, took)
