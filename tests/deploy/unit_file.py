"""The shipped systemd unit and environment file, read the way systemd reads them, so that the
deployment tests start the server exactly as the unit would (paths and ports rewritten only)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.live_server import free_port

REPO = Path(__file__).resolve().parents[2]

DEPLOY = REPO / "deploy"
UNIT = DEPLOY / "systemd" / "kesco-central.service"
ENV_EXAMPLE = DEPLOY / "systemd" / "kesco-central.env.example"
INSTALLED_BIN = "/opt/kesco/venv/bin/central-server"


def unit_values(key: str) -> list[str]:
    return [line.split("=", 1)[1].strip() for line in UNIT.read_text(encoding="utf-8").splitlines()
            if line.startswith(f"{key}=")]


def env_file(path: Path = ENV_EXAMPLE) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            k, _, v = line.partition("=")
            out[k.strip()] = v.strip()
    return out


def exec_start(env: dict[str, str], port: int) -> list[str]:
    """ExecStart with ${VAR} from `env`, the installed binary replaced by this checkout's, and the
    port the test chose."""
    cmd = unit_values("ExecStart")[0]
    for k, v in env.items():
        cmd = cmd.replace("${" + k + "}", v)
    argv = shlex.split(cmd)
    assert argv[0] == INSTALLED_BIN, argv
    argv = [sys.executable, "-m", "central_server", *argv[1:]]
    return [str(port) if prev == "--port" else a for prev, a in zip(["", *argv], argv, strict=False)]


class UnitServer:
    """The server started as the unit starts it: the example environment file (database URL
    replaced), the session key as a credential file, ExecStartPre (migrate) then ExecStart with
    the file's CENTRAL_WORKERS (two), not in demo mode."""

    def __init__(self, database_url: str, root: Path, *, session_key: str = "k" * 8 + "Q7vX2mN9pL4sR8tY1wZ5bC3d",
                 metrics_allow: str = "127.0.0.1,::1") -> None:
        self.database_url = database_url
        self.root = root
        self.session_key = session_key
        self.metrics_allow = metrics_allow
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        creds = self.root / "credentials"
        creds.mkdir(parents=True, exist_ok=True)
        (creds / "session_key").write_text(self.session_key + "\n")
        base = {k: v for k, v in os.environ.items() if not k.startswith(("CENTRAL_", "PROMETHEUS_"))}
        return {**base, **env_file(), "PYTHONPATH": str(REPO), "CENTRAL_DATABASE_URL": self.database_url,
                "CENTRAL_SESSION_KEY_FILE": str(creds / "session_key"), "CENTRAL_METRICS_ALLOW": self.metrics_allow,
                "PROMETHEUS_MULTIPROC_DIR": str(self.root / "metrics")}

    def start(self) -> UnitServer:
        env = self.env()
        pre = shlex.split(unit_values("ExecStartPre")[0])
        assert pre[0] == INSTALLED_BIN
        subprocess.run([sys.executable, "-m", "central_server", *pre[1:]], env=env, cwd=REPO, check=True,
                       capture_output=True, timeout=120)
        self.port = free_port()
        self.proc = subprocess.Popen(exec_start(env, self.port), env=env, cwd=REPO)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/api/v1/ready", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the server was not ready within 60 s")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def __enter__(self) -> UnitServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
