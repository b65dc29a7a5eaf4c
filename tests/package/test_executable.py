"""The built Linux onedir executable: its smoke test passes (offscreen Qt, a fresh database, the
real receipt PDF with Hindi fonts, the keyring backend reported), the IT commands work from it,
and the folder stays within its size budget."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging"))
from build import dir_size, executable  # noqa: E402

pytestmark = pytest.mark.package

MAX_DIST_MB = 150


def _run(exe: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    e = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    e.pop("COUNTER_APP_DATA_DIR", None)
    e.update(env or {})
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout, env=e,
                          cwd=exe.parent.parent)


def test_smoke_test_of_the_built_executable(built_dist: Path, capsys):
    exe = executable(built_dist.parent)
    t = time.perf_counter()
    r = _run(exe, "--smoke-test")
    elapsed = time.perf_counter() - t
    assert r.returncode == 0, r.stdout + r.stderr
    result = json.loads(r.stdout)
    size_mb = dir_size(built_dist) / 1e6
    with capsys.disabled():  # CI's log shows the dist size and the smoke time
        print(f"\nPACKAGE dist {built_dist}: {size_mb:.1f} MB; smoke test {elapsed:.2f} s; "
              f"keyring {result['keyring']['backend']}")
    assert result["ok"] and result["frozen"] is True
    assert result["steps"]["qt"]["platform"] == "offscreen"
    assert result["steps"]["pdf"]["renderer"].startswith("counter_app.printing")
    assert result["steps"]["imports"]["modules"] >= 50
    assert result["keyring"]["backend"]
    assert size_mb <= MAX_DIST_MB, f"the dist folder is {size_mb:.1f} MB (budget {MAX_DIST_MB} MB)"


def test_unused_qt_is_not_bundled(built_dist: Path):
    names = {p.name for p in built_dist.rglob("*")}
    for unwanted in ("QtQml.abi3.so", "QtQuick.abi3.so", "QtNetwork.abi3.so", "libQt6Quick.so.6",
                     "libQt6Qml.so.6", "libqgtk3.so", "libgtk-3.so.0", "QtWebEngineCore.abi3.so"):
        assert unwanted not in names, unwanted
    for wanted in ("QtWidgets.abi3.so", "QtPrintSupport.abi3.so", "libqoffscreen.so"):
        assert wanted in names, wanted
    assert not any(n.startswith(("central_server", "fastapi", "uvicorn", "pytest")) for n in names)


def test_it_commands_from_the_executable(built_dist: Path, tmp_path: Path):
    exe = executable(built_dist.parent)
    d = str(tmp_path / "counter")
    assert _run(exe, "--data-dir", d, "demo", "--headless", "--consumers", "300", timeout=300).returncode == 0
    r = _run(exe, "--data-dir", d, "backup", "--json")
    assert r.returncode == 0, r.stderr
    backup = json.loads(r.stdout)
    assert backup["receipts"] >= 3
    r = _run(exe, "--data-dir", d, "doctor", "--offline", "--json")
    report = json.loads(r.stdout)
    by_key = {f["key"]: f for f in report["findings"]}
    assert by_key["doctor.records_ok"]["status"] == "ok" and "doctor.db_ok" in by_key
    r = _run(exe, "--data-dir", d, "restore", backup["path"], "--dry-run")
    assert json.loads(r.stdout)["backup"]["receipts"] == backup["receipts"]
    assert (Path(d) / "logs" / "counter.log").exists()
