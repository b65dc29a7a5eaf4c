"""Which PC speaks for a counter: the installation that enrolment bound, a second installation
noticed at its first request (one alarm, "two PCs use counter K07"), its records held in suspense
whole, and the person's decision that releases them (`central-server counters resolve-clone`).

The enrolled installation keeps working throughout; the other one is answered 409 on every
request, so that it never takes a receipt number the enrolled one also uses into the ledger."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from central_server import db
from central_server.counters import AdminError
from central_server.ingest.batch import Batch, insert_stmt
from central_server.ingest.others import apply_postings
from central_server.models import alarms, consumers, counters, suspense_records
from central_server.validate import safe_text
from kesco_protocol.chain import link_hash
from kesco_protocol.errors import ValidationError
from kesco_protocol.installation import MISMATCH, random_part, valid_installation_id
from kesco_protocol.records import Receipt, RecordKind

ALARM_KIND = "second_installation"
NONE_PRESENTED = "(none)"  # a copy of the database without the token store's id sends no header


@dataclass(frozen=True, slots=True)
class Holder:
    code: str
    installation_id: str | None


def holders_of(conn: Connection, token_hashes: list[str]) -> dict[str, Holder]:
    """The counters holding these tokens (by their SHA-256), in one query; an unknown or revoked
    token is not in the answer."""
    rows = conn.execute(select(counters.c.token_hash, counters.c.code, counters.c.installation_id)
                        .where(db.member_of(counters.c.token_hash, token_hashes, conn))).all()
    return {row.token_hash: Holder(row.code, row.installation_id) for row in rows}


def verdict(bound: str | None, presented: str | None) -> str:
    """ok | bind (a counter enrolled before installations existed: its first id is bound) | foreign."""
    if bound is None:
        return "ok" if presented is None else "bind"
    return "ok" if presented == bound else "foreign"


def bind(conn: Connection, code: str, presented: str) -> bool:
    """Bind the first installation of a counter enrolled without one; False if another came first."""
    conn.execute(update(counters).where(counters.c.code == code, counters.c.installation_id.is_(None))
                 .values(installation_id=presented, installation_bound_at=datetime.now(UTC)))
    return bool(conn.execute(select(counters.c.installation_id).where(counters.c.code == code)).scalar_one() == presented)


def message(code: str) -> str:
    return (f"{MISMATCH}: this PC is not the enrolled installation of counter {code}: re-enrol it "
            "(ask headquarters); what it sent is held for review, nothing is lost")


def raise_alarm(conn: Connection, code: str, bound: str | None, presented: str | None) -> None:
    """One alarm per second installation (the alarms' unique key), raised at its first request."""
    other = presented or NONE_PRESENTED
    detail = {"reason": f"two PCs use counter {code}", "enrolled_installation": bound, "other_installation": other}
    conn.execute(insert_stmt(conn, alarms).on_conflict_do_nothing(), [{
        "counter_code": code, "kind": ALARM_KIND, "record_id": other, "seq": None,
        "payload_sha": "0" * 64, "payload": None, "detail": json.dumps(detail), "raised_at": datetime.now(UTC),
    }])


def hold(conn: Connection, code: str, presented: str | None, items: list[Any]) -> int:
    """Keep every record the other installation sent, whole, never posted. Returns how many."""
    other = presented or NONE_PRESENTED
    now = datetime.now(UTC)
    rows = []
    for item in items:
        try:
            text = json.dumps(item.payload, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError):
            text = repr(item.payload)
        rows.append({"counter_code": code, "installation_id": other, "kind": safe_text(str(item.kind))[:16],
                     "record_id": safe_text(str(item.record_id))[:64], "payload": safe_text(text),
                     "received_at": now, "released_at": None, "outcome": None})
    if rows:
        conn.execute(insert_stmt(conn, suspense_records).on_conflict_do_nothing(), rows)
    return len(rows)


def held(conn: Connection, code: str) -> list[dict[str, Any]]:
    """What is held per installation: records, receipts, their total, and how many are released."""
    s = suspense_records.c
    out = []
    for inst, n, released in conn.execute(
        select(s.installation_id, func.count(), func.count(s.released_at))
        .where(s.counter_code == code).group_by(s.installation_id).order_by(s.installation_id)
    ):
        receipts = [_receipt(p) for (p,) in conn.execute(
            select(s.payload).where(s.counter_code == code, s.installation_id == inst, s.kind == RecordKind.RECEIPT))]
        good = [r for r in receipts if r is not None]
        out.append({"installation_id": inst, "records": int(n), "released": int(released),
                    "receipts": len(good), "total_paise": sum(r.amount_paise for r in good)})
    return out


def _receipt(payload: str) -> Receipt | None:
    try:
        return Receipt.from_wire(json.loads(payload))
    except (ValidationError, ValueError, TypeError, KeyError):
        return None


@dataclass(slots=True)
class Release:
    posted: int = 0
    posted_paise: int = 0
    kept: dict[str, int] = field(default_factory=dict)  # outcome -> count (not posted: a person looks)


def resolve(conn: Connection, code: str, installation: str, *, decided_by: str) -> Release:
    """A person has decided that the money the other installation collected is real: post its
    receipts (each to its consumer's balance, once), keep what cannot be posted with the reason,
    and close the alarm. The other PC stays refused until it is re-enrolled (under a new code)."""
    if not conn.execute(select(counters.c.code).where(counters.c.code == code)).first():
        raise AdminError(f"no counter {code}")
    s = suspense_records.c
    rows = conn.execute(select(s.id, s.kind, s.record_id, s.payload).where(
        s.counter_code == code, s.installation_id == installation, s.released_at.is_(None)).order_by(s.id)).all()
    if not rows:
        raise AdminError(f"nothing held from installation {installation[:20]!r} of counter {code}")
    now = datetime.now(UTC)
    voided = {json.loads(p).get("receipt_id") for _, kind, _, p in rows
              if kind in (RecordKind.VOID, RecordKind.DISHONOUR, RecordKind.REVERSAL) and p.startswith("{")}
    b = Batch(code, now, False, 2**62, [])
    rep = Release()
    outcomes: list[tuple[int, str]] = []
    receipts = [(i, _receipt(p)) for i, kind, _, p in rows if kind == RecordKind.RECEIPT]
    accounts = {r.account_no for _, r in receipts if r is not None}
    status = dict(conn.execute(select(consumers.c.account_no, consumers.c.status)
                               .where(consumers.c.account_no.in_(accounts))).all()) if accounts else {}
    for i, kind, _, _ in rows:
        if kind != RecordKind.RECEIPT:
            outcomes.append((i, f"kept: {kind[:16]} of the other installation (not applied)"))
    for i, r in receipts:
        if r is None:
            outcome = "kept: not a readable receipt"
        elif link_hash(r.prev_hash, r.canonical()) != r.hash:
            outcome = "kept: hash_mismatch"
        elif r.receipt_id in voided:
            outcome = "kept: voided or dishonoured at the other installation"
        elif status.get(r.account_no) != "active":
            outcome = f"kept: account {r.account_no} is {status.get(r.account_no, 'unknown')}"
        elif r.amount_paise <= 0:
            outcome = "kept: amount not positive"
        else:
            b.post(r.account_no, -r.amount_paise, payment=(r.business_date, r.issued_at, r.amount_paise))
            rep.posted += 1
            rep.posted_paise += r.amount_paise
            outcome = "posted"
        outcomes.append((i, outcome))
    apply_postings(conn, b)
    for i, outcome in outcomes:
        if outcome != "posted":
            rep.kept[outcome] = rep.kept.get(outcome, 0) + 1
        conn.execute(update(suspense_records).where(s.id == i).values(
            released_at=now, outcome=f"{outcome} (by {decided_by[:40]})"[:200]))
    conn.execute(update(alarms).where(alarms.c.counter_code == code, alarms.c.kind == ALARM_KIND,
                                      alarms.c.record_id == installation, alarms.c.resolved_at.is_(None))
                 .values(resolved_at=now))
    return rep


def released_receipts(conn: Connection, code: str | None = None) -> list[Receipt]:
    """Receipts of a second installation that a person released and that were posted: what the
    bill run's postings must also carry (they are not in `receipts`, whose numbers they share)."""
    s = suspense_records.c
    q = select(s.payload).where(s.kind == RecordKind.RECEIPT, s.outcome.like("posted%"))
    if code is not None:
        q = q.where(s.counter_code == code)
    return [r for (p,) in conn.execute(q) if (r := _receipt(p)) is not None]


def describe(value: str | None) -> str:
    """A short, safe form of a presented id for a log line."""
    if value is None:
        return NONE_PRESENTED
    return random_part(value)[:8] if valid_installation_id(value) else "(malformed)"
