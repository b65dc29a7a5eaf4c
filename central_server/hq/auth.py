"""Headquarters users: add, list, disable; password login with a lockout after repeated failures;
sessions held server-side (only the token's hash is stored) so logout and disabling end them."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from central_server import security
from central_server.counters import AdminError, _aware
from central_server.models import hq_login_attempts, hq_sessions, hq_signing_key, hq_users

NAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
MIN_PASSWORD = 10
SESSION_HOURS = 8  # a working day; then log in again
# One name from one client address may fail NAME_FAILURES times within the window; then each
# further failure doubles the wait after it (FIRST_DELAY, 2x, 4x ... up to the window). The
# lockout is per name AND address, so an attacker slows only himself and the real user still logs
# in from their own address. One address is refused after CLIENT_FAILURES failures whatever names
# it tries (password spraying). The address is the connecting one, or what a trusted proxy says
# (central_server.proxy); a forged X-Forwarded-For counts for nothing.
LOCK_WINDOW = timedelta(minutes=15)
NAME_FAILURES = 5
FIRST_DELAY = timedelta(seconds=30)
CLIENT_FAILURES = 20


@dataclass(frozen=True, slots=True)
class HqUser:
    id: int
    name: str
    csrf: str  # the session's anti-forgery token, put into every form


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    ok: bool
    token: str | None = None  # the session token for the cookie (ok only)
    locked_for_s: int = 0  # > 0: refused without checking the password


def _now() -> datetime:
    return datetime.now(UTC)


def normal_name(name: str) -> str:
    return name.strip().lower()


# --- administration (the CLI) -------------------------------------------------------------------

def add_user(conn: Connection, name: str, password: str) -> None:
    name = normal_name(name)
    if not NAME.match(name):
        raise AdminError(f"{name!r} is not a user name (2-32 small letters, digits, '.', '_' or '-', "
                         "starting with a letter)")
    if len(password) < MIN_PASSWORD:
        raise AdminError(f"the password must have at least {MIN_PASSWORD} characters")
    if conn.execute(select(hq_users.c.id).where(hq_users.c.name == name)).first():
        raise AdminError(f"headquarters user {name} exists already")
    conn.execute(insert(hq_users).values(name=name, password_hash=security.hash_password(password),
                                         created_at=_now()))


def list_users(conn: Connection) -> list[dict[str, Any]]:
    a = hq_login_attempts.c
    last_ok = {n: _aware(at) for n, at in conn.execute(
        select(a.name, func.max(a.at)).where(a.ok.is_(True)).group_by(a.name))}
    out = []
    for r in conn.execute(select(hq_users).order_by(hq_users.c.name)):
        created, last = _aware(r.created_at), last_ok.get(r.name)
        out.append({"name": r.name, "created_at": created.isoformat() if created else None,
                    "disabled": r.disabled_at is not None, "last_login": last.isoformat() if last else None})
    return out


def disable_user(conn: Connection, name: str) -> None:
    """The user can no longer log in, and is logged out everywhere now."""
    name = normal_name(name)
    row = conn.execute(select(hq_users.c.id, hq_users.c.disabled_at).where(hq_users.c.name == name)).first()
    if row is None:
        raise AdminError(f"no headquarters user {name}")
    now = _now()
    if row.disabled_at is None:
        conn.execute(update(hq_users).where(hq_users.c.id == row.id).values(disabled_at=now))
    conn.execute(update(hq_sessions).where(hq_sessions.c.user_id == row.id, hq_sessions.c.ended_at.is_(None))
                 .values(ended_at=now))


# --- login ----------------------------------------------------------------------------------------

def signing_key(conn: Connection) -> bytes:
    """The database's cookie-signing key, made on first use (every server process shares it)."""
    key = conn.execute(select(hq_signing_key.c.secret)).scalar_one_or_none()
    if key is None:
        conn.execute(insert(hq_signing_key).values(id=1, secret=secrets.token_hex(32)))
        key = conn.execute(select(hq_signing_key.c.secret)).scalar_one()
    return bytes.fromhex(key)


def locked_for(conn: Connection, name: str, client: str, now: datetime | None = None) -> int:
    """Seconds until this name may be tried again from this client address; 0 when it may now."""
    now = now or _now()
    a = hq_login_attempts.c
    name, client = normal_name(name)[:64], client[:64]
    waits = [0.0]
    recent = conn.execute(select(a.at, a.ok).where(a.name == name, a.client == client, a.at > now - LOCK_WINDOW)
                          .order_by(a.at.desc()).limit(64)).all()
    failures = []
    for at, ok in recent:
        if ok:
            break  # a success since: the earlier failures no longer count
        failures.append(_aware(at))
    if len(failures) >= NAME_FAILURES:
        last = failures[0]
        assert last is not None
        delay = min(FIRST_DELAY * 2 ** min(len(failures) - NAME_FAILURES, 16), LOCK_WINDOW)
        waits.append((last + delay - now).total_seconds())
    by_client = [_aware(at) for (at,) in conn.execute(
        select(a.at).where(a.client == client, a.ok.is_(False), a.at > now - LOCK_WINDOW)
        .order_by(a.at.desc()).limit(CLIENT_FAILURES))]
    if len(by_client) >= CLIENT_FAILURES:
        oldest = by_client[CLIENT_FAILURES - 1]
        assert oldest is not None
        waits.append((oldest + LOCK_WINDOW - now).total_seconds())
    return max(0, int(max(waits) + 0.999))


def password_hash_of(conn: Connection, name: str) -> str | None:
    """The stored hash of an active user; None for unknown or disabled names."""
    return conn.execute(select(hq_users.c.password_hash).where(
        hq_users.c.name == normal_name(name), hq_users.c.disabled_at.is_(None))).scalar_one_or_none()


def record_attempt(conn: Connection, name: str, client: str, ok: bool) -> str | None:
    """Log the attempt; on success open a session and return its token (for the cookie)."""
    now = _now()
    name = normal_name(name)[:64]
    conn.execute(insert(hq_login_attempts).values(name=name, client=client[:64], at=now, ok=ok))
    if not ok:
        return None
    user_id = conn.execute(select(hq_users.c.id).where(hq_users.c.name == name)).scalar_one()
    token = secrets.token_urlsafe(32)
    conn.execute(insert(hq_sessions).values(
        token_hash=security.token_hash(token), user_id=user_id, csrf=secrets.token_urlsafe(24),
        created_at=now, expires_at=now + timedelta(hours=SESSION_HOURS)))
    return token


def session_user(conn: Connection, token: str) -> HqUser | None:
    """The user of a live session: not ended, not expired, user not disabled."""
    s, u = hq_sessions.c, hq_users.c
    row = conn.execute(
        select(u.id, u.name, s.csrf, s.expires_at).select_from(hq_sessions.join(hq_users, u.id == s.user_id))
        .where(s.token_hash == security.token_hash(token), s.ended_at.is_(None), u.disabled_at.is_(None))
    ).first()
    if row is None or (_aware(row.expires_at) or _now()) <= _now():
        return None
    return HqUser(int(row.id), row.name, row.csrf)


def end_session(conn: Connection, token: str) -> None:
    conn.execute(update(hq_sessions).where(hq_sessions.c.token_hash == security.token_hash(token),
                                           hq_sessions.c.ended_at.is_(None)).values(ended_at=_now()))
