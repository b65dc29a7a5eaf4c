"""Headquarters access behind a proxy (issue 11, item 9), on a real server on loopback:
X-Forwarded-For counts only from a configured proxy (a new one per try walked past the lockout);
the lockout is per name and address with a growing delay, so an attacker is slowed without
locking the real user out from their own address; the cookie is Secure and HSTS is sent when the
server is reached over TLS (or configured so)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from central_server import db
from central_server.hq import auth as hq_auth
from central_server.models import hq_login_attempts
from tests.server.test_hq_auth import PASSWORD, add_user
from tests.support.live_server import LiveServer


def _login(c: httpx.Client, name: str, password: str, xff: str | None = None,
           proto: str | None = None) -> httpx.Response:
    extra = {k: v for k, v in (("X-Forwarded-For", xff), ("X-Forwarded-Proto", proto)) if v}
    form = c.get("/hq/login", headers=extra)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    return c.post("/hq/login", data={"name": name, "password": password, "csrf": csrf}, headers=extra,
                  follow_redirects=False)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'central.sqlite3'}"


def _engine(url: str):
    from central_server.config import Settings

    return db.make_engine(Settings(database_url=url))


def test_forwarded_for_is_ignored_from_anyone_but_a_trusted_proxy(sqlite_url):
    with LiveServer(sqlite_url) as srv, httpx.Client(base_url=srv.url, timeout=30) as c:
        for i in range(hq_auth.CLIENT_FAILURES):  # a new made-up address per try
            assert _login(c, f"guess{i}", "wrong-password", xff=f"203.0.113.{i}").status_code == 401
        r = _login(c, "guess-last", "wrong-password", xff="203.0.113.250")
        assert r.status_code == 429  # all twenty were counted against 127.0.0.1
    eng = _engine(sqlite_url)
    with db.read_tx(eng) as conn:
        clients = set(conn.execute(select(hq_login_attempts.c.client)).scalars())
    eng.dispose()
    assert clients == {"127.0.0.1"}


def test_a_trusted_proxy_names_the_client(sqlite_url):
    with LiveServer(sqlite_url, settings={"trusted_proxies": ("127.0.0.1",)}) as srv, \
            httpx.Client(base_url=srv.url, timeout=30) as c:
        # the client wrote the first address itself; the proxy appended the real one
        assert _login(c, "someone", "wrong-password", xff="198.51.100.9, 203.0.113.7").status_code == 401
    eng = _engine(sqlite_url)
    with db.read_tx(eng) as conn:
        assert list(conn.execute(select(hq_login_attempts.c.client)).scalars()) == ["203.0.113.7"]
    eng.dispose()


def test_an_attacker_slows_only_himself(sqlite_url):
    eng = _engine(sqlite_url)
    from central_server import migrate

    migrate.upgrade(eng)
    add_user(eng)
    with LiveServer(sqlite_url, settings={"trusted_proxies": ("127.0.0.1",)}) as srv, \
            httpx.Client(base_url=srv.url, timeout=30) as c:
        attacker, user = "203.0.113.66", "198.51.100.7"
        for _ in range(hq_auth.NAME_FAILURES):
            assert _login(c, "accounts1", "wrong-password", xff=attacker).status_code == 401
        refused = _login(c, "accounts1", PASSWORD, xff=attacker)  # even the right password now
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        c.cookies.clear()
        assert _login(c, "accounts1", PASSWORD, xff=user).status_code == 303  # the real user gets in
    eng.dispose()


def test_the_delay_grows_with_each_failure(sqlite_url):
    eng = _engine(sqlite_url)
    from central_server import migrate

    migrate.upgrade(eng)
    waits = []
    for _ in range(hq_auth.NAME_FAILURES + 3):
        with db.write_tx(eng) as conn:
            hq_auth.record_attempt(conn, "accounts1", "203.0.113.66", False)
        with db.read_tx(eng) as conn:
            waits.append(hq_auth.locked_for(conn, "accounts1", "203.0.113.66"))
    eng.dispose()
    assert waits[:hq_auth.NAME_FAILURES - 1] == [0] * (hq_auth.NAME_FAILURES - 1)
    grown = waits[hq_auth.NAME_FAILURES - 1:]
    assert all(0 < a < b for a, b in zip(grown, grown[1:], strict=False)), waits
    assert grown[-1] <= hq_auth.LOCK_WINDOW.total_seconds()
    # and the window passing frees the address again
    later = datetime.now(UTC) + hq_auth.LOCK_WINDOW + timedelta(seconds=2)
    eng = _engine(sqlite_url)
    with db.read_tx(eng) as conn:
        assert hq_auth.locked_for(conn, "accounts1", "203.0.113.66", later) == 0
    eng.dispose()


@pytest.mark.parametrize(("settings", "proto", "secure"), [
    ({}, None, False),  # negative control: plain HTTP on loopback
    ({"trusted_proxies": ("127.0.0.1",)}, "https", True),  # TLS ended at the trusted proxy
    ({}, "https", False),  # the header from a client that is not a proxy proves nothing
    ({"cookie_secure": True}, None, True),  # configured
])
def test_cookie_secure_and_hsts_over_tls(sqlite_url, settings, proto, secure):
    with LiveServer(sqlite_url, settings=settings) as srv, httpx.Client(base_url=srv.url, timeout=30) as c:
        r = c.get("/hq/login", headers={"X-Forwarded-Proto": proto} if proto else {})
        assert r.status_code == 200
        cookie = r.headers["set-cookie"]
        assert ("secure" in cookie.lower()) == secure, cookie
        assert ("strict-transport-security" in r.headers) == secure
