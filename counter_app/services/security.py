"""PIN hashing at the counter: the protocol's scrypt format (kesco_protocol.passwords) with the
counter's settings."""

from __future__ import annotations

from kesco_protocol.passwords import scrypt_hash, scrypt_verify

_N, _R, _P = 2**14, 8, 1


def hash_pin(pin: str) -> str:
    return scrypt_hash(pin, n=_N, r=_R, p=_P)


def verify_pin(pin: str, stored: str) -> bool:
    return scrypt_verify(pin, stored)
