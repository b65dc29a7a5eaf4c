"""Part-payment policies for tests: what a utility that sets no minimum would send, and a way to
give a counter a policy as if its server had sent it (the same storage call the sync makes)."""

from __future__ import annotations

from typing import Any

from counter_app.storage import part_payment as policy_store
from kesco_protocol.part_payment import Minimum, Policy

# A utility without a least part payment: any amount is taken without a supervisor.
NO_MINIMUM = Policy(Minimum(0, 0))


def give_counter_policy(service: Any, policy: Policy, at: str = "2026-12-01T10:00:00+05:30") -> None:
    """Store `policy` in the counter's settings as the sync does when the server's status has it."""
    with service.db.write() as conn:
        policy_store.remember(conn, policy.to_wire(), at)


def without_minimum(counter: Any) -> Any:
    """The counter holds NO_MINIMUM, as from a server that sets none: for a counter that a child
    process opens (a crash or kill test's worker), whose service holds the rule as the product's
    does, and which pays small amounts on demo accounts with large dues. Returns the counter."""
    give_counter_policy(counter.service, NO_MINIMUM)
    return counter
