"""One PyInstaller build per test session, shared by every package test.

The build takes minutes on two cores, so it runs in CI (CI=true), when asked for (`-m package` or
KESCO_PACKAGE_TESTS=1), and is skipped otherwise. KESCO_DIST=<folder> reuses a folder that
packaging/build.py already made (the benchmark does the same)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _wanted(config: pytest.Config) -> bool:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return True
    if os.environ.get("KESCO_PACKAGE_TESTS", "") not in ("", "0"):
        return True
    return "package" in (config.getoption("-m") or "")


@pytest.fixture(scope="session")
def built_dist(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The onedir folder (…/counter-app) of a fresh build."""
    reuse = os.environ.get("KESCO_DIST")
    if reuse:
        yield Path(reuse)
        return
    if not _wanted(request.config):
        pytest.skip("builds the executable: runs in CI, or with -m package / KESCO_PACKAGE_TESTS=1")
    base = tmp_path_factory.mktemp("pyinstaller")
    t = time.perf_counter()
    r = subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--dist", str(base / "dist"),
                        "--work", str(base / "work")], capture_output=True, text=True, cwd=ROOT, timeout=1800)
    assert r.returncode == 0, f"the build failed:\n{r.stdout[-4000:]}\n{r.stderr[-8000:]}"
    print(f"\n{r.stdout.strip()}  [{time.perf_counter() - t:.0f} s]")
    yield base / "dist" / "counter-app"
