"""Where code may live: SQL only under counter_app/storage (services call repository functions by
name), and the demo package only ever imported lazily, inside the command that needs it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQL_CALLS = {"execute", "executemany", "executescript", "exec_driver_sql"}


def _is_text(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(node, ast.JoinedStr)


def sql_in(source: str) -> list[str]:
    """What in a module's source is SQL: sqlalchemy.text imported, exec_driver_sql called, or
    execute()/executemany() given a string."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            found += [f"line {node.lineno}: imports sqlalchemy {a.name}" for a in node.names if a.name == "text"]
        elif isinstance(node, ast.Import):
            found += [f"line {node.lineno}: imports {a.name}" for a in node.names if a.name == "sqlite3"]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
            if node.func.attr == "exec_driver_sql" or (node.args and _is_text(node.args[0])):
                found.append(f"line {node.lineno}: {node.func.attr}(...)")
    return found


def module_level_imports(source: str) -> set[str]:
    """Modules imported at the top level of a module (not inside a function)."""
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_services_run_no_sql():
    offenders = {str(f.relative_to(ROOT)): found
                 for f in sorted((ROOT / "counter_app" / "services").rglob("*.py"))
                 if (found := sql_in(f.read_text(encoding="utf-8")))}
    assert offenders == {}


def test_the_sql_check_sees_sql():
    # negative control: each way a service could run SQL is caught, a repository call is not
    assert sql_in("from sqlalchemy import text\n")
    assert sql_in("def f(conn):\n    conn.exec_driver_sql('PRAGMA quick_check')\n")
    assert sql_in("def f(conn):\n    conn.execute('SELECT 1 FROM day_closes')\n")
    assert sql_in("def f(db, t):\n    db.executemany(f'UPDATE {t} SET x = 1', [])\n")
    assert sql_in("import sqlite3\n")
    assert sql_in("from sqlalchemy import Connection\n"
                  "def f(conn):\n    return receipts_repo.chain_head(conn)\n") == []


def test_the_product_never_imports_the_demo_package_at_module_level():
    offenders = [str(f.relative_to(ROOT)) for f in sorted((ROOT / "counter_app").rglob("*.py"))
                 if any(n.split(".")[0] == "kesco_demo"
                        for n in module_level_imports(f.read_text(encoding="utf-8")))]
    assert offenders == []
    # negative control: a top-level import is seen, one inside a function is allowed
    assert "kesco_demo.load" in module_level_imports("from kesco_demo.load import x\n")
    assert module_level_imports("def f():\n    from kesco_demo.load import x\n") == set()
