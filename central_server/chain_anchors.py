"""Chain heads a counter reported before its receipts arrived (issue 11 item 12).

A clerk with write access to the counter's database can rewrite receipts that the server has not
got yet and recompute every later hash; the chain then verifies. During a legacy month-end
closing the server refuses records for days while the counter is online, which is exactly when
receipts wait longest. So the counter hands the server its chain head (seq and hash) whenever it
holds receipts the server lacks (`POST /api/v1/counters/{code}/anchors`, accepted also during
closing). When the receipt at that seq arrives, its hash must be the reported one: a rewrite of it
or of any receipt before it changes it. A mismatch is an alarm `anchor_mismatch`, and the anchored
receipt is parked (stored, money kept, not posted) for a person to look at.

The table hangs on central_server.models' MetaData (migration 0009)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, DateTime, Index, Integer, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from central_server import db
from central_server.models import alarms, metadata, receipts

chain_anchors = Table(
    "chain_anchors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("counter_code", String(16), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("reported_at", DateTime(timezone=True), nullable=False),
)
Index("ix_chain_anchors_counter_seq", chain_anchors.c.counter_code, chain_anchors.c.seq, unique=True)

def insert_stmt(conn: Connection, table: Table) -> Any:
    return (sqlite.insert if db.is_sqlite(conn) else postgresql.insert)(table)


HASH = re.compile(r"^[0-9a-f]{64}$", re.ASCII)
MAX_RETURNED = 10  # given back in the status answer, newest first


def _alarm(conn: Connection, code: str, seq: int, detail: dict[str, Any], now: datetime) -> None:
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    conn.execute(insert_stmt(conn, alarms).on_conflict_do_nothing(), [{
        "counter_code": code, "kind": "anchor_mismatch", "record_id": f"anchor:{seq}", "seq": seq,
        "payload_sha": hashlib.sha256(text.encode()).hexdigest(), "payload": None, "detail": text,
        "raised_at": now,
    }])


def report(conn: Connection, code: str, seq: int, hash_hex: str, now: datetime) -> dict[str, Any]:
    """Keep a reported head. The first report of a seq stands (a second one with another hash is
    an alarm, never an overwrite); a receipt already held at that seq is compared at once."""
    held = conn.execute(select(receipts.c.hash).where(receipts.c.counter_code == code,
                                                      receipts.c.seq == seq)).scalar_one_or_none()
    before = conn.execute(select(chain_anchors.c.hash).where(chain_anchors.c.counter_code == code,
                                                             chain_anchors.c.seq == seq)).scalar_one_or_none()
    if before is None:
        conn.execute(insert_stmt(conn, chain_anchors).on_conflict_do_nothing(),
                     [{"counter_code": code, "seq": seq, "hash": hash_hex, "reported_at": now}])
    elif before != hash_hex:
        _alarm(conn, code, seq, {"reason": "the counter reported another head for the same seq",
                                 "first": before, "now": hash_hex}, now)
    if held is not None and held != hash_hex:
        _alarm(conn, code, seq, {"reason": "the reported head differs from the receipt held",
                                 "held": held, "reported": hash_hex}, now)
    return {"seq": seq, "stored": before is None, "matches": None if held is None else held == hash_hex}


def check_batch(conn: Connection, b: Any) -> None:
    """Park each new receipt of the batch whose hash is not the head reported for its seq, with
    an alarm (the batch's own alarm list: inserted with the batch)."""
    rows = [r for r in b.receipt_rows if r["hash_ok"]]
    if not rows:
        return
    seqs = [int(r["seq"]) for r in rows]
    anchored = dict(conn.execute(
        select(chain_anchors.c.seq, chain_anchors.c.hash)
        .where(chain_anchors.c.counter_code == b.counter_code,
               chain_anchors.c.seq >= min(seqs), chain_anchors.c.seq <= max(seqs))).all())
    if not anchored:
        return
    for r in rows:
        want = anchored.get(int(r["seq"]))
        if want is None or want == r["hash"]:
            continue
        r["parked_reason"] = (f"anchor: receipts up to seq {r['seq']} differ from the chain head the counter "
                              "reported before sending them (rewritten at the counter?)")
        r["posted"] = False
        b.alarm("anchor_mismatch", r["receipt_id"], {"reason": "receipt differs from the reported chain head",
                                                     "reported": want, "received": r["hash"]},
                payload=r["payload"], seq=int(r["seq"]))


def latest(conn: Connection, code: str) -> list[dict[str, Any]]:
    rows = conn.execute(select(chain_anchors.c.seq, chain_anchors.c.hash)
                        .where(chain_anchors.c.counter_code == code)
                        .order_by(chain_anchors.c.seq.desc()).limit(MAX_RETURNED)).all()
    return [{"seq": int(s), "hash": h} for s, h in rows]
