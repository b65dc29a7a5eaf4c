"""The real counter process killed (SIGKILL) while it pushes, again and again, with the proxy
dribbling each answer so that many kills land after the server committed and before the counter
heard. After every kill nothing is duplicated or lost; at the end everything arrives exactly once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from counter_app.app import open_application
from counter_app.config import Config
from counter_app.sync.installation import copy_secret
from counter_app.sync.keyring_store import KeyringTokenStore
from tests.fault.proxy import FaultProxy
from tests.sync.file_keyring import FileKeyring
from tests.sync.harness import LiveEnv
from tests.sync.invariants import LocalView, ServerView, check_delivered, check_safe

ROOT = Path(__file__).resolve().parents[2]


def test_sigkill_during_push_loses_and_duplicates_nothing(env: LiveEnv, proxy: FaultProxy, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    k = env.counter("KILL1", via=proxy.url)
    k.issue(1500)
    data_dir = k.counter.data_dir
    token = env.tokens.get(proxy.url, "KILL1") or ""
    signer = k.service.signer  # the key made at enrolment: the clerk's receipts are signed with it
    clock = k.service.clock  # the same clock goes on after each restart (never back behind the receipts)
    k.close()
    cfg = Config.load(data_dir)
    cfg.server_url = proxy.url  # the subprocess goes through the proxy too
    cfg.save(data_dir)
    keyring_file = tmp_path / "keyring.json"
    monkeypatch.setenv("KESCO_TEST_KEYRING", str(keyring_file))
    KeyringTokenStore(FileKeyring()).set(proxy.url, "KILL1", token)
    copy_secret(env.tokens, KeyringTokenStore(FileKeyring()), "KILL1")  # the same PC's token store
    penv = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHON_KEYRING_BACKEND": "tests.sync.file_keyring.FileKeyring",
            "KESCO_TEST_KEYRING": str(keyring_file)}
    proxy.mode = "slow"  # each answer takes ~0.4 s to arrive after the server committed
    rng = random.Random(7)
    kills_after_commit = 0
    for _ in range(8):
        c = open_application(data_dir, clock=clock)
        c.service.signer = signer
        k.counter = c
        k.issue(600)  # the clerk keeps collecting between crashes
        c.close()
        p = subprocess.Popen([sys.executable, "-m", "counter_app", "--data-dir", str(data_dir), "sync", "--forever"],
                             env=penv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.5, 3.0))
        p.send_signal(signal.SIGKILL)
        p.wait(10)
        c = open_application(data_dir, lock=False)
        try:
            local, server = LocalView.read(c), ServerView.read(env.server_engine, "KILL1")
        finally:
            c.close()
        check_safe(local, server)
        if server.seqs - local.seqs("synced", "parked"):
            kills_after_commit += 1  # the server has receipts the counter has not marked yet
    assert kills_after_commit >= 1  # the window this test is about was hit (usually 3-6 times)
    proxy.mode = "pass"
    r = subprocess.run([sys.executable, "-m", "counter_app", "--data-dir", str(data_dir), "sync", "--once",
                        "--no-pull"], env=penv, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    c = open_application(data_dir)
    try:
        check_delivered(LocalView.read(c), ServerView.read(env.server_engine, "KILL1"))
    finally:
        c.close()
