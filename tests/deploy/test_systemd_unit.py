"""The shipped systemd unit passes `systemd-analyze verify` (with no warning) once its paths
point at this checkout; a misspelt key is caught (the negative control)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.deploy.conftest import binary_or_skip
from tests.deploy.unit_file import ENV_EXAMPLE, INSTALLED_BIN, UNIT, env_file, unit_values

REPO = Path(__file__).resolve().parents[2]


def _localised(tmp_path: Path, text: str) -> Path:
    (tmp_path / "credentials").mkdir(exist_ok=True)
    (tmp_path / "kesco-central.env").write_text(ENV_EXAMPLE.read_text(encoding="utf-8"))
    text = (text.replace(INSTALLED_BIN, str(REPO / ".venv" / "bin" / "central-server"))
            .replace("/etc/kesco/kesco-central.env", str(tmp_path / "kesco-central.env"))
            .replace("/etc/kesco/credentials/", str(tmp_path / "credentials") + "/"))
    unit = tmp_path / "kesco-central.service"
    unit.write_text(text, encoding="utf-8")
    return unit


def verify(unit: Path, tool: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool, "verify", str(unit)], capture_output=True, text=True, timeout=60)


def test_unit_verifies_cleanly(tmp_path: Path) -> None:
    tool = binary_or_skip("systemd-analyze", "systemd")
    done = verify(_localised(tmp_path, UNIT.read_text(encoding="utf-8")), tool)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_backup_service_and_timer_verify(tmp_path: Path) -> None:
    tool = binary_or_skip("systemd-analyze", "systemd")
    sd = UNIT.parent
    text = (sd / "kesco-backup.service").read_text(encoding="utf-8").replace(
        "/opt/kesco/deploy/backup/kesco-backup.sh", str(REPO / "deploy" / "backup" / "kesco-backup.sh"))
    service = _localised(tmp_path, text)
    service = service.rename(tmp_path / "kesco-backup.service")
    (tmp_path / "kesco-backup.timer").write_text((sd / "kesco-backup.timer").read_text(encoding="utf-8"))
    done = subprocess.run([tool, "verify", str(service), str(tmp_path / "kesco-backup.timer")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_a_misspelt_key_is_caught(tmp_path: Path) -> None:
    tool = binary_or_skip("systemd-analyze", "systemd")
    text = UNIT.read_text(encoding="utf-8").replace("RestartPreventExitStatus=", "RestartPreventExitStatuss=")
    done = verify(_localised(tmp_path, text), tool)
    assert "Unknown key" in done.stderr


def test_unit_and_env_file_agree() -> None:
    env = env_file()
    assert "${CENTRAL_WORKERS}" in unit_values("ExecStart")[0] and int(env["CENTRAL_WORKERS"]) >= 2
    assert unit_values("RestartPreventExitStatus") == ["78"]  # a secrets refusal is not retried
    # no secret in the environment file: they come in as credential files
    assert not any(k.endswith(("PASSWORD", "SESSION_KEY", "GATEWAY_KEYS")) for k in env)
    assert "CENTRAL_SESSION_KEY_FILE=%d/session_key" in unit_values("Environment")
