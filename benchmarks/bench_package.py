"""Packaged executable: size of the onedir folder and wall time of its --smoke-test. Prints one
JSON object.

Builds with packaging/build.py into a temporary folder (a few minutes on two cores), unless
BENCH_DIST=<.../counter-app> names a folder already built. BENCH_SMOKE_RUNS (3) smoke runs after
one warm-up; exe_smoke_s is their median, exe_smoke_cold_s the first run after the build.
Targets: dist_size_mb <= 150 (10^6 bytes), exe_smoke_s <= 3."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "packaging"))

from build import build, dir_size, executable  # noqa: E402

from benchmarks._common import emit, median  # noqa: E402

RUNS = int(os.environ.get("BENCH_SMOKE_RUNS", 3))


def smoke_once(exe: Path) -> tuple[float, dict]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("COUNTER_APP_DATA_DIR", None)
    t = time.perf_counter()
    r = subprocess.run([str(exe), "--smoke-test"], capture_output=True, text=True, env=env, timeout=300)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"smoke test failed (exit {r.returncode}):\n{r.stdout}\n{r.stderr}")
    return elapsed, json.loads(r.stdout)


def main() -> None:
    build_s = None
    given = os.environ.get("BENCH_DIST")
    with tempfile.TemporaryDirectory(prefix="bench-package-") as tmp:
        if given:
            folder = Path(given)
        else:
            t = time.perf_counter()
            folder = build(Path(tmp) / "dist", Path(tmp) / "work")
            build_s = time.perf_counter() - t
        exe = executable(folder.parent)
        cold, first = smoke_once(exe)
        runs = [smoke_once(exe)[0] for _ in range(RUNS)]
        size = dir_size(folder)
        emit({
            "dist_size_mb": size / 1e6,
            "dist_files": sum(1 for p in folder.rglob("*") if p.is_file()),
            "exe_smoke_s": median(runs),
            "exe_smoke_max_s": max(runs),
            "exe_smoke_cold_s": cold,
            "smoke_inner_s": first["elapsed_s"],
            "build_s": build_s,
            "keyring_backend": first["keyring"]["backend"],
            "target_dist_size_mb": 150,
            "target_exe_smoke_s": 3,
            "load_avg_1m": os.getloadavg()[0],
        })


if __name__ == "__main__":
    main()
