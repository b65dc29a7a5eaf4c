"""Counters: registration, enrollment, token checks, revocation, and what the server holds of
each counter's receipts (high-water mark, gaps, chain head)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, text, update

from central_server import chain_anchors, security, token_cache
from central_server.models import counters, receipts, records
from kesco_protocol.records import valid_counter_code

ENROLLMENT_VALID = timedelta(days=7)
MAX_GAPS_REPORTED = 1000


class AdminError(Exception):
    """A refused administrative action; the message is for the operator."""


@dataclass(frozen=True, slots=True)
class Enrolled:
    counter_code: str
    token: str


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.isoformat()


def _aware(dt: datetime | None) -> datetime | None:
    # SQLite gives back naive datetimes (stored as UTC)
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt


def add(conn: Connection, code: str, name: str) -> str:
    """Register a counter; returns its one-time enrollment code (shown once, stored hashed)."""
    if not valid_counter_code(code):
        raise AdminError(f"{code!r} is not a counter code (2-16 capital letters, digits or dashes)")
    if conn.execute(select(counters.c.code).where(counters.c.code == code)).first():
        raise AdminError(f"counter {code} exists already; use 'counters reissue {code}' for a new code")
    enrollment = security.new_enrollment_code()
    conn.execute(insert(counters).values(
        code=code, name=name, created_at=_now(),
        enrollment_hash=security.enrollment_hash(code, enrollment),
        enrollment_expires_at=_now() + ENROLLMENT_VALID,
    ))
    return enrollment


def reissue(conn: Connection, code: str) -> str:
    """A new enrollment code for a reinstalled counter PC. The old token stops working now."""
    _require(conn, code)
    enrollment = security.new_enrollment_code()
    conn.execute(update(counters).where(counters.c.code == code).values(
        enrollment_hash=security.enrollment_hash(code, enrollment),
        enrollment_expires_at=_now() + ENROLLMENT_VALID, token_hash=None, revoked_at=None,
    ))
    token_cache.changed_in(conn)  # the old token ends now in this process (others: within its TTL)
    return enrollment


def revoke(conn: Connection, code: str) -> None:
    _require(conn, code)
    conn.execute(update(counters).where(counters.c.code == code).values(
        token_hash=None, enrollment_hash=None, revoked_at=_now()))
    token_cache.changed_in(conn)


def _require(conn: Connection, code: str) -> None:
    if not conn.execute(select(counters.c.code).where(counters.c.code == code)).first():
        raise AdminError(f"no counter {code}")


def enrollment_matches(conn: Connection, code: str, enrollment_code: str) -> bool:
    """Whether the code is the counter's current one (read only; `enroll` checks again)."""
    stored = conn.execute(select(counters.c.enrollment_hash).where(counters.c.code == code)).scalar_one_or_none()
    return security.same(stored, security.enrollment_hash(code, enrollment_code))


def enroll(conn: Connection, code: str, enrollment_code: str, installation: str | None = None) -> Enrolled | None:
    """Exchange a valid one-time enrollment code for a new token; None if refused. The enrolling
    installation (the PC's X-Kesco-Installation) is bound to the counter: requests from any other
    are a second PC (central_server.installations). None binds the first one that speaks."""
    row = conn.execute(select(counters).where(counters.c.code == code)).first()
    if row is None or row.enrollment_hash is None:
        return None
    if not security.same(row.enrollment_hash, security.enrollment_hash(code, enrollment_code)):
        return None
    expires = _aware(row.enrollment_expires_at)
    if expires is not None and expires < _now():
        return None
    token = security.new_token()
    done = conn.execute(update(counters).where(
        counters.c.code == code, counters.c.enrollment_hash == row.enrollment_hash
    ).values(token_hash=security.token_hash(token), enrollment_hash=None, enrollment_expires_at=None,
             enrolled_at=_now(), revoked_at=None, installation_id=installation,
             installation_bound_at=_now() if installation else None))
    token_cache.changed_in(conn)  # a new token replaces the counter's old one
    return Enrolled(code, token) if done.rowcount == 1 else None


def code_for_token(conn: Connection, token: str) -> str | None:
    """The counter that holds this token now (revocation clears the hash, so it is at once)."""
    return conn.execute(
        select(counters.c.code).where(counters.c.token_hash == security.token_hash(token))
    ).scalar_one_or_none()


def list_all(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(counters).order_by(counters.c.code)).mappings().all()
    return [
        {"code": r["code"], "name": r["name"], "enrolled": r["token_hash"] is not None,
         "revoked": r["revoked_at"] is not None, "high_water_seq": r["high_water_seq"],
         "receipts": r["receipt_count"], "total_paise": r["total_paise"],
         "last_seen_at": _iso(_aware(r["last_seen_at"]))}
        for r in rows
    ]


def gaps(conn: Connection, code: str, high_water: int, max_seq: int) -> list[list[int]]:
    """Missing sequence ranges [first, last] above the high-water mark."""
    if max_seq <= high_water:
        return []
    rows = conn.execute(text(
        "SELECT seq, nxt FROM (SELECT seq, LEAD(seq) OVER (ORDER BY seq) AS nxt FROM receipts "
        "WHERE counter_code = :c AND seq > :hw) t WHERE nxt > seq + 1 ORDER BY seq LIMIT :lim"
    ), {"c": code, "hw": high_water, "lim": MAX_GAPS_REPORTED}).all()
    first_above = conn.execute(
        select(func.min(receipts.c.seq)).where(receipts.c.counter_code == code, receipts.c.seq > high_water)
    ).scalar_one()
    out: list[list[int]] = []
    if first_above is not None and first_above > high_water + 1:
        out.append([high_water + 1, first_above - 1])
    out.extend([int(seq) + 1, int(nxt) - 1] for seq, nxt in rows)
    return out[:MAX_GAPS_REPORTED]


def status(conn: Connection, code: str) -> dict[str, Any]:
    row = conn.execute(select(counters).where(counters.c.code == code)).mappings().one()
    return {
        "counter_code": code,
        "high_water_seq": int(row["high_water_seq"]),
        "max_seq": int(row["max_seq"]),
        "gaps": gaps(conn, code, int(row["high_water_seq"]), int(row["max_seq"])),
        "receipts": int(row["receipt_count"]),
        "total_paise": int(row["total_paise"]),
        "chain_ok": row["chain_broken_at"] is None,
        "chain_broken_at": row["chain_broken_at"],
        "chain_head_hash": row["chain_head_hash"],
        "anchors": anchors(conn, code) + chain_anchors.latest(conn, code),
    }


MAX_ANCHORS = 10


def anchors(conn: Connection, code: str) -> list[dict[str, Any]]:
    """The chain heads this counter told the server in its last shift closes (the head the
    supervisor signed on paper): given back in every status answer, so that the counter's verify
    and doctor check its chain against what a clerk cannot rewrite (issue 11 item 12)."""
    rows = conn.execute(
        select(records.c.payload).where(records.c.counter_code == code, records.c.kind == "shift_close")
        .order_by(records.c.received_at.desc()).limit(MAX_ANCHORS)).all()
    out: list[dict[str, Any]] = []
    for (payload,) in rows:
        try:
            d = json.loads(payload)
            seq, head = d.get("chain_head_seq"), d.get("chain_head_hash")
        except (ValueError, AttributeError):
            continue
        if isinstance(seq, int) and not isinstance(seq, bool) and seq > 0 and isinstance(head, str) and head:
            out.append({"seq": seq, "hash": head})
    return out
