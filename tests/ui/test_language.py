"""Hindi and English: every window string translated (a test fails on an unfinished one), switching
at login and at run time, core messages in the same language, the bundled font covering Hindi."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from PySide6.QtCore import QCoreApplication, QFile, QIODevice, Qt
from PySide6.QtGui import QRawFont
from PySide6.QtWidgets import QAbstractButton, QLabel

from counter_app.printing.fonts import DEVANAGARI, load_fonts
from counter_app.resources import build
from counter_app.ui.main_window import MainWindow
from tests.ui.conftest import account, find_consumer, log_in, open_shift

UI = Path(build.PACKAGE) / "ui"


def test_every_window_string_has_a_finished_hindi_translation_and_the_builds_are_current() -> None:
    assert build.check() == []


def test_an_unfinished_string_is_caught(tmp_path: Path) -> None:
    # Negative control for the test above: a .ts with one string left unfinished.
    ts = tmp_path / "counter_hi.ts"
    shutil.copy(build.TS, ts)
    # whichever string comes first: the window's strings change, the control must not depend on one
    first = next(m for m in build.read_ts(build.TS) if not m.unfinished)
    text = ts.read_text(encoding="utf-8")
    done = f"<translation>{escape(first.translation)}</translation>"
    assert done in text
    text = text.replace(done, '<translation type="unfinished"></translation>', 1)
    ts.write_text(text, encoding="utf-8")
    unfinished = [m for m in build.read_ts(ts) if m.unfinished]
    assert [m.source for m in unfinished] == [first.source]


def test_every_user_string_in_the_window_goes_through_tr() -> None:
    """No literal text handed straight to setText/setTitle/alert in ui/ (it would never be translated)."""
    offenders = []
    for path in sorted(UI.glob("*.py")):
        if path.name in ("tour.py", "setup_dialog.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "log")
                    and node.func.attr in ("setText", "setTitle", "setWindowTitle", "error", "ok", "note",
                                           "setPlaceholderText", "setToolTip")
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str) and any(ch.isalpha() for ch in node.args[0].value)):
                offenders.append(f"{path.name}:{node.lineno} {node.args[0].value!r}")
    assert offenders == []


def test_switch_to_hindi_at_login_and_back_at_run_time(qtbot: Any, window: MainWindow) -> None:
    w = window
    lp = w.login_page
    qtbot.keyClick(lp.lang, Qt.Key.Key_Down)  # English -> हिन्दी, on the login screen
    assert w.ctx.language.code == "hi"
    qtbot.waitUntil(lambda: lp.login_button.text() == "लॉग इन (Enter)")  # LanguageChange is posted
    log_in(qtbot, w)
    assert w.shift_page.title.text() == "अपनी पाली खोलें"
    qtbot.keyClick(w, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: w.shift_page.title.text() == "Open your shift")
    assert w.language_button.text() == "हिन्दी (F12)"
    qtbot.keyClick(w, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: w.shift_page.title.text() == "अपनी पाली खोलें")
    # Core errors come in the same language as the window.
    w.shift_page.float_edit.selectAll()
    qtbot.keyClicks(w.shift_page.float_edit, "abc")
    qtbot.keyClick(w.shift_page.float_edit, Qt.Key.Key_Return)
    assert w.shift_page.alert.text() == "त्रुटि: “abc” राशि नहीं है। अंकों में लिखें, जैसे 1234.50।"


def test_hindi_collect_screen_has_no_english_left(qtbot: Any, make_window: Any) -> None:
    w = make_window(lang="hi")
    open_shift(qtbot, w)
    find_consumer(qtbot, w, account(3))
    english_only = []
    for widget in w.findChildren(QLabel) + w.findChildren(QAbstractButton):
        text = widget.text().replace("&", "")
        if not widget.isVisible() or not text:
            continue
        has_devanagari = any("\u0900" <= ch <= "\u097f" for ch in text)
        letters = [ch for ch in text if ch.isascii() and ch.isalpha()]
        # Data (names, addresses, account numbers, amounts, key names) may be Latin; labels may not.
        if not has_devanagari and len(letters) > 3 and widget.objectName() not in ("consumerName",):
            english_only.append(text)
    allowed = {w.ctx.service.lookup(account(3)).consumer.relation_name,
               w.ctx.service.lookup(account(3)).consumer.address, "English (F12)"}
    assert [t for t in english_only if t not in allowed and not t.startswith(("KM", "Rupees"))] == []


def test_bundled_font_covers_devanagari_and_the_rupee_sign(qapp: Any) -> None:
    assert {"Noto Sans", DEVANAGARI} <= set(load_fonts())
    f = QFile(":/kesco/fonts/NotoSansDevanagari-Regular.ttf")
    assert f.open(QIODevice.OpenModeFlag.ReadOnly)
    raw = QRawFont(f.readAll(), 12)
    assert raw.isValid() and raw.familyName() == DEVANAGARI
    for ch in "भुगतानरसीद₹०१२":
        assert raw.supportsCharacter(ord(ch)), ch
    # Negative control: a character the font does not have.
    assert not raw.supportsCharacter(ord("字"))
    # The window's font asks for Noto Sans first, then Noto Sans Devanagari.
    assert QCoreApplication.instance().font().families()[:2] == ["Noto Sans", DEVANAGARI]  # type: ignore[union-attr]
