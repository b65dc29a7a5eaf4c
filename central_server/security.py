"""Enrollment codes and counter tokens: made at random, stored only as SHA-256 hashes; and the
passwords of headquarters users, stored as scrypt hashes.

Tokens carry 256 random bits, so a plain hash is enough (nothing to guess offline); enrollment
codes are short enough to type, so they are one-time, expire, and are salted with the counter.
Passwords are chosen by people, so they get a slow, memory-hard, salted hash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from kesco_protocol.passwords import scrypt_hash, scrypt_verify

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_enrollment_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def enrollment_hash(counter_code: str, code: str) -> str:
    normal = code.strip().upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(f"{counter_code}:{normal}".encode()).hexdigest()


def same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a, b)


# OWASP's scrypt settings (cost 2^14, block 8, parallelism 5: as hard as 2^17/8/1 with 16 MiB of
# memory instead of 128): about a third of a second per login on a counter-class CPU.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 5


def hash_password(password: str) -> str:
    """The protocol's scrypt format (`scrypt$n$r$p$salt$hash`) with the settings above."""
    return scrypt_hash(password, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)


def verify_password(password: str, stored: str | None) -> bool:
    """True when `password` matches `stored`. With no stored hash (an unknown user) it still does
    the work of one check, so the answer's timing does not tell which names exist."""
    ok = scrypt_verify(password, stored or _DUMMY)
    return stored is not None and ok


_DUMMY = scrypt_hash("", n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, salt=bytes(16))


def sign(key: bytes, value: str) -> str:
    """`value.signature` (HMAC-SHA256): a cookie that the server can tell it made."""
    mac = hmac.new(key, value.encode("utf-8"), hashlib.sha256).digest()
    return f"{value}.{base64.urlsafe_b64encode(mac).decode('ascii').rstrip('=')}"


def unsign(key: bytes, signed: str | None) -> str | None:
    """The value of a cookie made by `sign` with this key; None for anything else."""
    if not signed or "." not in signed or len(signed) > 400:
        return None
    value = signed.rsplit(".", 1)[0]
    return value if hmac.compare_digest(sign(key, value), signed) else None
