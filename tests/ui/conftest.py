"""Window fixtures: a fresh counter per test (real SQLite in a temp dir, a few thousand demo
consumers, a hand-moved clock), the real window driven with keystrokes, receipts printed to PDF."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from counter_app.app import Application
from counter_app.printing.printers import PdfPrinter, PrintError
from counter_app.printing.render import PageLayout
from counter_app.storage.db import Database
from counter_app.ui.app import build_window
from counter_app.ui.i18n import setup_application_fonts
from counter_app.ui.main_window import MainWindow
from kesco_demo.consumers import account_no_for_index
from tests.conftest import CLERK, make_counter

CONSUMERS = 3000


class FailingPrinter:
    """A printer whose driver fails (paper out, cable pulled): the edge we do not own."""

    description = "failing test printer"

    def __init__(self) -> None:
        self.calls = 0

    def print_html(self, html: str, images: dict[str, QImage], layout: PageLayout, title: str) -> str | None:
        self.calls += 1
        raise PrintError("print.failed", detail="paper out")


UI_DIR = str(Path(__file__).resolve().parents[2] / "counter_app" / "ui")


def _window_frame() -> str | None:
    """The innermost frame of the window's own code (counter_app/ui) on the current stack, if any."""
    f = sys._getframe(2)
    while f is not None:
        if f.f_code.co_filename.startswith(UI_DIR):
            return f"{Path(f.f_code.co_filename).name}:{f.f_lineno} {f.f_code.co_name}"
        f = f.f_back
    return None


@pytest.fixture(autouse=True)
def no_database_on_the_gui_thread(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every read and write of the store goes through Database.read / Database.write: one made on
    the GUI thread from the window's code would freeze the window while SQLite works, so the test
    fails. Tests themselves may read on the main thread (to check what was stored)."""
    seen: list[str] = []

    def guarded(original: Callable[..., Any]) -> Callable[..., Any]:
        @contextmanager
        def wrapper(self: Database, *args: Any, **kwargs: Any) -> Iterator[Any]:
            if threading.current_thread() is threading.main_thread():
                where = _window_frame()
                if where is not None:
                    seen.append(where)
            with original(self, *args, **kwargs) as conn:
                yield conn
        return wrapper

    monkeypatch.setattr(Database, "read", guarded(Database.read))
    monkeypatch.setattr(Database, "write", guarded(Database.write))
    yield seen
    assert seen == [], f"the window read or wrote the database on the GUI thread: {sorted(set(seen))}"


@pytest.fixture
def ui_counter(tmp_path: Path, clock: Any) -> Iterator[Application]:
    c = make_counter(tmp_path / "counter", consumers=CONSUMERS, clock=clock)
    yield c
    c.close()


@pytest.fixture
def pdf_dir(tmp_path: Path) -> Path:
    return tmp_path / "printed"


@pytest.fixture
def make_window(qtbot: Any, qapp: Any, ui_counter: Application, pdf_dir: Path) -> Iterator[Callable[..., MainWindow]]:
    setup_application_fonts(qapp)
    made: list[MainWindow] = []

    def make(printer: Any = None, engine: Any = None, lang: str = "en") -> MainWindow:
        w = build_window(ui_counter, lang=lang, printer=printer or PdfPrinter(pdf_dir), engine=engine,
                         poll_ms=200)
        qtbot.addWidget(w)
        w.resize(1280, 800)
        w.show()
        made.append(w)
        return w

    yield make
    for w in made:
        w.ctx.runner.wait_idle()
        w.ctx.sync.stop()
        if w.ctx.language.code != "en":
            w.ctx.language.set("en")


@pytest.fixture
def window(make_window: Callable[..., MainWindow]) -> MainWindow:
    return make_window()


def log_in(qtbot: Any, w: MainWindow, user: tuple[str, str] = CLERK) -> None:
    w.login_page.user.clear()
    qtbot.keyClicks(w.login_page.user, user[0])
    qtbot.keyClick(w.login_page.user, Qt.Key.Key_Return)
    qtbot.keyClicks(w.login_page.pin, user[1])
    qtbot.keyClick(w.login_page.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.stack.currentWidget() in (w.shift_page, w.collect_page), timeout=10_000)


def open_shift(qtbot: Any, w: MainWindow, float_rupees: str = "2000") -> None:
    log_in(qtbot, w)
    assert w.stack.currentWidget() is w.shift_page
    w.shift_page.float_edit.selectAll()
    qtbot.keyClicks(w.shift_page.float_edit, float_rupees)
    qtbot.keyClick(w.shift_page.float_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.collect_page, timeout=10_000)
    assert w.collect_page.account.hasFocus()


def find_consumer(qtbot: Any, w: MainWindow, account: str) -> None:
    """Type (or scan: the scanner types the digits and Enter) the account number."""
    cp = w.collect_page
    qtbot.keyClicks(cp.account, account)
    qtbot.keyClick(cp.account, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cp.card.account_no == account, timeout=10_000)


def account(i: int) -> str:
    return account_no_for_index(i)


def wait_printed(qtbot: Any, w: MainWindow, n: int) -> None:
    qtbot.waitUntil(lambda: len(w.ctx.printed) >= n and not w.ctx.runner.busy, timeout=15_000)


def pdf_text(path: str | Path) -> str:
    """The PDF's text in reading order, runs of white space made one space."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())
