"""One counter process per data directory, and log files that work in the windowed build (no
stdout, no stderr): real subprocesses, as IT would meet them."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

from counter_app.app import open_application
from counter_app.ops import logs

SECOND = textwrap.dedent("""
    import sys
    from counter_app.app import open_application
    from counter_app.domain.errors import StorageError
    try:
        c = open_application(sys.argv[1])
    except StorageError as e:
        print(e.key); print(e.message("en")); print(e.message("hi"))
        raise SystemExit(3)
    c.close()
""")


def _second(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SECOND, str(data_dir)], capture_output=True, text=True,
                          timeout=120)


def test_second_instance_is_refused_with_a_clear_message(tmp_path):
    first = open_application(tmp_path)
    try:
        r = _second(tmp_path)
        assert r.returncode == 3, r.stdout + r.stderr
        key, en, hi = r.stdout.splitlines()[:3]
        assert key == "storage.locked_by_other"
        assert "Another copy of the counter software is already using" in en and str(tmp_path) in en
        assert "पहले उसे बंद करें" in hi
    finally:
        first.close()
    assert _second(tmp_path).returncode == 0  # negative control: free again once the first closes


def test_the_command_line_reports_the_second_instance(tmp_path):
    first = open_application(tmp_path)
    try:
        r = subprocess.run([sys.executable, "-m", "counter_app", "--data-dir", str(tmp_path), "verify"],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 1 and "Another copy" in r.stderr
    finally:
        first.close()


WINDOWED = textwrap.dedent("""
    import sys
    sys.frozen = True          # as in the PyInstaller build
    sys.stdout = None          # a windowed executable has neither
    sys.stderr = None
    from counter_app.cli import main
    rc = main(["--data-dir", sys.argv[1], "doctor", "--offline"])
    print("after main")        # still safe
    import threading
    t = threading.Thread(target=lambda: 1 / 0, name="worker"); t.start(); t.join()
    sys.stderr.write("stray stderr text\\n")
    raise SystemExit(7 if rc in (0, 1) else 9)
""")


def test_windowed_process_logs_to_the_data_directory(tmp_path):
    (tmp_path / "d").mkdir()
    r = subprocess.run([sys.executable, "-c", WINDOWED, str(tmp_path / "d")], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 7, r.stdout + r.stderr
    log = (tmp_path / "d" / "logs" / "counter.log").read_text(encoding="utf-8")
    assert "log started" in log
    assert "problems" in log  # the doctor's report went to the log, not to a missing console
    assert "ZeroDivisionError" in log and "uncaught exception in thread worker" in log
    assert "stray stderr text" in log


def test_negative_control_the_same_process_without_the_guard(tmp_path):
    """The script above minus main() (which installs the guard and the log): it crashes on the
    stray write and leaves no log, so the test above would notice a lost guard."""
    (tmp_path / "d").mkdir()
    code = WINDOWED.replace('rc = main(["--data-dir", sys.argv[1], "doctor", "--offline"])', "rc = 0")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "d")], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 1  # AttributeError: 'NoneType' object has no attribute 'write'
    assert not (tmp_path / "d" / "logs").exists()


def test_log_files_rotate(tmp_path, monkeypatch):
    monkeypatch.setattr(logs, "MAX_BYTES", 20_000)
    monkeypatch.setattr(logs, "BACKUP_COUNT", 3)
    try:
        path = logs.setup_logging(tmp_path, windowed=False)
        assert path == tmp_path / "logs" / "counter.log"
        log = logging.getLogger("counter_app.test")
        for i in range(2000):
            log.info("line %d %s", i, "x" * 40)
        files = sorted(p.name for p in (tmp_path / "logs").iterdir())
        assert files == ["counter.log", "counter.log.1", "counter.log.2", "counter.log.3"]
        assert all((tmp_path / "logs" / f).stat().st_size <= 20_500 for f in files)
        assert "line 1999" in path.read_text(encoding="utf-8")
        assert logs.setup_logging(tmp_path, windowed=False) == path  # idempotent: one handler
        assert sum(isinstance(h, logging.handlers.RotatingFileHandler) for h in logging.getLogger().handlers) == 1
    finally:
        logs.close_logging()


def test_unwritable_log_directory_never_stops_the_counter(tmp_path):
    (tmp_path / "logs").write_text("a file where the folder should be")
    try:
        assert logs.setup_logging(tmp_path, windowed=False) is None
    finally:
        logs.close_logging()


def test_smoke_test_from_source(tmp_path):
    """The same smoke test the packaged executable runs, from the source tree (no build needed)."""
    import json
    import os

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, "-m", "counter_app", "--smoke-test"], capture_output=True, text=True,
                       timeout=300, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    result = json.loads(r.stdout)
    assert result["ok"] and result["frozen"] is False
    assert result["steps"]["pdf"]["renderer"].startswith("counter_app.printing")
    assert not Path(result["data_dir"]).exists()  # the temporary data directory is cleaned up
