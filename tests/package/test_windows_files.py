"""The Windows installer files cannot be built here, so they are read: the Inno Setup script has
its sections, puts the program in Program Files and the data in ProgramData with the clerks'
group allowed to write and config.toml for administrators only, and both files carry the version
in pyproject.toml. The PyInstaller spec excludes the Qt modules the counter does not use."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIN = ROOT / "packaging" / "windows"
sys.path.insert(0, str(ROOT / "packaging"))
from build import sync_version, version_tuple  # noqa: E402


def _version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


def _sections(iss: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = None
    for raw in iss.splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        m = re.fullmatch(r"\[(\w+)\]", line)
        if m:
            current = m[1]
            assert current not in out, f"section [{current}] twice"
            out[current] = []
        elif current is not None:
            out[current].append(line)
    return out


def _entry(line: str) -> dict[str, str]:
    """'Name: "x"; Flags: a b' -> {'Name': 'x', 'Flags': 'a b'} (Inno's parameter syntax)."""
    out = {}
    for m in re.finditer(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)', line):
        v = m[2].strip()
        out[m[1]] = v[1:-1].replace('""', '"') if v.startswith('"') else v
    return out


ISS = (WIN / "counter-app.iss").read_text(encoding="utf-8")
SECTIONS = _sections(ISS)
DEFINES = dict(re.findall(r'^\s*#define (\w+) "([^"]*)"', ISS, re.M))


def test_iss_has_its_sections_and_a_sane_setup():
    assert {"Setup", "Files", "Dirs", "Run", "Icons", "Code"} <= set(SECTIONS)
    setup = dict(line.split("=", 1) for line in SECTIONS["Setup"])
    assert setup["DefaultDirName"] == "{autopf}\\{#AppName}"  # Program Files
    assert setup["PrivilegesRequired"] == "admin"
    assert setup["AppVersion"] == "{#AppVersion}" and setup["AppId"].startswith("{{")
    assert "x64compatible" in setup["ArchitecturesInstallIn64BitMode"]
    files = [_entry(x) for x in SECTIONS["Files"]]
    assert files[0]["Source"] == "{#DistDir}\\*" and "recursesubdirs" in files[0]["Flags"]
    assert DEFINES["DistDir"] == "..\\..\\dist\\counter-app"


def test_data_in_programdata_writable_by_clerks_config_by_admins_only(monkeypatch):
    assert DEFINES["DataDir"] == "{commonappdata}\\KESCO\\KESCO Counter"
    dirs = [_entry(x) for x in SECTIONS["Dirs"]]
    assert dirs[0]["Name"] == "{#DataDir}" and "uninsneveruninstall" in dirs[0]["Flags"]
    runs = [_entry(x) for x in SECTIONS["Run"]]
    icacls = [r["Parameters"] for r in runs if r["Filename"].endswith("icacls.exe")]
    data_acl = next(p for p in icacls if '"{#DataDir}" ' in p)
    assert "/inheritance:r" in data_acl and '"{#ClerksGroup}":(OI)(CI)M' in data_acl
    assert "*S-1-5-32-545:(OI)(CI)RX" in data_acl  # other users: read only
    config_acl = next(p for p in icacls if "config.toml" in p)
    assert "/inheritance:r" in config_acl and "*S-1-5-32-544:F" in config_acl
    assert "*S-1-5-32-545:RX" in config_acl and "M" not in config_acl.split("/grant:r", 1)[1].replace("*S-1-5-32-544:F", "")
    assert any("localgroup" in r.get("Parameters", "") for r in runs)
    assert any(r.get("Parameters") == "--smoke-test" and r["Filename"] == "{app}\\{#CliExe}" for r in runs)
    # the app agrees on where the machine's data lives: platformdirs on Windows gives
    # <CSIDL_COMMON_APPDATA>\<author>\<app>, asked here with the folder lookup stubbed
    import inspect

    import platformdirs.windows

    from counter_app import config

    assert 'site_data_dir("KESCO Counter", "KESCO")' in inspect.getsource(config.default_data_dir)
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", lambda csidl: "C:\\ProgramData")
    path = platformdirs.windows.Windows("KESCO Counter", "KESCO").site_data_dir
    assert path.replace("/", "\\").endswith("ProgramData\\KESCO\\KESCO Counter")


def test_versions_match_pyproject():
    v = _version()
    assert DEFINES["AppVersion"] == v
    text = (WIN / "version_info.txt").read_text(encoding="utf-8")
    assert f"filevers={version_tuple(v)}" in text and f"prodvers={version_tuple(v)}" in text
    assert f"StringStruct('FileVersion', '{v}')" in text and f"StringStruct('ProductVersion', '{v}')" in text
    import counter_app

    assert counter_app.__version__ == v


def test_version_resource_is_a_valid_expression():
    text = (WIN / "version_info.txt").read_text(encoding="utf-8")
    tree = ast.parse(text, mode="eval")
    assert isinstance(tree.body, ast.Call) and tree.body.func.id == "VSVersionInfo"
    names = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert {"FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo"} <= names


def test_sync_version_rewrites_both_files(tmp_path, monkeypatch):
    import build

    for name in ("counter-app.iss", "version_info.txt"):
        (tmp_path / name).write_text((WIN / name).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(build, "ISS", tmp_path / "counter-app.iss")
    monkeypatch.setattr(build, "VERSION_INFO", tmp_path / "version_info.txt")
    assert len(sync_version("1.2.3")) == 2
    assert '#define AppVersion "1.2.3"' in (tmp_path / "counter-app.iss").read_text(encoding="utf-8")
    assert "filevers=(1, 2, 3, 0)" in (tmp_path / "version_info.txt").read_text(encoding="utf-8")
    assert sync_version("1.2.3") == []  # idempotent


def test_spec_bundles_only_the_qt_the_counter_uses():
    spec = (ROOT / "packaging" / "counter-app.spec").read_text(encoding="utf-8")
    used = set(re.search(r"QT_USED = \{([^}]*)\}", spec)[1].replace('"', "").replace(" ", "").split(","))
    assert used == {"QtCore", "QtGui", "QtWidgets", "QtPrintSupport", "QtSvg"}
    for mod in ("QtQml", "QtQuick", "QtNetwork", "QtWebEngineCore", "QtMultimedia", "QtSql"):
        assert f'"{mod}"' in spec
    # every Qt module the counter imports is in QT_USED
    imported = set()
    for f in (ROOT / "counter_app").rglob("*.py"):
        imported |= set(re.findall(r"PySide6\.(Qt\w+)", f.read_text(encoding="utf-8")))
    assert imported <= used, imported - used
