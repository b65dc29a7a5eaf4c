"""The three installable parts (packaging/dists/): each wheel really builds, and installing the
server pulls in no Qt. The dependency set is the transitive closure of the wheel's Requires-Dist,
walked through the metadata of the distributions installed here (what pip would resolve them to)."""

from __future__ import annotations

import fcntl
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
DISTS = ROOT / "packaging" / "dists"
PARTS = ("protocol", "server", "counter")
QT = {"pyside6", "pyside6-essentials", "pyside6-addons", "shiboken6"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> dict[str, list[str]]:
    """Requires-Dist of each part's wheel, by distribution name. The builds write build/ folders
    next to each pyproject, so two test workers take turns (a lock file per checkout), and each
    build starts from none: a stale build/lib would carry deleted modules into the wheel."""
    out = tmp_path_factory.mktemp("wheels")
    lock = Path(tempfile.gettempdir()) / f"kesco-dists-{hashlib.sha1(str(ROOT).encode()).hexdigest()[:12]}.lock"
    with open(lock, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        for part in PARTS:
            shutil.rmtree(DISTS / part / "build", ignore_errors=True)
        r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-index", "--no-deps",
                            "--no-build-isolation", "-w", str(out), *(str(DISTS / p) for p in PARTS)],
                           capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    found = {}
    for whl in out.glob("*.whl"):
        with zipfile.ZipFile(whl) as z:
            meta = Parser().parsestr(z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA")))
                                     .decode("utf-8"))
        found[_norm(meta["Name"])] = meta.get_all("Requires-Dist") or []
    assert set(found) == {"kesco-protocol", "kesco-central-server", "kesco-counter-app"}
    return found


def _closure(name: str, wheels: dict[str, list[str]]) -> set[str]:
    """Every distribution `name` needs, transitively (markers evaluated here, extras followed)."""
    seen: set[str] = set()
    todo = [(_norm(name), frozenset[str]())]
    while todo:
        dist, extras = todo.pop()
        key = dist + "[" + ",".join(sorted(extras)) + "]"
        if key in seen:
            continue
        seen.add(key)
        requires = wheels[dist] if dist in wheels else (metadata.distribution(dist).requires or [])
        for line in requires:
            req = Requirement(line)
            if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in (extras or {""})):
                todo.append((_norm(req.name), frozenset(req.extras)))
    return {k.split("[")[0] for k in seen}


def test_every_part_builds_and_names_its_dependencies(wheels):
    assert wheels["kesco-protocol"] == []
    assert "kesco-protocol==0.1.0" in wheels["kesco-central-server"]
    assert "kesco-protocol==0.1.0" in wheels["kesco-counter-app"]


def test_the_server_installs_without_qt(wheels):
    deps = _closure("kesco-central-server", wheels)
    assert {"fastapi", "uvicorn", "sqlalchemy", "psycopg", "psycopg-binary", "kesco-protocol"} <= deps
    assert deps & (QT | {"keyring", "segno", "kesco-counter-app"}) == set()


def test_negative_control_the_counter_closure_does_contain_qt(wheels):
    deps = _closure("kesco-counter-app", wheels)
    assert {"pyside6-essentials", "shiboken6"} <= deps


def test_every_part_carries_the_one_version_and_pins_that_protocol():
    # one release of the repository is one version of all three parts (the root pyproject's,
    # which packaging/build.py writes into the Windows files)
    import tomllib

    def project(path: Path) -> dict:
        with open(path, "rb") as fh:
            return tomllib.load(fh)["project"]

    version = project(ROOT / "pyproject.toml")["version"]
    for part in PARTS:
        meta = project(DISTS / part / "pyproject.toml")
        assert meta["version"] == version, part
        pins = [d for d in meta["dependencies"] if d.startswith("kesco-protocol")]
        assert pins == ([] if part == "protocol" else [f"kesco-protocol=={version}"]), part
