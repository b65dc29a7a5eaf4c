"""Secrets come from the environment or *_FILE files; `central-server serve` refuses to start
with a missing or default secret outside demo mode (a clear message, exit code 78)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from central_server import credentials
from central_server.cli import EX_CONFIG
from central_server.config import Settings

REPO = Path(__file__).resolve().parents[2]
STRONG = "q8V1c9Zr4mK2xT7pL0sN5wB3yH6jD2fA"  # 32 characters, not a default


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CENTRAL_", "PROMETHEUS_"))}
    return {**env, "PYTHONPATH": str(REPO), **extra}


def serve(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`serve` on a port this test holds already: a start that passes the checks fails to bind
    and exits at once (no server is left running)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = str(held.getsockname()[1])
        return subprocess.run([sys.executable, "-m", "central_server", "serve", "--port", port, *args],
                              env=_env(**env), cwd=REPO, capture_output=True, text=True, timeout=60)


def test_secret_from_a_file_and_not_both(tmp_path: Path) -> None:
    f = tmp_path / "session_key"
    f.write_text(STRONG + "\n")
    assert credentials.read_secret("CENTRAL_SESSION_KEY", {"CENTRAL_SESSION_KEY_FILE": str(f)}) == STRONG
    with pytest.raises(credentials.SecretError, match="both"):
        credentials.read_secret("CENTRAL_SESSION_KEY", {"CENTRAL_SESSION_KEY": "x", "CENTRAL_SESSION_KEY_FILE": str(f)})
    with pytest.raises(credentials.SecretError, match="cannot read"):
        credentials.read_secret("CENTRAL_SESSION_KEY", {"CENTRAL_SESSION_KEY_FILE": str(tmp_path / "none")})


def test_database_password_is_put_into_the_url(tmp_path: Path) -> None:
    f = tmp_path / "dbpass"
    f.write_text("s3cret-Pa55word-long\n")
    url = credentials.database_url({"CENTRAL_DATABASE_URL": "postgresql+psycopg://kesco@db.internal/kesco",
                                    "CENTRAL_DATABASE_PASSWORD_FILE": str(f)})
    assert url == "postgresql+psycopg://kesco:s3cret-Pa55word-long@db.internal/kesco"


def test_check_names_every_problem() -> None:
    bad = credentials.check_for_serving("postgresql+psycopg://kesco:postgres@db.internal/kesco", "change-me",
                                        {"upi": "short"})
    text = "\n".join(bad.problems)
    assert len(bad.problems) == 3, text
    assert "session key" in text and "database password" in text and "'upi'" in text
    ok = credentials.check_for_serving("postgresql+psycopg://kesco:Kx9-long-enough-pass@db.internal/kesco",
                                       STRONG, {"upi": STRONG})
    assert ok.ok, ok.problems
    # a unix socket (peer authentication) needs no password
    assert credentials.check_for_serving("postgresql+psycopg://kesco@/kesco?host=/run/postgresql", STRONG, {}).ok


def test_serve_refuses_without_secrets_outside_demo_mode(tmp_path: Path) -> None:
    done = serve("--database-url", f"sqlite:///{tmp_path / 'c.sqlite3'}")
    assert done.returncode == EX_CONFIG, done.stderr
    assert "refusing to serve outside demo mode" in done.stderr
    assert "session key" in done.stderr and "SQLite" in done.stderr
    assert not (tmp_path / "c.sqlite3").exists()  # nothing was created or migrated


def test_serve_refuses_a_default_session_key_and_an_unreadable_file(tmp_path: Path) -> None:
    url = "postgresql+psycopg://kesco@/kesco?host=/nonexistent"
    done = serve("--database-url", url, CENTRAL_SESSION_KEY="change-me")
    assert done.returncode == EX_CONFIG and "is a default value" in done.stderr, done.stderr
    done = serve("--database-url", url, CENTRAL_SESSION_KEY_FILE=str(tmp_path / "missing"))
    assert done.returncode == EX_CONFIG and "cannot read it" in done.stderr, done.stderr


def test_demo_mode_needs_no_secret(tmp_path: Path) -> None:
    # negative control of the refusals above: the same start in demo mode gets past the check
    # (and then fails on the port it may not bind, which is not a configuration error)
    done = serve("--database-url", f"sqlite:///{tmp_path / 'c.sqlite3'}", CENTRAL_DEMO="1")
    assert done.returncode != EX_CONFIG, done.stderr
    assert "refusing" not in done.stderr
    assert (tmp_path / "c.sqlite3").exists()


def test_settings_read_the_session_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "k"
    f.write_text(STRONG)
    monkeypatch.setenv("CENTRAL_SESSION_KEY_FILE", str(f))
    assert Settings().session_key == STRONG
