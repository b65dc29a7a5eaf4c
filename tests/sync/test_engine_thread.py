"""The engine as the window and `sync --forever` use it: a background thread, callbacks from that
thread on every change, sync_now(), stop(); and the real CLI in a subprocess going through
keyring.get_keyring() (a file backend chosen by PYTHON_KEYRING_BACKEND, never the OS keyring)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from counter_app.sync.state import Link, SyncState
from tests.support.live_server import register_counter
from tests.sync.harness import LiveEnv

ROOT = Path(__file__).resolve().parents[2]


def _wait(pred, timeout: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def test_background_engine_pushes_new_receipts_and_reports_from_its_thread(sqlite_env: LiveEnv) -> None:
    env = sqlite_env
    k = env.counter("T01", poll_s=0.2)
    seen: list[tuple[str, SyncState]] = []
    remove = k.engine.add_listener(lambda st: seen.append((threading.current_thread().name, st)))
    k.engine.start()
    try:
        assert _wait(lambda: k.engine.state().link is Link.ONLINE)
        k.issue(7)
        k.engine.refresh()
        assert _wait(lambda: k.engine.state().pending == 0 and k.engine.state().last_push_ok_at is not None)
        assert k.engine.state().running
        assert any(name == "sync-engine" for name, _ in seen)
        assert any(st.pending == 7 for _, st in seen)
        env.check_delivered(k)
        # the server goes away: offline, receipts keep queueing, nothing lost; back: delivered
        assert env.server is not None
        env.server.stop()
        k.issue(3)
        k.engine.sync_now()
        assert _wait(lambda: k.engine.state().link is Link.OFFLINE)
        st = k.engine.state()
        assert st.pending == 3 and st.next_attempt_at is not None and st.last_error is not None
        assert st.oldest_pending_age_s is not None and st.oldest_pending_age_s >= 0
    finally:
        k.engine.stop()
        remove()
    assert not k.engine.state().running
    n = len(seen)
    k.issue(1)
    k.engine.refresh()
    assert len(seen) == n  # removed listeners hear nothing


def test_cli_sync_forever_in_a_subprocess_with_the_keyring_from_the_environment(sqlite_env: LiveEnv,
                                                                              tmp_path: Path) -> None:
    env = sqlite_env
    assert env.server is not None
    penv = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHON_KEYRING_BACKEND": "tests.sync.file_keyring.FileKeyring",
            "KESCO_TEST_KEYRING": str(tmp_path / "keyring.json"), "COUNTER_APP_DATA_DIR": str(tmp_path / "c")}
    cli = [sys.executable, "-m", "counter_app"]
    code = register_counter(env.database_url, "T02")
    r = subprocess.run([*cli, "init", "--counter-code", "T02", "--server", env.server.url, "--enroll", code],
                       env=penv, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "T02@" in (tmp_path / "keyring.json").read_text()
    p = subprocess.Popen([*cli, "sync", "--forever", "--json"], env=penv, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        lines: list[dict] = []  # type: ignore[type-arg]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = p.stdout.readline() if p.stdout else ""
            if not line:
                break
            lines.append(json.loads(line))
            if lines[-1]["link"] == "online" and lines[-1]["snapshot"]["complete"]:
                break
        assert lines and lines[-1]["link"] == "online" and lines[-1]["snapshot"]["complete"], lines[-3:]
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(30)
    assert p.returncode == 0, p.stderr.read() if p.stderr else ""


def test_cli_without_a_usable_keyring_says_so(sqlite_env: LiveEnv, tmp_path: Path) -> None:
    env = sqlite_env
    assert env.server is not None
    penv = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "COUNTER_APP_DATA_DIR": str(tmp_path / "c")}
    code = register_counter(env.database_url, "T03")
    r = subprocess.run([sys.executable, "-m", "counter_app", "init", "--counter-code", "T03", "--server",
                        env.server.url, "--enroll", code], env=penv, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert "keyring" in r.stderr and "fail.Keyring" in r.stderr
