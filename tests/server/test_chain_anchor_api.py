"""POST /counters/{code}/anchors (docs/PROTOCOL.md, "Chain anchors"): a counter's chain head kept
before its receipts arrive, on SQLite and PostgreSQL. A receipt that arrives with another hash
at an anchored seq is parked with an alarm; the head is taken during a legacy closing too; bad
bodies and other counters' paths are refused, nothing stored."""

from __future__ import annotations

from sqlalchemy import select

from central_server import db
from central_server import period as period_mod
from central_server.chain_anchors import chain_anchors
from central_server.models import alarms, receipts
from tests.server.util import API, enrolled, post, statuses
from tests.support.receipts import ReceiptChain, tampered, wires


def _alarms(engine, code):
    with db.read_tx(engine) as conn:
        return [a.kind for a in conn.execute(select(alarms).where(alarms.c.counter_code == code))]


def _anchor(client, code, h, seq, hash_hex):
    return client.post(f"{API}/counters/{code}/anchors", headers=h, json={"seq": seq, "hash": hash_hex})


def test_an_anchored_receipt_that_arrives_changed_is_parked_with_an_alarm(client, engine, accounts):
    h = enrolled(client, engine, "K31")
    rs = ReceiptChain("K31", accounts).take(4)
    with db.write_tx(engine) as conn:
        period_mod.close(conn, legacy=True, retry_after_s=60)
    assert client.post(f"{API}/counters/K31/records", headers=h, json={"records": wires(rs)}).status_code == 503
    r = _anchor(client, "K31", h, 4, rs[3].hash)  # taken during the closing
    assert r.status_code == 200 and r.json() == {"seq": 4, "stored": True, "matches": None}
    with db.write_tx(engine) as conn:
        period_mod.open_(conn)
    # the counter's copy was rewritten: same receipts, seq 4 now with another content and hash
    changed = tampered(rs[3], amount_paise=rs[3].amount_paise + 100)
    from dataclasses import replace

    from kesco_protocol.chain import link_hash  # a rewrite recomputes the hash: the chain verifies
    changed = replace(changed, hash=link_hash(changed.prev_hash, changed.canonical()))
    body = post(client, "K31", h, wires([*rs[:3], changed]))
    assert statuses(body) == ["accepted", "accepted", "accepted", "parked"]
    assert body["results"][3]["detail"]["reason"].startswith("anchor:")
    assert "anchor_mismatch" in _alarms(engine, "K31")
    with db.read_tx(engine) as conn:
        assert conn.execute(select(receipts.c.posted).where(receipts.c.receipt_id == changed.receipt_id)).scalar_one() is False
    assert {"seq": 4, "hash": rs[3].hash} in body["status"]["anchors"]


def test_matching_receipts_pass_and_a_second_head_for_one_seq_is_an_alarm(client, engine, accounts):
    h = enrolled(client, engine, "K32")
    rs = ReceiptChain("K32", accounts).take(3)
    assert _anchor(client, "K32", h, 3, rs[2].hash).status_code == 200
    assert statuses(post(client, "K32", h, wires(rs))) == ["accepted"] * 3  # control: no alarm
    assert _alarms(engine, "K32") == []
    again = _anchor(client, "K32", h, 3, rs[2].hash)
    assert again.json() == {"seq": 3, "stored": False, "matches": True}
    assert _anchor(client, "K32", h, 3, "f" * 64).json()["matches"] is False
    assert _alarms(engine, "K32") == ["anchor_mismatch", "anchor_mismatch"]  # another head; differs from held
    with db.read_tx(engine) as conn:
        kept = conn.execute(select(chain_anchors.c.hash).where(chain_anchors.c.counter_code == "K32")).scalars().all()
    assert kept == [rs[2].hash]  # the first report stands


def test_bad_anchor_bodies_and_other_counters_are_refused(client, engine, accounts):
    h = enrolled(client, engine, "K33")
    enrolled(client, engine, "K34")
    for body in ({"seq": 0, "hash": "a" * 64}, {"seq": 1, "hash": "A" * 64}, {"seq": 1, "hash": "a" * 63},
                 {"seq": "1", "hash": "a" * 64}, {"hash": "a" * 64}, {"seq": 2**63, "hash": "a" * 64}):
        assert client.post(f"{API}/counters/K33/anchors", headers=h, json=body).status_code == 422, body
    assert _anchor(client, "K34", h, 1, "a" * 64).status_code == 403
    assert client.post(f"{API}/counters/K33/anchors", json={"seq": 1, "hash": "a" * 64}).status_code == 401
    with db.read_tx(engine) as conn:
        assert conn.execute(select(chain_anchors)).first() is None
