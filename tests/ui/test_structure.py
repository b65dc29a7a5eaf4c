"""How the window is built: widgets reach data only through services (no SQL, no HTTP, no storage
in ui/), item models work without a window, and the task runner drops stale as-you-type work."""

from __future__ import annotations

import ast
import threading
from pathlib import Path
from typing import Any

from counter_app.ui.models import ConsumerRole, SearchResultsModel, ShiftReceiptsModel
from counter_app.ui.tasks import TaskRunner
from kesco_demo.consumers import account_no_for_index

UI = Path(__file__).resolve().parents[2] / "counter_app" / "ui"
FORBIDDEN = ("sqlalchemy", "sqlite3", "requests", "httpx", "counter_app.storage", "counter_app.sync.client")


def imports_of(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_no_sql_no_http_no_storage_in_the_window() -> None:
    bad = {f"{p.name}: {m}" for p in UI.glob("*.py") for m in imports_of(p) if m.startswith(FORBIDDEN)}
    assert bad == set()


def test_search_results_model(counter: Any) -> None:
    consumers = [counter.service.lookup(account_no_for_index(i)).consumer for i in range(3)]
    m = SearchResultsModel()
    m.set_results(consumers)
    assert m.rowCount() == 3
    assert m.data(m.index(1, 0), ConsumerRole) == consumers[1]
    assert consumers[1].account_no in m.data(m.index(1, 0))
    assert m.data(m.index(5, 0)) is None


def test_shift_receipts_model_totals_leave_out_cancelled(counter: Any, clerk: Any, shift: Any) -> None:
    from counter_app.services.collection import Payment
    from kesco_protocol.records import Mode
    from tests.conftest import SUPERVISOR

    svc = counter.service
    a = svc.issue_receipt(clerk, Payment(account_no_for_index(1), 100_00, Mode.CASH))
    svc.issue_receipt(clerk, Payment(account_no_for_index(2), 250_00, Mode.UPI, _upi()))
    svc.void_receipt(clerk, a.receipt_no, "typed the wrong account", *SUPERVISOR)
    m = ShiftReceiptsModel()
    m.set_rows(svc.shift_receipts(shift.shift_id))
    assert m.rowCount() == 2 and m.columnCount() == 7
    assert m.data(m.index(1, 6)) == "CANCELLED" and m.data(m.index(0, 6)) == ""  # newest first
    assert m.totals() == (1, 250_00, 0)
    assert m.data(m.index(0, 4)) == "₹250.00"


def _upi() -> Any:
    from counter_app.domain.receipt import Instrument

    return Instrument(reference="UPI12345678")


def test_latest_runs_only_the_newest_waiting_job(qtbot: Any) -> None:
    runner = TaskRunner()
    gate = threading.Event()
    ran: list[str] = []
    done: list[str] = []

    def job(name: str, wait: bool = False) -> Any:
        def fn() -> str:
            if wait:
                gate.wait(5)
            ran.append(name)
            return name
        return fn

    runner.latest("search", job("ra", wait=True), done.append)
    for q in ("ram", "ram b", "ram ba"):
        runner.latest("search", job(q), done.append)
    gate.set()
    qtbot.waitUntil(lambda: done == ["ra", "ram ba"], timeout=5000)
    assert ran == ["ra", "ram ba"]  # "ram" and "ram b" were never run


def test_errors_come_back_on_the_gui_thread(qtbot: Any) -> None:
    runner = TaskRunner()
    main = threading.get_ident()
    seen: list[tuple[int, str]] = []

    def fail() -> None:
        raise ValueError("boom")

    runner.submit(fail, None, lambda e: seen.append((threading.get_ident(), str(e))))
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [(main, "boom")]


def _imports_with_level(path: Path) -> list[tuple[str, bool]]:
    """(module, at module level) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(n) for n in tree.body}
    out: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.module, id(node) in top))
    return out


def test_demo_scaffolding_stays_out_of_the_product() -> None:
    """The tours live in kesco_demo: nothing in counter_app imports it at module level (the demo
    command may, lazily), and nothing in counter_app imports QtTest at all."""
    bad = []
    for path in sorted((UI.parent).rglob("*.py")):
        for module, top_level in _imports_with_level(path):
            if "QtTest" in module or (module.startswith("kesco_demo") and top_level):
                bad.append(f"{path.relative_to(UI.parent)}: {module}")
    assert bad == []


def test_one_task_runner_and_no_other_threads_in_the_window() -> None:
    """Work leaves the GUI thread only through ui/tasks.py (and the sync engine, outside ui/)."""
    bad = []
    for path in sorted(UI.glob("*.py")):
        if path.name == "tasks.py":
            continue
        text = path.read_text(encoding="utf-8")
        bad += [f"{path.name}: {word}" for word in ("threading.Thread", "QThreadPool", "QRunnable", "QThread(",
                                                   "concurrent.futures") if word in text]
    assert bad == []


def test_pages_run_work_only_through_ops() -> None:
    """The busy state, the error line and the Changes signal live in ui/ops.py: a page that called
    the task runner itself would skip all three. Start-up (app.py) and the setup dialog (before the
    window exists) are the only other callers."""
    allowed = {"ops.py", "tasks.py", "app.py", "setup_dialog.py"}
    bad = [p.name for p in sorted(UI.glob("*.py")) if p.name not in allowed
           and ("runner.submit(" in p.read_text(encoding="utf-8") or "runner.latest(" in p.read_text(encoding="utf-8"))]
    assert bad == []
