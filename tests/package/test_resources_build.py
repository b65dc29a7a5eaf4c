"""The generated Qt resource module: not committed, rebuilt by ./dev and the package build when a
font, icon or translation is newer than it. Runs in every suite (no PyInstaller build needed)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from counter_app.resources import build

ROOT = Path(__file__).resolve().parents[2]
REL = "counter_app/resources/rc_counter.py"


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


def test_the_generated_module_is_not_committed_but_built():
    if shutil.which("git") is None or _git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout")
    assert _git("ls-files", REL).stdout.strip() == ""
    assert _git("check-ignore", "-q", REL).returncode == 0  # gitignored, so it is never added back
    assert _git("ls-files", "counter_app/resources/counter.qrc").stdout.strip()  # control: sources are
    assert (ROOT / REL).exists()  # importing counter_app.resources built it if nothing else had


def test_the_module_is_stale_when_a_source_is_newer(tmp_path: Path):
    (tmp_path / "fonts").mkdir()
    font = tmp_path / "fonts" / "a.txt"
    font.write_text("one", encoding="utf-8")
    qrc = tmp_path / "t.qrc"
    qrc.write_text('<RCC><qresource prefix="/t"><file>fonts/a.txt</file></qresource></RCC>', encoding="utf-8")
    out = tmp_path / "rc_t.py"
    assert build.qrc_files(qrc) == [font]
    assert build.module_stale(qrc, out)  # missing
    build.rcc(qrc, out)
    assert not build.module_stale(qrc, out)  # negative control: just built
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []
    later = out.stat().st_mtime + 10
    os.utime(font, (later, later))
    assert build.module_stale(qrc, out)
