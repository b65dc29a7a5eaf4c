"""The clerk's status line says loudly when the ledger's second copy (mirror_dir) is missing, and
stops saying it once the mirror is back: from a real counter through the real sync engine into
the status bar widget, in English and Hindi."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from counter_app.config import Config
from counter_app.services.collection import Payment
from counter_app.sync.engine import SyncEngine
from counter_app.ui.i18n import Language
from counter_app.ui.status_bar import CounterStatusBar
from kesco_demo.consumers import account_no_for_index
from tests.conftest import CLERK, FixedClock, make_counter


def test_a_missing_mirror_shows_on_the_status_line_until_it_is_back(qtbot: Any, tmp_path: Path) -> None:
    data, mirror = tmp_path / "counter", tmp_path / "usb"
    data.mkdir()
    Config(mirror_dir=str(mirror)).save(data)
    clock = FixedClock()
    app = make_counter(data, consumers=20, clock=clock)
    try:
        clerk = app.service.login(*CLERK)
        app.service.open_shift(clerk, 0)
        app.service.issue_receipt(clerk, Payment(account_no_for_index(1), 100_00))
        engine = SyncEngine(app, None, pull=False)
        st = engine.refresh()
        assert st.mirror_key == "mirror.missing"
        bar = CounterStatusBar(Language("en"), clock, 60, 1440)
        qtbot.addWidget(bar)
        bar.show()
        bar.show_state(st)
        assert bar.mirror_label.isVisible() and bar.mirror_label.text() == "SECOND COPY MISSING"
        assert str(mirror) in bar.mirror_label.toolTip()
        hindi_language = Language("hi")
        try:
            hindi = CounterStatusBar(hindi_language, clock, 60, 1440)
            qtbot.addWidget(hindi)
            hindi.show()
            hindi.show_state(st)
            assert hindi.mirror_label.text() == "दूसरी प्रति नहीं"
        finally:
            hindi_language.set("en")  # the Hindi translator is application-wide: later tests read English
        mirror.mkdir()  # plugged back in: the next receipt catches up
        app.service.issue_receipt(clerk, Payment(account_no_for_index(2), 100_00))
        st = engine.refresh()
        assert st.mirror_key is None
        bar.show_state(st)
        assert not bar.mirror_label.isVisible()
    finally:
        app.close()
