"""The one scrypt hash format, `scrypt$n$r$p$salt$hash` (salt and hash in base64): counter PINs and
headquarters passwords. The parameters travel with the hash, so they can be raised later without
locking anybody out."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

_MAXMEM = 64 * 1024 * 1024


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def scrypt_hash(secret: str, *, n: int, r: int, p: int, salt: bytes | None = None) -> str:
    salt = os.urandom(16) if salt is None else salt
    dk = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(dk)}"


def scrypt_verify(secret: str, stored: str) -> bool:
    """True when `secret` matches `stored`; False for a wrong secret or anything not of this format."""
    try:
        algo, n, r, p, salt, want = stored.split("$")
        if algo != "scrypt":
            return False
        expected = base64.b64decode(want)
        dk = hashlib.scrypt(secret.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                            p=int(p), maxmem=_MAXMEM, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(dk, expected)
