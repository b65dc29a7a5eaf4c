"""Tamper evidence at the counter: seal each receipt into the chain (kesco_protocol.chain) and walk
the stored chain naming the first broken link."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kesco_protocol.chain import GENESIS_HASH, link_hash
from kesco_protocol.records import Receipt


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


def format_ranges(nums: list[int], limit: int | None = 20) -> str:
    """Sequence numbers as ranges for people: [3, 4, 5, 9] -> "3-5, 9" (at most `limit` ranges)."""
    if not nums:
        return ""
    out: list[str] = []
    start = prev = nums[0]
    for n in nums[1:]:
        if n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = n
    out.append(str(start) if start == prev else f"{start}-{prev}")
    if limit is not None and len(out) > limit:
        return ", ".join(out[:limit]) + " ..."
    return ", ".join(out)
