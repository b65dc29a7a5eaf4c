"""Secrets of a running server (database password, HQ session key, gateway keys): read from the
environment or from `*_FILE` files (systemd credentials, Docker/Kubernetes secrets), never from
the repository; and the check that refuses to serve with a missing or default secret outside
demo mode.

    NAME          the value itself (fine for a test; visible in /proc/PID/environ to root)
    NAME_FILE     a path whose content is the value (trailing newline dropped): what
                  deploy/systemd/kesco-central.service passes with LoadCredential=
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

# values that mean "nobody chose a secret": shipped examples, tutorials' favourites
KNOWN_DEFAULTS = frozenset({
    "", "change-me", "changeme", "secret", "password", "postgres", "kesco", "admin", "test",
    "CHANGE-ME-32-RANDOM-CHARACTERS-AT-LEAST", "demo",
})
MIN_KEY_CHARS = 32  # a session or gateway key: 32 characters of `openssl rand -base64 32` or more
MIN_PASSWORD_CHARS = 12


class SecretError(Exception):
    """A secret is missing, unreadable or a default: the server must not serve."""


def read_secret(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """NAME, or the content of the file NAME_FILE; None when neither is set. Both set is an
    error (which one wins would be a guess)."""
    env = os.environ if env is None else env
    direct, path = env.get(name), env.get(f"{name}_FILE")
    if direct is not None and path:
        raise SecretError(f"both {name} and {name}_FILE are set: keep one")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as e:
            raise SecretError(f"{name}_FILE={path}: cannot read it ({e.strerror})") from e
    return direct


def database_url(env: Mapping[str, str] | None = None, default: str = "") -> str:
    """CENTRAL_DATABASE_URL(_FILE), with the password of CENTRAL_DATABASE_PASSWORD(_FILE) put in
    (so the URL in the environment file can stay free of secrets)."""
    url = read_secret("CENTRAL_DATABASE_URL", env) or default
    password = read_secret("CENTRAL_DATABASE_PASSWORD", env)
    if password and url and not url.startswith("sqlite"):
        url = make_url(url).set(password=password).render_as_string(hide_password=False)
    return url


def gateway_keys(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """CENTRAL_GATEWAY_KEYS(_FILE): `name=key` pairs, one per line or comma-separated (the keys
    that payment gateways and the billing system present); empty when not configured."""
    text = read_secret("CENTRAL_GATEWAY_KEYS", env) or ""
    out: dict[str, str] = {}
    for part in text.replace(",", "\n").splitlines():
        part = part.strip()
        if not part or part.startswith("#"):
            continue
        name, sep, key = part.partition("=")
        if not sep or not name.strip():
            raise SecretError("CENTRAL_GATEWAY_KEYS: each entry is name=key")
        out[name.strip()] = key.strip()
    return out


@dataclass(frozen=True, slots=True)
class ServeCheck:
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _weak(value: str | None, minimum: int) -> str | None:
    if value is None or value == "":
        return "is not set"
    if value in KNOWN_DEFAULTS or value.lower() in KNOWN_DEFAULTS:
        return "is a default value"
    if len(value) < minimum:
        return f"is shorter than {minimum} characters"
    return None


def check_for_serving(database_url_: str, session_key: str | None, gateways: Mapping[str, str]) -> ServeCheck:
    """What stops a production start: every problem, so the operator fixes them in one go."""
    problems: list[str] = []
    why = _weak(session_key, MIN_KEY_CHARS)
    if why:
        problems.append(f"the HQ session key (CENTRAL_SESSION_KEY or CENTRAL_SESSION_KEY_FILE) {why}")
    if database_url_.startswith("sqlite"):
        problems.append("the database is SQLite (the embedded demo database): production runs on PostgreSQL "
                        "(CENTRAL_DATABASE_URL=postgresql+psycopg://...)")
    else:
        url = make_url(database_url_)
        host = url.host or url.query.get("host") or ""
        over_network = bool(host) and not str(host).startswith("/")
        if over_network:
            # a unix socket with peer authentication needs no password (and is the safer setup)
            why = _weak(url.password if isinstance(url.password, str) else None, MIN_PASSWORD_CHARS)
            if why:
                problems.append(f"the database password (CENTRAL_DATABASE_PASSWORD or _FILE, or in the URL) {why}")
    for name, key in gateways.items():
        why = _weak(key, MIN_KEY_CHARS)
        if why:
            problems.append(f"gateway key {name!r} (CENTRAL_GATEWAY_KEYS) {why}")
    return ServeCheck(problems)
