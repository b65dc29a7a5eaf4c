"""Build the counter application into one folder with PyInstaller: `python packaging/build.py`.

    python packaging/build.py                 # -> dist/counter-app/ (prints its size)
    python packaging/build.py --smoke         # ... and run the built executable's --smoke-test
    python packaging/build.py --sync-version  # write the package version into packaging/windows/*

The build runs PyInstaller (pinned in requirements/dev.txt) on packaging/counter-app.spec in a
separate process. On Windows the same command builds counter-app.exe and counter-cli.exe; then
Inno Setup turns the folder into an installer (docs/INSTALL.md)."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "counter-app.spec"
NAME = "counter-app"
ISS = ROOT / "packaging" / "windows" / "counter-app.iss"
VERSION_INFO = ROOT / "packaging" / "windows" / "version_info.txt"


def package_version() -> str:
    import tomllib

    with open(ROOT / "pyproject.toml", "rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


def version_tuple(v: str) -> tuple[int, int, int, int]:
    nums = [int(x) for x in re.findall(r"\d+", v)[:4]]
    return tuple((nums + [0, 0, 0, 0])[:4])  # type: ignore[return-value]


def sync_version(v: str) -> list[Path]:
    """Put the package version into the Windows version resource and the installer script."""
    t = version_tuple(v)
    changed = []
    text = VERSION_INFO.read_text(encoding="utf-8")
    new = re.sub(r"filevers=\([^)]*\)", f"filevers={t}", text)
    new = re.sub(r"prodvers=\([^)]*\)", f"prodvers={t}", new)
    new = re.sub(r"StringStruct\('(FileVersion|ProductVersion)', '[^']*'\)", lambda m: f"StringStruct('{m[1]}', '{v}')", new)
    if new != text:
        VERSION_INFO.write_text(new, encoding="utf-8")
        changed.append(VERSION_INFO)
    text = ISS.read_text(encoding="utf-8")
    new = re.sub(r'(#define AppVersion ")[^"]*(")', lambda m: f"{m[1]}{v}{m[2]}", text)
    if new != text:
        ISS.write_text(new, encoding="utf-8")
        changed.append(ISS)
    return changed


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def executable(dist: Path) -> Path:
    exe = dist / NAME / (NAME + (".exe" if sys.platform == "win32" else ""))
    cli = dist / NAME / "counter-cli.exe"
    return cli if cli.exists() else exe


def build(dist: Path, work: Path, *, clean: bool = False, quiet: bool = True) -> Path:
    if clean:
        shutil.rmtree(work, ignore_errors=True)
    cmd = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--distpath", str(dist),
           "--workpath", str(work), "--log-level", "WARN" if quiet else "INFO"]
    env = dict(os.environ, PYTHONHASHSEED="0")  # reproducible bytecode ordering
    # The Qt resource module is generated, not committed: PyInstaller must find it current.
    subprocess.run([sys.executable, "-m", "counter_app.resources.build", "--module"], check=True, cwd=ROOT)
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)
    return dist / NAME


def smoke(dist: Path, timeout: float = 120) -> tuple[dict[str, object], float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    t = time.perf_counter()
    r = subprocess.run([str(executable(dist)), "--smoke-test"], capture_output=True, text=True, env=env,
                       timeout=timeout)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"smoke test failed (exit {r.returncode}):\n{r.stdout}\n{r.stderr}")
    return json.loads(r.stdout), elapsed


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dist", default=str(ROOT / "dist"))
    p.add_argument("--work", default=str(ROOT / "build" / "pyinstaller"))
    p.add_argument("--clean", action="store_true", help="start from an empty work folder")
    p.add_argument("--smoke", action="store_true", help="run the built executable's --smoke-test")
    p.add_argument("--sync-version", action="store_true", help="only update packaging/windows/* to the version")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args(argv)
    v = package_version()
    if args.sync_version:
        for f in sync_version(v):
            print(f"updated {f.relative_to(ROOT)} to {v}")
        return 0
    t = time.perf_counter()
    out = build(Path(args.dist), Path(args.work), clean=args.clean, quiet=not args.verbose)
    size = dir_size(out)
    print(f"built {out} ({v}) in {time.perf_counter() - t:.0f} s: {size / 1e6:.1f} MB")
    if args.smoke:
        result, elapsed = smoke(Path(args.dist))
        print(f"smoke test passed in {elapsed:.2f} s (keyring: {result.get('keyring')})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
