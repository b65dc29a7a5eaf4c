"""The billing system's answers: per posting `posted`, or `rejected` with a reason. An answer set
(an ack file, or one POST on the feed) is checked whole and applied whole or not at all: an
unknown batch, a posting not in the batch named, an unreadable row, or a posting answered
before with a different answer refuses it all with the reason. The same answer again is a
duplicate and changes nothing. A rejection opens the posting's clarification."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, DateTime, bindparam, insert, select, text

from central_server import db
from central_server.billing.master_file import oversize
from central_server.ingest.batch import insert_returning_ids
from central_server.models import (
    billing_acks,
    billing_audit,
    billing_batches,
    billing_clarifications,
    billing_postings,
)

RESULTS = ("posted", "rejected")
MAX_ACK_BYTES = 256 * 1024**2
ACK_FIELDS = ("batch_id", "posting_id", "result", "reason")


class AckError(Exception):
    """The answers were refused whole; nothing was stored."""


@dataclass(frozen=True, slots=True)
class Ack:
    batch_id: int
    posting_id: int
    result: str
    reason: str | None


@dataclass
class AckReport:
    posted: int = 0
    rejected: int = 0
    duplicate: int = 0

    def summary(self) -> str:
        return f"{self.posted} posted, {self.rejected} rejected, {self.duplicate} already answered the same way"


def read_ack_file(path: Path) -> tuple[list[Ack], str]:
    """The answers of a CSV (batch_id,posting_id,result,reason) or JSON ({"acks": [...]}) file and
    its SHA-256; raises AckError for a file that cannot be read."""
    if (why := oversize(path, MAX_ACK_BYTES)) is not None:
        raise AckError(why)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    try:
        textual = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise AckError(f"not UTF-8 (byte {e.start})") from None
    if textual.lstrip().startswith("{"):
        try:
            body = json.loads(textual)
        except ValueError as e:
            raise AckError(f"not JSON: {e}") from None
        items = body.get("acks") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise AckError('a JSON ack file is {"acks": [{"batch_id", "posting_id", "result", "reason"}, ...]}')
        return [parse_ack(x, i + 1) for i, x in enumerate(items)], sha
    reader = csv.DictReader(io.StringIO(textual, newline=""))
    missing = [f for f in ACK_FIELDS[:3] if f not in (reader.fieldnames or [])]
    if missing:
        raise AckError(f"missing column(s) {', '.join(missing)}; the header is {', '.join(ACK_FIELDS)}")
    return [parse_ack(row, reader.line_num) for row in reader], sha


def parse_ack(x: Any, line: int) -> Ack:
    if not isinstance(x, dict):
        raise AckError(f"entry {line}: not an object")
    try:
        batch_id, posting_id = int(str(x.get("batch_id")).strip()), int(str(x.get("posting_id")).strip())
    except ValueError:
        raise AckError(f"line {line}: batch_id and posting_id must be whole numbers") from None
    result = str(x.get("result") or "").strip().lower()
    if result not in RESULTS:
        raise AckError(f"line {line}: result must be posted or rejected, not {str(x.get('result'))[:20]!r}")
    reason = (str(x.get("reason") or "").strip() or None)
    if result == "rejected" and reason is None:
        raise AckError(f"line {line}: a rejection needs a reason")
    if reason is not None and len(reason) > 300:
        raise AckError(f"line {line}: reason longer than 300 characters")
    return Ack(batch_id, posting_id, result, reason if result == "rejected" else None)


def apply_acks(conn: Connection, acks: list[Ack], via: str) -> AckReport:
    """Check every answer, then store them all (inside the caller's write transaction)."""
    rep = AckReport()
    if not acks:
        return rep
    seen: dict[int, Ack] = {}
    for a in acks:
        if a.posting_id in seen and seen[a.posting_id] != a:
            raise AckError(f"posting {a.posting_id} is answered twice with different answers in one set")
        seen[a.posting_id] = a
    batches = {a.batch_id for a in seen.values()}
    known = set(conn.execute(select(billing_batches.c.batch_id).where(
        db.member_of(billing_batches.c.batch_id, list(batches), conn))).scalars())
    unknown = sorted(batches - {int(b) for b in known})
    if unknown:
        raise AckError(f"unknown batch {unknown[0]}: no such posting batch was sent")
    ids = list(seen)
    postings: dict[int, Any] = {}
    for i in range(0, len(ids), 20_000):
        part = ids[i:i + 20_000]
        for r in conn.execute(select(billing_postings.c.posting_id, billing_postings.c.batch_id, billing_postings.c.state)
                              .where(db.member_of(billing_postings.c.posting_id, part, conn))):
            postings[int(r.posting_id)] = r
    before: dict[int, Any] = {}
    for i in range(0, len(ids), 20_000):
        part = ids[i:i + 20_000]
        for r in conn.execute(select(billing_acks).where(db.member_of(billing_acks.c.posting_id, part, conn))):
            before[int(r.posting_id)] = r
    fresh: list[Ack] = []
    for a in seen.values():
        p = postings.get(a.posting_id)
        if p is None or p.batch_id is None or int(p.batch_id) != a.batch_id:
            raise AckError(f"posting {a.posting_id} is not in batch {a.batch_id}")
        old = before.get(a.posting_id)
        if old is not None:
            if old.result == a.result and (old.reason or None) == a.reason:
                rep.duplicate += 1
                continue
            raise AckError(f"posting {a.posting_id} was answered {old.result} on {str(old.received_at)[:19]}; "
                           f"a different answer ({a.result}) is refused")
        fresh.append(a)
    if not fresh:
        return rep
    now = datetime.now(UTC)
    insert_returning_ids(conn, billing_acks, "posting_id", [
        {"posting_id": a.posting_id, "batch_id": a.batch_id, "result": a.result, "reason": a.reason,
         "received_at": now, "via": via[:80]} for a in fresh])
    # one set-based update from the answers just stored (a statement per posting takes 20 s a lakh)
    conn.execute(text(
        "UPDATE billing_postings SET state = a.result, answer_reason = a.reason, answered_at = a.received_at "
        "FROM billing_acks a WHERE a.posting_id = billing_postings.posting_id AND a.received_at = :now "
        "AND a.via = :via").bindparams(bindparam("now", type_=DateTime(timezone=True))),
        {"now": now, "via": via[:80]})
    rejected = [a for a in fresh if a.result == "rejected"]
    if rejected:
        conn.execute(insert(billing_clarifications), [{"posting_id": a.posting_id, "opened_at": now, "state": "open",
                                                       "note": a.reason} for a in rejected])
    rep.rejected = len(rejected)
    rep.posted = len(fresh) - rep.rejected
    conn.execute(insert(billing_audit).values(at=now, actor=via[:64], action="ack", subject=f"{len(fresh)} postings",
                                              detail=json.dumps({"posted": rep.posted, "rejected": rep.rejected,
                                                                 "duplicate": rep.duplicate,
                                                                 "batches": sorted(batches)})))
    return rep
