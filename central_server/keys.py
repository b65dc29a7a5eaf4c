"""The counters' Ed25519 public keys (table counter_keys): registered at enrolment, rotated by a
re-enrolment, looked up by key id to check a receipt's signature (ingest, /verify) and by counter
to check a sealed export. The server holds public halves only: nothing here can sign."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from central_server.models import counter_keys
from kesco_protocol.signing import key_id, public_from_text


@dataclass(frozen=True, slots=True)
class CounterKey:
    key_id: str
    counter_code: str
    public_key: str
    valid_from: datetime
    valid_to: datetime | None
    first_seq: int | None = None


def register(conn: Connection, code: str, public_key: str, now: datetime) -> str:
    """Make `public_key` the counter's current key, closing the one before (kept for what it
    signed). Raises ValidationError for text that is not an Ed25519 public key."""
    public_from_text(public_key)
    kid = key_id(public_key)
    existing = by_id(conn, kid)
    if existing is not None:
        return kid  # the same key enrolled again: nothing to rotate
    conn.execute(update(counter_keys).where(counter_keys.c.counter_code == code, counter_keys.c.valid_to.is_(None))
                 .values(valid_to=now))
    conn.execute(insert(counter_keys).values(key_id=kid, counter_code=code, public_key=public_key, valid_from=now,
                                             valid_to=None))
    return kid


def _row(r: object) -> CounterKey:
    m = r._mapping  # type: ignore[attr-defined]
    return CounterKey(m["key_id"], m["counter_code"], m["public_key"], m["valid_from"], m["valid_to"],
                      m["first_seq"])


def by_id(conn: Connection, kid: str) -> CounterKey | None:
    r = conn.execute(select(counter_keys).where(counter_keys.c.key_id == kid)).first()
    return None if r is None else _row(r)


def of_counter(conn: Connection, code: str) -> list[CounterKey]:
    """All the counter's keys, the current one (valid_to empty) first."""
    rows = conn.execute(select(counter_keys).where(counter_keys.c.counter_code == code)
                        .order_by(counter_keys.c.valid_from.desc())).all()
    return [_row(r) for r in rows]


def current(conn: Connection, code: str) -> CounterKey | None:
    for k in of_counter(conn, code):
        if k.valid_to is None:
            return k
    return None


def saw_signed(conn: Connection, kid: str, seq: int) -> None:
    """Remember that `kid` signed receipt number `seq` (the lowest such number is kept)."""
    conn.execute(update(counter_keys).where(counter_keys.c.key_id == kid,
                                            (counter_keys.c.first_seq.is_(None)) | (counter_keys.c.first_seq > seq))
                 .values(first_seq=seq))
