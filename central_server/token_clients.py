"""Systems that call the server with a bearer token of their own, kept in a table of (name,
token_hash, created_at, revoked_at): the billing systems pulling postings (billing/feed.py) and
the field devices reading accounts (consumer_side/field_api.py). A token is shown once when
issued and only its SHA-256 is stored; a new token for a name replaces the old one."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import Connection, Engine, Table, insert, select, update

from central_server import db, security


def issue(conn: Connection, table: Table, name: str, prefix: str) -> str:
    """A new token for `name` (a new client, or a new token that stops the old one); shown once."""
    token = prefix + secrets.token_urlsafe(32)
    values = {"token_hash": security.token_hash(token), "created_at": datetime.now(UTC), "revoked_at": None}
    if conn.execute(select(table.c.name).where(table.c.name == name)).first():
        conn.execute(update(table).where(table.c.name == name).values(**values))
    else:
        conn.execute(insert(table).values(name=name, **values))
    return token


def revoke(conn: Connection, table: Table, name: str) -> bool:
    """Stop the client's token now (its hash is overwritten by one nothing matches); False when
    there is no such client."""
    done = conn.execute(update(table).where(table.c.name == name).values(
        token_hash=f"revoked:{secrets.token_hex(20)}", revoked_at=datetime.now(UTC)))
    return done.rowcount == 1


def bearer_token(creds: HTTPAuthorizationCredentials | None) -> str | None:
    """The token of an `Authorization: Bearer ...` header, or None when there is none."""
    if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
        return None
    return creds.credentials


def holder(eng: Engine, table: Table, token: str) -> str | None:
    """The name of the client whose unrevoked token this is, or None."""
    with db.read_tx(eng) as conn:
        name = conn.execute(select(table.c.name).where(
            table.c.token_hash == security.token_hash(token), table.c.revoked_at.is_(None))).scalar_one_or_none()
    return None if name is None else str(name)
