"""Deterministic simulation (tests/sync/sim.py): at least 500 seeds in the normal run, each a
random interleaving of receipts, sync cycles under injected faults, counter crashes (including
the kill between the server's commit and the local mark), server restarts, a restore from an
older backup and month-end close/open. Invariants after every step; at the end everything is
delivered exactly once within a bounded number of clean cycles.

More seeds: KESCO_SIM_SEEDS=5000. One seed: KESCO_SIM_SEED=123 ... -k replay."""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import replace
from typing import Any

import pytest

from counter_app.domain.chain import seal
from counter_app.storage import outbox
from counter_app.sync.client import PushAnswer, ServerClient
from kesco_protocol.records import Receipt
from tests.sync.invariants import InvariantError
from tests.sync.sim import Templates, make_templates, run_seed, seed_list, summary

SHARDS = 10
SEEDS = seed_list(500, os.environ.get("KESCO_SIM_SEEDS"))


@pytest.fixture(scope="module")
def templates() -> Templates:
    return make_templates()


@pytest.mark.parametrize("shard", range(SHARDS))
def test_simulation_seeds(templates: Templates, shard: int) -> None:
    seeds = SEEDS[shard::SHARDS]
    t0 = time.perf_counter()
    receipts = requests = 0
    for seed in seeds:
        w = run_seed(seed, templates)
        s = summary(w)
        receipts += s["receipts"]
        requests += s["requests"]
        w.close()
    print(f"shard {shard}: {len(seeds)} seeds, {receipts} receipts, {requests} requests "
          f"in {time.perf_counter() - t0:.1f} s")
    assert receipts > 0


def test_replay_one_seed(templates: Templates) -> None:
    seed = int(os.environ.get("KESCO_SIM_SEED", "1"))
    w = run_seed(seed, templates)
    print("\n".join(w.log))
    w.close()


# --- negative controls: the same checks must catch a client that duplicates or loses -------------

class FreshIdOnResend(ServerClient):
    """Odoo's bug: a receipt whose first send went unanswered is re-sent as a new receipt (fresh id,
    re-sealed), so the server may hold it twice."""

    fired = 0  # re-sends made under a fresh id, over all instances

    def push(self, records: list[dict[str, Any]]) -> PushAnswer:
        sent = self.__dict__.setdefault("sent", set())
        out = []
        for r in records:
            if r["kind"] == "receipt" and r["record_id"] in sent:
                FreshIdOnResend.fired += 1
                body = dict(r["payload"])
                body["receipt_id"] = str(uuid.uuid4())
                fresh = seal(replace(Receipt.from_wire(body)), body["prev_hash"]).wire()
                r = {"kind": "receipt", "record_id": fresh["receipt_id"], "payload": fresh}
            out.append(r)
            sent.add(r["record_id"])
        return super().push(out)


def _optimistic(engine: Any) -> None:
    """A pusher that marks a batch synced as soon as it is sent, before any answer, and never
    compares with the server's status (which would otherwise re-queue the receipts it lost)."""
    pusher = engine.pusher
    original = pusher.client.push

    def push(records: list[dict[str, Any]]) -> PushAnswer:
        with pusher.store.db.write() as conn:
            outbox.mark_results(conn, [{"record_id": r["record_id"], "status": "accepted"} for r in records],
                                {r["record_id"] for r in records}, "now")
        return PushAnswer(original(records).results, {})

    pusher.client.push = push
    engine._apply_status = lambda status: None


def test_negative_control_fresh_id_on_resend_is_caught_every_time(templates: Templates) -> None:
    fired_seeds, caught = [], []
    for seed in range(1, 41):
        before = FreshIdOnResend.fired
        try:
            run_seed(seed, templates, client_cls=FreshIdOnResend).close()
        except (InvariantError, AssertionError) as e:
            caught.append(seed)
            assert "never issued" in str(e) or "alarms" in str(e) or "differs" in str(e), str(e)[:300]
        if FreshIdOnResend.fired > before:
            fired_seeds.append(seed)
    print(f"bug fired in seeds {fired_seeds}; caught in {caught}")
    assert len(fired_seeds) >= 3
    assert caught == fired_seeds


def test_negative_control_marking_before_the_answer_loses_receipts_and_is_caught(templates: Templates) -> None:
    caught = []
    for seed in range(1, 41):
        try:
            run_seed(seed, templates, engine_hook=_optimistic).close()
        except (InvariantError, AssertionError) as e:
            caught.append(seed)
            assert "lacks" in str(e) or "server has" in str(e), str(e)[:300]
    print(f"caught in seeds {caught}")
    assert len(caught) >= 3
