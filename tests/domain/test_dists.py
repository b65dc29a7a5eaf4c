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
    assert wheels["kesco-protocol"] == ["cryptography>=42"]
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


# --- what each part's code imports is what its wheel and its pins install ----------------------

OWN = {"central_server", "kesco_protocol", "counter_app", "kesco_demo", "tests", "benchmarks"}


def _imports(package: str) -> dict[str, str]:
    """Top-level modules the package's code imports (any depth in the file, function bodies too),
    other than the standard library's and our own, each with one file that imports it. An import
    inside `try: ... except ImportError` is optional and left out."""
    import ast

    found: dict[str, str] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        optional: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Try) and any(
                    isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                    for h in node.handlers):
                optional |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
        for node in ast.walk(tree):
            if id(node) in optional:
                continue
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                     else [])
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in OWN:
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def _pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            out[_norm(name.split("[")[0])] = version.strip()
    return out


@pytest.mark.parametrize(("dist", "packages"), [
    ("kesco-central-server", ("central_server", "kesco_protocol")),
    ("kesco-counter-app", ("counter_app", "kesco_demo", "kesco_protocol")),
    ("kesco-protocol", ("kesco_protocol",)),
])
def test_each_wheel_names_every_package_its_code_imports(wheels, dist, packages):
    # IT installs a wheel and its pins on a clean host (README, INSTALL.md): a module the code
    # imports that the wheel does not name is an ImportError there, never seen in the developer's
    # all-in-one install (the server imported httpx, prometheus_client and rich without naming them)
    deps = _closure(dist, wheels)
    owners = metadata.packages_distributions()
    imported = {mod: where for p in packages for mod, where in _imports(p).items()}
    missing = {mod: where for mod, where in imported.items() if not {_norm(d) for d in owners.get(mod, [mod])} & deps}
    assert missing == {}, f"imported by {dist} but not in its wheel's dependencies: {missing}"


def test_server_txt_pins_the_whole_server_closure_at_the_lock_versions(wheels):
    deps = _closure("kesco-central-server", wheels) - {"kesco-central-server", "kesco-protocol"}
    server = _pins(ROOT / "requirements" / "server.txt")
    lock = _pins(ROOT / "requirements" / "lock.txt")
    assert deps - server.keys() == set(), "in the server's closure but not pinned in requirements/server.txt"
    assert {d: server[d] for d in deps if server[d] != lock.get(d)} == {}, "server.txt differs from lock.txt"
    assert server.keys() - deps == set(), "pinned in requirements/server.txt but not needed by the server"


def test_negative_control_the_import_scan_sees_an_undeclared_import(tmp_path, monkeypatch):
    pkg = tmp_path / "central_server"
    pkg.mkdir()
    (pkg / "x.py").write_text("def f():\n    import prometheus_client\n"
                              "try:\n    import orjson\nexcept ImportError:\n    orjson = None\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert _imports("central_server") == {"prometheus_client": "central_server/x.py"}
