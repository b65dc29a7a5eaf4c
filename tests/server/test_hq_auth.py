"""Headquarters users and login, on both databases: the hq-users commands, every page behind the
login, wrong passwords refused, the lockout (with its negative control), the cookie's flags and
signature, logout and disabling ending a session, forged form posts refused."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from central_server import cli, db
from central_server.hq import auth as hq_auth
from central_server.models import hq_sessions

PASSWORD = "kanpur-hq-2026"
PAGES = ("/hq/", "/hq/?date=2026-11-27", "/hq/counters/K01", "/hq/counters/K01/receipts.csv?date=2026-11-27")


def add_user(engine, name="accounts1", password=PASSWORD):
    with db.write_tx(engine) as conn:
        hq_auth.add_user(conn, name, password)


def login_form(client, next_path=None):
    r = client.get("/hq/login" + (f"?next={next_path}" if next_path else ""))
    assert r.status_code == 200
    return re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)


def login(client, name="accounts1", password=PASSWORD, **extra):
    csrf = login_form(client)
    return client.post("/hq/login", data={"name": name, "password": password, "csrf": csrf, **extra},
                       follow_redirects=False)


def test_hq_users_commands(database_url, capsys, monkeypatch):
    url = ("--database-url", database_url)

    def run(*argv, stdin=None):
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = cli.main(list(argv) + list(url))
        out = capsys.readouterr()
        return code, out.out + out.err

    assert "no headquarters users" in run("hq-users", "list")[1]
    code, out = run("hq-users", "add", "Accounts1", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0 and "accounts1 added" in out
    assert run("hq-users", "add", "accounts1", "--password-stdin", stdin=PASSWORD + "\n")[0] == 1  # exists
    code, out = run("hq-users", "add", "short", "--password-stdin", stdin="abc\n")
    assert code == 1 and "at least 10" in out
    assert run("hq-users", "add", "no spaces!", "--password-stdin", stdin=PASSWORD + "\n")[0] == 1
    code, out = run("hq-users", "list")
    assert code == 0 and re.search(r"accounts1\s+active", out)
    assert run("hq-users", "disable", "accounts1")[0] == 0
    assert re.search(r"accounts1\s+disabled", run("hq-users", "list")[1])
    assert run("hq-users", "disable", "nobody")[0] == 1


def test_password_is_stored_as_scrypt_and_checked(engine):
    add_user(engine)
    with db.read_tx(engine) as conn:
        stored = hq_auth.password_hash_of(conn, "ACCOUNTS1")
    assert stored.startswith("scrypt$") and PASSWORD not in stored
    from central_server import security

    assert security.verify_password(PASSWORD, stored)
    assert not security.verify_password(PASSWORD + "x", stored)
    assert not security.verify_password(PASSWORD, None)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_needs_login(client, engine, path):
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/hq/login?next=%2Fhq%2F")
    assert "receipt" not in r.text.lower()


def test_login_then_logout(client, engine):
    add_user(engine)
    r = login(client, next="/hq/?date=2026-11-27")
    assert r.status_code == 303 and r.headers["location"] == "/hq/?date=2026-11-27"
    cookie = r.headers["set-cookie"]
    assert "hq_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Path=/hq" in cookie
    page = client.get("/hq/")
    assert page.status_code == 200 and "Collection board" in page.text and "accounts1" in page.text
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none': no script at all
    stolen = client.cookies.get("hq_session")

    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert client.post("/hq/logout", data={"csrf": "forged"}, follow_redirects=False).headers["location"] == "/hq/"
    assert client.get("/hq/", follow_redirects=False).status_code == 200  # a forged logout does nothing
    r = client.post("/hq/logout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/hq/login"
    assert client.get("/hq/", follow_redirects=False).status_code == 303
    client.cookies.set("hq_session", stolen, path="/hq")  # the old cookie, replayed, is dead
    assert client.get("/hq/", follow_redirects=False).status_code == 303


def test_wrong_password_and_unknown_user_refused_alike(client, engine):
    add_user(engine)
    for name, password in (("accounts1", PASSWORD + "!"), ("nobody", PASSWORD)):
        r = login(client, name, password)
        assert r.status_code == 401 and "Wrong user name or password" in r.text
        assert "hq_session" not in r.headers.get("set-cookie", "")
        assert client.get("/hq/", follow_redirects=False).status_code == 303


def test_lockout_after_repeated_failures(client, engine):
    add_user(engine)
    # negative control: four failures, then the right password still works (and resets the count)
    for _ in range(hq_auth.NAME_FAILURES - 1):
        assert login(client, password="wrong-password").status_code == 401
    assert login(client).status_code == 303
    client.cookies.clear()
    for _ in range(hq_auth.NAME_FAILURES):
        assert login(client, password="wrong-password").status_code == 401
    r = login(client)  # the right password, refused while locked
    assert r.status_code == 429 and "Too many failed attempts" in r.text
    assert 0 < int(r.headers["retry-after"]) <= hq_auth.LOCK_WINDOW.total_seconds()
    assert client.get("/hq/", follow_redirects=False).status_code == 303
    # another user is not locked by it
    add_user(engine, "accounts2")
    assert login(client, "accounts2").status_code == 303


def test_lockout_per_client_address(engine):
    add_user(engine)
    now = datetime.now(UTC)
    with db.write_tx(engine) as conn:
        for i in range(hq_auth.CLIENT_FAILURES):
            hq_auth.record_attempt(conn, f"guess{i}", "10.0.0.9", False)
    with db.read_tx(engine) as conn:
        assert hq_auth.locked_for(conn, "accounts1", "10.0.0.9", now) > 0
        assert hq_auth.locked_for(conn, "accounts1", "10.0.0.10", now) == 0
        # the window passes: free again
        assert hq_auth.locked_for(conn, "accounts1", "10.0.0.9", now + hq_auth.LOCK_WINDOW + timedelta(seconds=2)) == 0


def test_forged_posts_and_cookies_refused(client, engine):
    add_user(engine)
    login_form(client)
    r = client.post("/hq/login", data={"name": "accounts1", "password": PASSWORD, "csrf": "made-up"},
                    follow_redirects=False)
    assert r.status_code == 400  # no matching login-form nonce
    csrf = login_form(client)
    r = client.post("/hq/login", data={"name": "accounts1", "password": PASSWORD, "csrf": csrf},
                    headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert r.status_code == 400  # posted from another site
    assert login(client, next="//evil.example/").headers["location"] == "/hq/"  # no open redirect
    good = client.cookies.get("hq_session")
    value, sig = good.rsplit(".", 1)
    client.cookies.set("hq_session", value + "." + ("A" if sig[0] != "A" else "B") + sig[1:], path="/hq")
    assert client.get("/hq/", follow_redirects=False).status_code == 303  # signature checked
    client.cookies.set("hq_session", good, path="/hq")
    assert client.get("/hq/", follow_redirects=False).status_code == 200  # and the real one works


def test_disabling_or_expiry_ends_sessions(client, engine):
    add_user(engine)
    assert login(client).status_code == 303
    assert client.get("/hq/", follow_redirects=False).status_code == 200
    with db.write_tx(engine) as conn:
        conn.execute(update(hq_sessions).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert client.get("/hq/", follow_redirects=False).status_code == 303
    assert login(client).status_code == 303
    with db.write_tx(engine) as conn:
        hq_auth.disable_user(conn, "accounts1")
    assert client.get("/hq/", follow_redirects=False).status_code == 303
    assert login(client).status_code == 401
