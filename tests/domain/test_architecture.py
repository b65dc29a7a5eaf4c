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
