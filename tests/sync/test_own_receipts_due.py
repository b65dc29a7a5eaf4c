"""The amount due with this counter's own receipts applied, against the real server: before the
receipt is sent it is taken off the cached balance here; once the server has it and the cache has
been pulled after that, the cache counts it and it is not taken off twice. A void likewise."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_app.services.collection import Payment, Session
from tests.conftest import CLERK, SUPERVISOR
from tests.sync.harness import LiveEnv


@pytest.fixture
def env(tmp_path: Path, sqlite_url: str) -> Iterator[LiveEnv]:
    e = LiveEnv(tmp_path, sqlite_url).start(consumers=300)
    yield e
    e.stop()


def test_a_receipt_counts_once_before_and_after_the_server_has_it(env: LiveEnv) -> None:
    k = env.counter("D01", pull=True, pull_interval_s=0)
    k.engine.drain()
    clerk = Session(CLERK[0], "Test Clerk", "clerk")
    acct = next(a for a in env.accounts if k.service.lookup(a).amount_due_paise > 1000_00)
    before = k.service.lookup(acct)
    r = k.service.issue_receipt(clerk, Payment(acct, 700_00))
    pending = k.service.lookup(acct)
    assert pending.consumer.balance_paise == before.consumer.balance_paise  # the cache has not moved
    assert pending.amount_due_paise == before.amount_due_paise - 700_00  # but the due has
    k.engine.drain()  # sent, answered, and the changes feed pulled after the answer
    k.engine.run_once(force=True)
    synced = k.service.lookup(acct)
    assert synced.consumer.balance_paise == before.consumer.balance_paise - 700_00  # the server's balance
    assert synced.unreflected_paise == 0 and synced.amount_due_paise == before.amount_due_paise - 700_00
    assert [p.receipt_no for p in synced.recent] == [r.receipt_no]
    # a void here: the due goes back at once, and stays right after the server has it too
    k.service.void_receipt(clerk, r.receipt_no, "wrong account keyed", *SUPERVISOR)
    assert k.service.lookup(acct).amount_due_paise == before.amount_due_paise
    k.engine.drain()
    k.engine.run_once(force=True)
    after = k.service.lookup(acct)
    assert after.consumer.balance_paise == before.consumer.balance_paise
    assert after.amount_due_paise == before.amount_due_paise
