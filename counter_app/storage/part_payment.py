"""The part-payment policy the counter applies, kept in its settings (the kv table) as the server
last sent it, with when it came. A counter that never got one applies the UP rule built into the
protocol (kesco_protocol.part_payment.UP_DEFAULT), and the doctor says so."""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from counter_app.storage.store import get_kv, set_kv
from kesco_protocol.part_payment import UP_DEFAULT, Policy, PolicyError

KEY = "part_payment_policy"
SERVER, BUILT_IN = "server", "built-in"

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StoredPolicy:
    policy: Policy
    source: str  # SERVER or BUILT_IN
    received_at: str | None = None


@functools.lru_cache(maxsize=8)
def parse(text: str | None) -> StoredPolicy:
    """The stored text as a policy; the built-in one when there is none (or it is unreadable).
    Cached by the text: the service reads the policy for every receipt (issue 15) and the parse
    (JSON and the policy id's SHA-256) was most of that read's cost; a new policy is a new text."""
    if text:
        try:
            d = json.loads(text)
            return StoredPolicy(Policy.from_wire(d["policy"]), SERVER, str(d.get("received_at") or "") or None)
        except (ValueError, KeyError, TypeError, PolicyError) as e:
            log.warning("stored part-payment policy unreadable, the built-in one applies: %s", e)
    return StoredPolicy(UP_DEFAULT, BUILT_IN)


def load(conn: Connection) -> StoredPolicy:
    return parse(get_kv(conn, KEY))


def remember(conn: Connection, wire: Any, at: str) -> bool:
    """Keep the policy the server sent (in the caller's transaction) when it is a valid one and
    not the one held already; a malformed one is logged and the old one stays. True if changed."""
    if wire is None:
        return False  # a server before policies existed: keep what we have
    try:
        policy = Policy.from_wire(wire)
    except PolicyError as e:
        log.warning("the server sent a part-payment policy that cannot be used; keeping the old one: %s", e)
        return False
    held = load(conn)
    if held.source == SERVER and held.policy.policy_id == policy.policy_id:
        return False
    set_kv(conn, KEY, json.dumps({"policy": policy.to_wire(), "received_at": at}, sort_keys=True))
    log.info("part-payment policy %s from the server applies now", policy.policy_id)
    return True
