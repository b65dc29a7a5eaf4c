"""`counter-app demo`, the README's run command, on a machine without a display: server started,
counter enrolled, every screen walked through and saved, receipts synced, exit 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from counter_app.app import open_application
from counter_app.services.desk import outbox_summary


def run_cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # the demo must find out by itself that there is no display
    return subprocess.run([sys.executable, "-m", "counter_app", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def test_demo_without_a_display_saves_every_screen(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    r = run_cli("--data-dir", str(tmp_path / "demo"), "demo", "--consumers", "1500", "--screenshots", str(shots))
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"screenshots in {shots}" in r.stdout and "Central server at http://127.0.0.1:" in r.stdout
    pngs = sorted(shots.glob("*.png"))
    names = {p.stem for p in pngs}
    for screen in ("01-login", "04-consumer-card", "06-search", "07-cheque", "08-bad-amount",
                   "09-shift-receipts", "10-void-approval"):
        assert {f"{screen}-en", f"{screen}-hi"} <= names, screen
    assert "12-synced-hi" in names
    img = QImage(str(pngs[0]))
    assert (img.width(), img.height()) == (1280, 800)
    printed = list((tmp_path / "demo" / "counter" / "printed").glob("*.pdf"))
    assert len(printed) >= 6  # 2 receipts and a cancellation slip per language
    with open_application(tmp_path / "demo" / "counter") as c:
        assert c.service.verify()["ok"]
        assert outbox_summary(c.service).pending == 0  # everything reached the server


def test_headless_demo_still_works(tmp_path: Path) -> None:
    r = run_cli("--data-dir", str(tmp_path / "h"), "demo", "--headless", "--consumers", "500")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Verify: OK" in r.stdout
