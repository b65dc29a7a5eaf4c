"""The shared test helpers themselves: PostgreSQL discovery (loud skip, failure under CI) and
the live server in its own process."""

from __future__ import annotations

import httpx
import pytest

from tests.support import pg
from tests.support.live_server import LiveServer, enroll, load_demo_consumers, register_counter


def test_missing_postgres_skips_loudly_and_fails_under_ci(monkeypatch):
    monkeypatch.setattr(pg, "find_pg_bin", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="NOT RUN"):
        pg.pg_binaries_or_skip()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="NOT RUN"):
        pg.pg_binaries_or_skip()


def test_live_server_in_its_own_process(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    assert load_demo_consumers(url, 10) == 10
    code = register_counter(url, "K01")
    with LiveServer(url, subprocess=True) as srv:
        token = enroll(srv.api, "K01", code)
        r = httpx.get(f"{srv.api}/counters/K01/status", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.json()["high_water_seq"] == 0
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{srv.api}/health", timeout=2)
