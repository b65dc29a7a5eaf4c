"""The hash chain both sides check: each receipt's hash is SHA-256(previous hash + its canonical
text), starting from GENESIS_HASH. Sealing and walking a whole chain is the counter's
(counter_app.domain.chain); the server re-computes single links with link_hash."""

from __future__ import annotations

import hashlib

#: The previous hash of a counter's first receipt.
GENESIS_HASH = "0" * 64


def link_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()
