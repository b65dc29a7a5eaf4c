"""House rules that code review would otherwise have to catch."""

from __future__ import annotations

import ast
import re
import string
import subprocess
import sys
from pathlib import Path

from counter_app.domain.messages import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
CORE = ["domain", "storage", "services", "sync"]


def test_core_never_imports_qt_statically():
    offenders = []
    for pkg in CORE:
        for f in (ROOT / "counter_app" / pkg).rglob("*.py"):
            tree = ast.parse(f.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                if any(n.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6") for n in names):
                    offenders.append(str(f.relative_to(ROOT)))
    assert offenders == []


def test_core_never_imports_qt_at_runtime():
    code = (
        "import sys, pkgutil, importlib, counter_app\n"
        f"for pkg in {CORE!r}:\n"
        "    m = importlib.import_module('counter_app.' + pkg)\n"
        "    for info in pkgutil.walk_packages(m.__path__, m.__name__ + '.'):\n"
        "        if '.migrations' in info.name: continue\n"
        "        importlib.import_module(info.name)\n"
        "import counter_app.app, counter_app.config\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_negative_control_the_runtime_check_sees_qt():
    r = subprocess.run([sys.executable, "-c", "import PySide6.QtCore, sys; "
                        "sys.exit(1 if [m for m in sys.modules if m.startswith('PySide6')] else 0)"])
    assert r.returncode == 1


def _fields(s: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def test_every_message_has_english_and_hindi_with_the_same_placeholders():
    for key, (en, hi) in MESSAGES.items():
        assert en.strip() and hi.strip(), key
        assert _fields(en) == _fields(hi), key
        assert re.search("[\u0900-\u097F]", hi), f"{key}: Hindi text has no Devanagari"


def test_every_message_key_raised_in_the_core_exists():
    pattern = re.compile(r"""(?:Error|Denied)\(\s*["']([a-z_]+\.[a-z_]+)["']""")
    missing = set()
    for f in (ROOT / "counter_app").rglob("*.py"):
        for key in pattern.findall(f.read_text(encoding="utf-8")):
            if key not in MESSAGES:
                missing.add(f"{f.relative_to(ROOT)}: {key}")
    assert not missing, sorted(missing)


# --- the protocol between them: the server and the counter never import each other ----------------

# package -> the top-level packages it must never import (kesco_demo is scaffolding: the server may
# import it only lazily inside its demo command, which the static check allows because it is inside
# a function; the counter's product code is left to the demo-package move)
FORBIDDEN = {
    "central_server": {"counter_app", "PySide6", "shiboken6"},
    "counter_app": {"central_server"},
    "kesco_protocol": {"counter_app", "central_server", "kesco_demo", "PySide6", "shiboken6"},
}


def _imported_packages(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _offenders(package: str, root: Path = ROOT) -> list[str]:
    out = []
    for f in sorted((root / package).rglob("*.py")):
        bad = _imported_packages(f.read_text(encoding="utf-8")) & FORBIDDEN[package]
        if bad:
            out.append(f"{f.relative_to(root)}: {sorted(bad)}")
    return out


def test_server_counter_and_protocol_never_import_each_other_statically():
    assert {p: _offenders(p) for p in FORBIDDEN} == {p: [] for p in FORBIDDEN}


def test_negative_control_the_static_check_sees_an_import_of_the_counter(tmp_path):
    (tmp_path / "central_server").mkdir()
    (tmp_path / "central_server" / "bad.py").write_text(
        "def f():\n    from counter_app.domain.money import format_inr\n    return format_inr\n", encoding="utf-8")
    assert _offenders("central_server", tmp_path) == ["central_server/bad.py: ['counter_app']"]


_IMPORT_ALL = (
    "import importlib, pkgutil, sys\n"
    "pkg = importlib.import_module(sys.argv[1])\n"
    "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
    "    if '.migrations' not in info.name and not info.name.endswith('__main__'):\n"
    "        importlib.import_module(info.name)\n"
    "print(sorted({m.split('.')[0] for m in sys.modules} & {'counter_app', 'central_server', 'PySide6', 'shiboken6'}))\n"
)


def _loaded_after_importing_all_of(package: str) -> str:
    r = subprocess.run([sys.executable, "-c", _IMPORT_ALL, package], capture_output=True, text=True, cwd=ROOT,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_importing_every_server_module_loads_no_counter_and_no_qt():
    assert _loaded_after_importing_all_of("central_server") == "['central_server']"


def test_importing_the_protocol_loads_neither_side():
    assert _loaded_after_importing_all_of("kesco_protocol") == "[]"


def test_negative_control_the_runtime_check_sees_the_counter_and_qt():
    # the counter's window package does load Qt: the check would see a server that did the same
    assert _loaded_after_importing_all_of("counter_app.ui") == "['PySide6', 'counter_app', 'shiboken6']"


def _keys_raised_in(package: str, root: Path = ROOT) -> set[str]:
    raised = re.compile(r"""(?:Error|Denied)\(\s*["']([a-z_]+\.[a-z_]+)["']""")
    # a class's key: `key = "..."` in its body or `class X(Base, key="...")` in its declaration
    default = re.compile(r"""(?:^\s+key = |^class .*\bkey=)["']([a-z_]+\.[a-z_]+)["']""", re.M)
    keys = set()
    for f in (root / package).rglob("*.py"):
        text = f.read_text(encoding="utf-8")
        keys.update(raised.findall(text), default.findall(text))
    return keys


def test_the_protocol_renders_its_own_keys_without_the_counters_table():
    # the server never loads counter_app.domain.messages, so what the protocol raises must be
    # in the protocol's own table, in both languages
    from kesco_protocol.messages import MESSAGES as PROTOCOL

    keys = _keys_raised_in("kesco_protocol")
    assert {"amount.empty", "error.invalid", "sync.seal_invalid"} <= keys  # the scan finds them
    assert sorted(keys - set(PROTOCOL)) == []
    for key in keys:
        en, hi = PROTOCOL[key]
        assert _fields(en) == _fields(hi) and re.search("[\u0900-\u097F]", hi), key


def test_negative_control_a_key_missing_from_the_protocols_table_is_seen(tmp_path):
    (tmp_path / "kesco_protocol").mkdir()
    (tmp_path / "kesco_protocol" / "x.py").write_text('raise ValidationError("amount.made_up")\n', encoding="utf-8")
    from kesco_protocol.messages import MESSAGES as PROTOCOL

    assert _keys_raised_in("kesco_protocol", tmp_path) - set(PROTOCOL) == {"amount.made_up"}


def test_negative_control_a_key_declared_with_the_class_is_seen(tmp_path):
    (tmp_path / "kesco_protocol").mkdir()
    (tmp_path / "kesco_protocol" / "x.py").write_text(
        'class MadeUp(ValidationError, key="amount.made_up"):\n    """A made-up error."""\n', encoding="utf-8")
    from kesco_protocol.messages import MESSAGES as PROTOCOL

    assert _keys_raised_in("kesco_protocol", tmp_path) - set(PROTOCOL) == {"amount.made_up"}
