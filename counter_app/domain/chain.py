"""Tamper evidence: each receipt's hash is SHA-256(previous hash + canonical receipt)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from counter_app.domain.receipt import GENESIS_HASH, Receipt


def link_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def seal(receipt: Receipt, prev_hash: str) -> Receipt:
    """The receipt with prev_hash and hash filled in."""
    from dataclasses import replace

    r = replace(receipt, prev_hash=prev_hash)
    return replace(r, hash=link_hash(prev_hash, r.canonical()))


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at_seq: int | None = None
    reason: str | None = None
    head_hash: str = GENESIS_HASH
    gaps: tuple[int, ...] = ()


def verify_chain(receipts: Iterable[Receipt], *, start_hash: str = GENESIS_HASH, start_seq: int = 1) -> ChainReport:
    """Walk receipts in sequence order; name the first broken link (a changed receipt, a wrong
    previous hash, or a missing sequence number)."""
    prev = start_hash
    expected_seq = start_seq
    n = 0
    for r in receipts:
        if r.seq != expected_seq:
            return ChainReport(False, n, r.seq, f"sequence {expected_seq} expected, found {r.seq}", prev,
                               tuple(range(expected_seq, r.seq)) if r.seq > expected_seq else ())
        if r.prev_hash != prev:
            return ChainReport(False, n, r.seq, "previous-hash link does not match", prev)
        if link_hash(prev, r.canonical()) != r.hash:
            return ChainReport(False, n, r.seq, "receipt content does not match its hash", prev)
        prev = r.hash
        expected_seq += 1
        n += 1
    return ChainReport(True, n, None, None, prev)
