"""The part-payment policy in the server's configuration (issue 15): a TOML file named by
CENTRAL_PART_PAYMENT_POLICY_FILE, the UP rule when none is named, sent in every counter status
(GET status and each records answer). A bad file stops `central-server serve` at start with a
clear error (exit 78) instead of serving a rule nobody meant."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from central_server.app import create_app
from central_server.config import Settings
from kesco_protocol.part_payment import UP_DEFAULT, Minimum, Policy
from tests.server.util import API, enrolled, post
from tests.support.live_server import REPO, free_port
from tests.support.receipts import ReceiptChain, wires

GOOD = """# Kanpur: domestic 15 % or Rs 300, commercial 30 % or Rs 2,000, others 25 % or Rs 1,000
[default]
share_percent = 25
minimum_paise = 100000

[category.DOM]
share_bp = 1500
minimum_paise = 30000

[category.COM]
share_percent = 30
minimum_paise = 200000
"""
GOOD_POLICY = Policy(Minimum(2500, 1000_00), {"DOM": Minimum(1500, 300_00), "COM": Minimum(3000, 2000_00)})


def test_the_status_carries_the_up_rule_when_no_policy_is_configured(client, engine, accounts) -> None:
    h = enrolled(client, engine, "K01")
    status = client.get(f"{API}/counters/K01/status", headers=h).json()
    assert status["part_payment_policy"] == UP_DEFAULT.to_wire()
    answer = post(client, "K01", h, wires(ReceiptChain("K01", accounts).take(1)))
    assert answer["status"]["part_payment_policy"] == UP_DEFAULT.to_wire()


def test_the_configured_policy_is_what_the_counters_get(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    path = tmp_path / "policy.toml"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("CENTRAL_PART_PAYMENT_POLICY_FILE", str(path))
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'c.sqlite3'}"))
    try:
        with TestClient(app) as client:
            h = enrolled(client, app.state.engine, "K02")
            got = client.get(f"{API}/counters/K02/status", headers=h).json()["part_payment_policy"]
    finally:
        app.state.engine.dispose()
    assert got == GOOD_POLICY.to_wire() and Policy.from_wire(got) == GOOD_POLICY
    assert got["categories"]["DOM"] == {"share_bp": 1500, "minimum_paise": 30000}


def _serve(tmp_path: Path, policy: Path, timeout: float = 40) -> subprocess.CompletedProcess[str] | None:
    """`central-server serve --demo` with the policy file; None if it was still serving at the
    timeout (it started: killed)."""
    cmd = [sys.executable, "-m", "central_server", "serve", "--demo", "--port", str(free_port()),
           "--database-url", f"sqlite:///{tmp_path / 'serve.sqlite3'}"]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "CENTRAL_PART_PAYMENT_POLICY_FILE": str(policy)}
    proc = subprocess.Popen(cmd, cwd=str(REPO), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.terminate()
        proc.communicate(timeout=30)
        return None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


@pytest.mark.parametrize(("text", "says"), [
    ("[default]\nshare_percent = 25\n", "default: minimum_paise is missing"),
    ("[default]\nshare_percent = 250\nminimum_paise = 0\n", "share_percent must be between 0 and 100"),
    (GOOD.replace("[category.COM]", "[category.COMMERCIAL]"), "category 'COMMERCIAL': not a consumer category"),
    (GOOD.replace("minimum_paise = 30000", "minimum_paise = 300.00"), "must be a whole number"),
    ("[default\n", "not TOML"),
], ids=["no-minimum", "share-too-big", "unknown-category", "rupees-not-paise", "not-toml"])
def test_a_bad_policy_stops_the_server_at_start_with_a_clear_error(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    done = _serve(tmp_path, path)
    assert done is not None, "the server started with a bad part-payment policy"
    assert done.returncode == 78, done.stderr[-2000:]
    assert "error: part-payment policy" in done.stderr and str(path) in done.stderr and says in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_policy_file_is_refused_too_and_a_good_one_serves(tmp_path: Path) -> None:
    """Negative control: the same command with a good file keeps serving (killed at the timeout)."""
    done = _serve(tmp_path, tmp_path / "nowhere.toml")
    assert done is not None and done.returncode == 78 and "cannot be read" in done.stderr
    good = tmp_path / "good.toml"
    good.write_text(GOOD, encoding="utf-8")
    assert _serve(tmp_path, good, timeout=8) is None
