"""What the single-topic screenshot scripts (scripts/screenshots_*.py) share: the `--out` folder,
a scratch folder for the run, and signing the clerk in with the shift's float, by keystrokes."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from counter_app.ui.main_window import MainWindow
from kesco_demo.tour import type_into, wait_until

REPO = Path(__file__).resolve().parents[1]


def prepare_run(description: str, prefix: str) -> tuple[Path, Path]:
    """Parse `--out` (default docs/screenshots, created) and make the run's scratch folder; returns
    (out, root). Before the QApplication exists: Qt offscreen unless the caller's environment says
    otherwise, without the font database's chatter."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.text.font.db=false")
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    return out, Path(tempfile.mkdtemp(prefix=prefix))


def sign_in(w: MainWindow, user: str = "clerk1", pin: str = "1111", float_rupees: str = "2000") -> None:
    """Log in by keystrokes and, where the counter asks for it, open the shift with its float; ends
    on the collect screen."""
    type_into(w.login_page.user, user, enter=True)
    type_into(w.login_page.pin, pin, enter=True)
    wait_until(lambda: w.stack.currentWidget() in (w.shift_page, w.collect_page))
    if w.stack.currentWidget() is w.shift_page:
        w.shift_page.float_edit.selectAll()
        type_into(w.shift_page.float_edit, float_rupees, enter=True)
        wait_until(lambda: w.stack.currentWidget() is w.collect_page)
