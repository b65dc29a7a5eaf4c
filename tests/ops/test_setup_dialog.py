"""The first-run setup dialog (offscreen): it shows what is wrong without closing, and on success
the counter is set up and enrolled against the real server on loopback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QDialog  # noqa: E402

from counter_app.config import Config  # noqa: E402
from counter_app.sync.keyring_store import MemoryTokenStore  # noqa: E402
from counter_app.ui.setup_dialog import SetupDialog  # noqa: E402
from tests.support.live_server import LiveServer, register_counter  # noqa: E402


def _fill(dlg: SetupDialog, code: str, name: str, url: str, enrollment: str) -> None:
    dlg.code.setText(code)
    dlg.name.setText(name)
    dlg.server.setText(url)
    dlg.enrollment.setText(enrollment)


def test_setup_dialog_shows_errors_then_sets_up(qtbot, tmp_path):
    d = tmp_path / "counter"
    db_url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    tokens = MemoryTokenStore()
    with LiveServer(db_url) as srv:
        enrollment = register_counter(db_url, "K12")
        dlg = SetupDialog(d, tokens=tokens)
        qtbot.addWidget(dlg)
        dlg.show()
        _fill(dlg, "K12", "Govind Nagar", "http://counters.kesco.example", enrollment)
        dlg.buttons.accepted.emit()
        qtbot.waitUntil(lambda: bool(dlg.error.text()), timeout=10_000)
        assert "https://" in dlg.error.text() and dlg.isVisible()
        assert dlg.result() != QDialog.DialogCode.Accepted
        if os.environ.get("SCREENSHOTS_DIR"):
            dlg.grab().save(str(Path(os.environ["SCREENSHOTS_DIR"]) / "setup_dialog_error.png"))

        _fill(dlg, "K12", "Govind Nagar", srv.url, enrollment)
        with qtbot.waitSignal(dlg.accepted, timeout=20_000):
            dlg.buttons.accepted.emit()
    assert dlg.result_value is not None and dlg.result_value.enrolled
    assert Config.load(d).counter_code == "K12"
    assert tokens.get(srv.url, "K12")


def test_setup_dialog_in_hindi_reports_in_hindi(qtbot, tmp_path):
    dlg = SetupDialog(tmp_path / "c", lang="hi", tokens=MemoryTokenStore())
    qtbot.addWidget(dlg)
    _fill(dlg, "bad code!", "", "", "")
    dlg.buttons.accepted.emit()
    qtbot.waitUntil(lambda: bool(dlg.error.text()), timeout=10_000)
    assert "काउंटर कोड" in dlg.error.text()
