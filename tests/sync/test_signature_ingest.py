"""The server checks each receipt's signature on ingest (issue 15): a bad signature, or one by a
key that is not the sending counter's, raises an alarm; the money is still taken (accepted)."""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import select

from central_server import db as sdb
from central_server.ingest import RecordIn, ingest_records
from central_server.models import alarms
from counter_app.domain import chain
from kesco_protocol.records import Receipt
from kesco_protocol.signing import sign_receipt
from tests.sync.harness import LiveEnv


def _push(env: LiveEnv, code: str, rs: list[Receipt]) -> list[str]:
    with sdb.write_tx(env.server_engine) as conn:
        res = ingest_records(conn, code, [RecordIn("receipt", r.receipt_id, r.wire()) for r in rs])
    return [x.status for x in res]


def _alarms(env: LiveEnv) -> list[tuple[str, str, str]]:
    with sdb.read_tx(env.server_engine) as conn:
        rows = conn.execute(select(alarms.c.kind, alarms.c.record_id, alarms.c.detail)).all()
    return [(k, rid, json.loads(d)["reason"]) for k, rid, d in rows]


def test_a_changed_or_foreign_signed_receipt_is_an_alarm_and_the_money_is_taken(sqlite_env: LiveEnv) -> None:
    env = sqlite_env
    k, other = env.counter("S01"), env.counter("S02")
    genuine, changed, foreign, unsigned = k.issue(4)
    # a changed amount re-hashed (so the chain holds) but still carrying the old signature
    changed = chain.seal(replace(changed, amount_paise=changed.amount_paise + 100_00), genuine.hash)
    changed = replace(changed, key_id=k.service.signer.key_id, signature=genuine.signature)
    foreign = replace(foreign, key_id=other.service.signer.key_id,
                      signature=sign_receipt(other.service.signer, foreign))
    unsigned = replace(unsigned, key_id=None, signature=None)

    assert _push(env, "S01", [genuine]) == ["accepted"]
    assert _alarms(env) == []  # the negative control: a genuine signature raises nothing
    assert _push(env, "S01", [changed, foreign, unsigned]) == ["accepted", "accepted", "accepted"]
    got = {(kind, rid): reason for kind, rid, reason in _alarms(env) if kind != "chain_break"}
    assert got == {
        ("bad_signature", changed.receipt_id): "the signature does not match the receipt",
        ("bad_signature", foreign.receipt_id): f"key '{other.service.signer.key_id}' is not one of this "
                                               "counter's keys",
        ("unsigned", unsigned.receipt_id): f"a receipt without a signature, numbered after receipt {genuine.seq} "
                                           "that this counter signed",
    }
