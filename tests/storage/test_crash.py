"""Power-cut test: a child issues receipts in a loop and is killed with SIGKILL at random moments,
100 times. After every kill the store must be intact, hold every receipt the child reported
committed, have contiguous sequence numbers, a verifying chain, and an outbox row per receipt."""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

from counter_app.app import open_application
from counter_app.domain.chain import verify_chain
from counter_app.storage import receipts as receipts_repo
from tests.conftest import make_counter
from tests.support.part_payment import without_minimum

KILLS = int(os.environ.get("CRASH_KILLS", "100"))
CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[2]


def _run_and_kill(data_dir: Path, rng: random.Random, **extra_env: str) -> list[tuple[int, str]]:
    """Start the child, let it work for a random time, SIGKILL it; return what it reported."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), **extra_env)
    p = subprocess.Popen([sys.executable, str(CHILD), str(data_dir)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env, cwd=ROOT)
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    reported: list[tuple[int, str]] = []
    buf = b""
    ready = False
    deadline = None
    started = time.monotonic()
    while True:
        now = time.monotonic()
        if ready and deadline is not None and now >= deadline:
            break
        if now - started > 30:
            p.kill()
            raise AssertionError("child never became ready: " + p.stderr.read().decode())
        events = sel.select(timeout=0.005)
        if events:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                raise AssertionError("child exited: " + p.stderr.read().decode())
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                if line == b"ready":
                    ready = True
                    # kill at a random moment: sometimes at once, mostly mid-stream
                    deadline = time.monotonic() + rng.choice([0.0, rng.uniform(0.0, 0.05), rng.uniform(0.02, 0.4)])
                elif line.startswith(b"committed "):
                    _, seq, rid = line.decode().split()
                    reported.append((int(seq), rid))
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    # what the child wrote before dying still counts as reported
    rest = buf + p.stdout.read()
    for line in rest.split(b"\n"):
        if line.startswith(b"committed ") and len(line.split()) == 3:
            _, seq, rid = line.decode().split()
            reported.append((int(seq), rid))
    p.stdout.close()
    p.stderr.close()
    return reported


def _check_after_kill(data_dir: Path, all_reported: dict[str, int]) -> None:
    with open_application(data_dir) as c:
        assert c.store.db.quick_check() is None
        with c.store.db.read() as conn:
            receipts = list(receipts_repo.iter_receipts(conn))
            assert receipts_repo.outbox_missing(conn) == []
            assert receipts_repo.sequence_gaps(conn) == []
        stored = {r.receipt_id: r.seq for r in receipts}
        assert [r.seq for r in receipts] == list(range(1, len(receipts) + 1))
        assert verify_chain(receipts).ok
        missing = {rid for rid in all_reported if stored.get(rid) != all_reported[rid]}
        assert not missing, f"committed receipts lost after a kill: {sorted(missing)[:5]}"


def test_sigkill_never_loses_or_damages_a_committed_receipt(tmp_path):
    data_dir = tmp_path / "counter"
    without_minimum(make_counter(data_dir, consumers=200)).close()
    rng = random.Random(int(os.environ.get("CRASH_SEED", "20261129")))
    all_reported: dict[str, int] = {}
    kills_mid_stream = 0
    for _ in range(KILLS):
        reported = _run_and_kill(data_dir, rng)
        if reported:
            kills_mid_stream += 1
        all_reported.update({rid: seq for seq, rid in reported})
        _check_after_kill(data_dir, all_reported)
    assert len(all_reported) > KILLS  # the child really was issuing when killed
    assert kills_mid_stream > KILLS // 2


def test_negative_control_a_counter_that_reports_before_commit_is_caught(tmp_path):
    """The same check must fail for a child that says 'committed' before the commit."""
    data_dir = tmp_path / "counter"
    without_minimum(make_counter(data_dir, consumers=200)).close()
    rng = random.Random(7)
    all_reported: dict[str, int] = {}
    for _ in range(15):
        all_reported.update({rid: seq for seq, rid in
                             _run_and_kill(data_dir, rng, CRASH_REPORT_BEFORE_COMMIT="1")})
        try:
            _check_after_kill(data_dir, all_reported)
        except AssertionError as e:
            assert "lost after a kill" in str(e)
            return
    raise AssertionError("the crash check never noticed receipts reported before their commit")
