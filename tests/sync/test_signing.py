"""Each counter's Ed25519 key pair (issue 15): made at enrolment, private half in the token store
only, public half registered with the server, rotated by a re-enrolment with the old key kept;
every receipt signed in its own transaction, and the signature checks against the server's key."""

from __future__ import annotations

from pathlib import Path

from central_server import counters as server_counters
from central_server import db as sdb
from central_server import keys
from counter_app.sync.setup import enroll
from kesco_protocol.signing import public_text, verify_receipt
from tests.sync.harness import LiveEnv


def test_enrolment_registers_a_key_and_every_receipt_is_signed(sqlite_env: LiveEnv) -> None:
    k = sqlite_env.counter("K21")
    signer = k.service.signer
    assert signer is not None
    with sdb.read_tx(sqlite_env.server_engine) as conn:
        registered = keys.current(conn, "K21")
    assert registered is not None and registered.key_id == signer.key_id
    assert registered.public_key == public_text(signer.private)

    receipts = k.issue(3)
    for r in receipts:
        assert r.key_id == signer.key_id and r.signature
        assert verify_receipt(registered.public_key, r)
        stored = k.service.get_receipt(r.receipt_id)  # read back: the signature was committed with it
        assert stored.signature == r.signature and stored.key_id == r.key_id
    with k.counter.store.db.read() as conn:
        payloads = [row[0] for row in conn.exec_driver_sql("SELECT payload FROM outbox").all()]
    assert all(r.signature in "".join(payloads) for r in receipts)


def test_the_private_key_lives_only_in_the_token_store(sqlite_env: LiveEnv) -> None:
    k = sqlite_env.counter("K22")
    secret = sqlite_env.tokens.get(_server_url(sqlite_env), "K22#ed25519")
    assert secret
    for f in Path(k.counter.data_dir).rglob("*"):
        if f.is_file():
            assert secret.encode() not in f.read_bytes(), f


def _server_url(env: LiveEnv) -> str:
    assert env.server is not None
    return env.server.url


def test_reenrolment_rotates_the_key_and_the_old_one_still_verifies(sqlite_env: LiveEnv) -> None:
    k = sqlite_env.counter("K23")
    old = k.issue(1)[0]
    old_kid = k.service.signer.key_id
    with sdb.write_tx(sqlite_env.server_engine) as conn:
        code = server_counters.reissue(conn, "K23")
    k.service.signer = None
    enroll(k.counter, _server_url(sqlite_env), code, tokens=sqlite_env.tokens)
    assert k.service.signer is not None and k.service.signer.key_id != old_kid
    new = k.issue(1)[0]
    assert new.key_id == k.service.signer.key_id
    with sdb.read_tx(sqlite_env.server_engine) as conn:
        all_keys = {x.key_id: x for x in keys.of_counter(conn, "K23")}
    assert set(all_keys) == {old_kid, new.key_id}
    assert all_keys[old_kid].valid_to is not None and all_keys[new.key_id].valid_to is None
    assert verify_receipt(all_keys[old_kid].public_key, old)
    assert not verify_receipt(all_keys[new.key_id].public_key, old)  # negative control
