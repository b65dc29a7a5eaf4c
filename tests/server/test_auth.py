"""Enrollment and bearer tokens: one-time codes, hashed tokens, immediate revocation, and a
counter confined to its own path."""

from __future__ import annotations

from sqlalchemy import select

from central_server import counters, db, security
from central_server.models import counters as counters_table
from tests.server.util import API


def _add(engine, code):
    with db.write_tx(engine) as conn:
        return counters.add(conn, code, f"Counter {code}")


def _enroll(client, code, enrollment):
    return client.post(f"{API}/enroll", json={"counter_code": code, "enrollment_code": enrollment})


def test_enrollment_code_is_one_time_and_only_the_token_hash_is_kept(client, engine):
    enrollment = _add(engine, "K01")
    assert _enroll(client, "K01", "AAAA-BBBB-CCCC-DDDD").status_code == 401
    assert _enroll(client, "K02", enrollment).status_code == 401
    r = _enroll(client, "K01", enrollment.lower().replace("-", " "))  # typed loosely: still the code
    assert r.status_code == 200
    token = r.json()["token"]
    assert _enroll(client, "K01", enrollment).status_code == 401  # used
    with db.read_tx(engine) as conn:
        row = conn.execute(select(counters_table).where(counters_table.c.code == "K01")).mappings().one()
    assert row["token_hash"] == security.token_hash(token) and token not in str(dict(row))
    assert client.get(f"{API}/counters/K01/status", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_no_token_wrong_token_other_counter_and_revoked_token_are_refused(client, engine):
    tokens = {}
    for code in ("K01", "K02"):
        tokens[code] = _enroll(client, code, _add(engine, code)).json()["token"]
    auth = {"Authorization": f"Bearer {tokens['K01']}"}
    paths = [("get", f"{API}/counters/K01/status", None),
             ("post", f"{API}/counters/K01/records", {"records": []}),
             ("get", f"{API}/consumers/changes", None)]
    for method, path, body in paths:
        assert client.request(method, path, json=body).status_code == 401
        assert client.request(method, path, json=body, headers={"Authorization": "Bearer nope"}).status_code == 401
        assert client.request(method, path, json=body, headers={"Authorization": "Basic eDp5"}).status_code == 401
        assert client.request(method, path, json=body, headers=auth).status_code == 200
    r = client.get(f"{API}/consumers/snapshot")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    # K01's token on K02's path
    assert client.get(f"{API}/counters/K02/status", headers=auth).status_code == 403
    assert client.post(f"{API}/counters/K02/records", json={"records": []}, headers=auth).status_code == 403
    # revocation works at once, for every endpoint
    with db.write_tx(engine) as conn:
        counters.revoke(conn, "K01")
    for method, path, body in paths:
        assert client.request(method, path, json=body, headers=auth).status_code == 401
    assert client.get(f"{API}/counters/K02/status",
                      headers={"Authorization": f"Bearer {tokens['K02']}"}).status_code == 200


def test_reissue_gives_a_new_code_and_ends_the_old_token(client, engine):
    token = _enroll(client, "K03", _add(engine, "K03")).json()["token"]
    with db.write_tx(engine) as conn:
        again = counters.reissue(conn, "K03")
    assert client.get(f"{API}/counters/K03/status", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert _enroll(client, "K03", again).status_code == 200


def test_health_needs_no_token(client):
    body = client.get(f"{API}/health").json()
    assert body["status"] == "ok" and body["period"]["state"] == "open"
