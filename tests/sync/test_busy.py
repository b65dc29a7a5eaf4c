"""A real counter against a real server whose only push slot is held (central_server/push_gate.py):
the busy answer is read as "come back after Retry-After" (counter_app/sync/errors.Busy), not as
closing and not as an error for the clerk: the link stays online, no error is shown, nothing is
noted against the records, and the next attempt is at the server's Retry-After. Once the slot
frees, everything arrives exactly once. Control: with the slot free, the first cycle delivers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from counter_app.sync.state import Link
from tests.server.test_push_admission import HeldPush, batch, wait_held
from tests.support.live_server import enroll, register_counter
from tests.sync.harness import LiveEnv


@pytest.fixture
def env(tmp_path: Path) -> Iterator[LiveEnv]:
    e = LiveEnv(tmp_path, f"sqlite:///{tmp_path / 'central.sqlite3'}").start(
        consumers=200, server_settings={"max_concurrent_pushes": 1, "push_wait_s": 0.05,
                                        "body_idle_timeout_s": 30.0})
    yield e
    e.stop()


@pytest.mark.parametrize("held", [True, False], ids=["slot-held", "control-slot-free"])
def test_a_busy_server_is_retried_after_retry_after_without_an_error_for_the_clerk(env: LiveEnv,
                                                                                   held: bool) -> None:
    assert env.server is not None
    k = env.counter("K21")
    k.issue(5)
    holder = None
    if held:
        token = enroll(env.server.api, "H21", register_counter(env.database_url, "H21"))
        holder = HeldPush(env.server.port, "H21", token, batch("H21", 50))
        wait_held(env.server)

    st = k.engine.run_once()
    if held:
        assert st.pending == 5  # kept, to be sent again
        assert st.link == Link.ONLINE and st.last_error is None  # nothing for the clerk to worry about
        assert st.next_attempt_at is not None
        wait_s = k.engine._next_due - k.engine.monotonic()  # the test's counter clock runs fast
        # the server's appointment, kept to the millisecond (one waiting counter: within one hold
        # of the slot, not Retry-After's whole second)
        assert 0.0 < wait_s <= 30 + 0.05
        with k.counter.store.db.read() as conn:
            notes = conn.execute(text("SELECT count(*) FROM outbox WHERE last_error IS NOT NULL")).scalar_one()
        assert notes == 0  # a full server is not the records' fault
        assert holder is not None and holder.finish()[0] == 200
        st = k.engine.drain()  # waits out the Retry-After, then delivers
    assert st.pending == 0 and st.link == Link.ONLINE and st.last_error is None
    env.check_delivered(k)
