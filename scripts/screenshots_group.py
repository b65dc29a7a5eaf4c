"""Screenshots of one cheque for several accounts (issue 16) at 1366x768, offscreen: the collect
screen's multi-account payment being built (English and Hindi) and its printed covering slip
(PDF -> PNG with pdftoppm). A counter of demo consumers, driven by keystrokes.

    .venv/bin/python scripts/screenshots_group.py [--out docs/screenshots]
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # kesco_demo.shots.prepare_run: offscreen Qt

SIZE = (1366, 768)


def main() -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from counter_app.app import open_application
    from counter_app.commands.demo import prepare_counter
    from counter_app.printing.printers import PdfPrinter
    from counter_app.ui.app import build_window, create_application
    from kesco_demo.consumers import account_no_for_index
    from kesco_demo.load import load_demo_consumers
    from kesco_demo.shots import prepare_run, sign_in
    from kesco_demo.tour import settle, type_into, wait_until

    out, root = prepare_run(__doc__.splitlines()[0], "kesco-group-shots-")
    app = create_application()
    prepare_counter(root / "counter")
    with open_application(root / "counter") as counter:
        load_demo_consumers(counter.store, 500)
        w = build_window(counter, printer=PdfPrinter(root / "printed"))
        w.resize(*SIZE)
        w.show()
        sign_in(w)
        QTest.keyClick(w, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
        g = w.collect_page.group
        wait_until(lambda: g.isVisible() and g.number.hasFocus())
        cheque_day = (date.today() - timedelta(days=2)).strftime("%d-%m-%Y")
        for field, value in ((g.number, "445566"), (g.inst_date, cheque_day), (g.bank, "Punjab National Bank"),
                             (g.ifsc, "PUNB0123400"), (g.total, "14750")):
            type_into(field, value, enter=True)
        for i, rupees in ((21, "4200"), (22, "3150.50"), (23, "5000"), (24, "2399.50")):
            n = len(g.lines)
            type_into(g.line_account, account_no_for_index(i), enter=True)
            type_into(g.line_amount, rupees, enter=True)
            wait_until(lambda n=n: len(g.lines) == n + 1 and not w.ctx.runner.busy)  # type: ignore[misc]
        settle(300)
        for lang in ("en", "hi"):
            if w.ctx.language.code != lang:
                w.toggle_language()
            settle(300)
            w.page_scroll.verticalScrollBar().setValue(0)  # the whole instrument in the picture
            settle(100)
            w.grab().save(str(out / f"15-one-cheque-many-accounts-{lang}.png"))
        w.toggle_language()  # back to English
        QTest.keyClick(w, Qt.Key.Key_F9)
        wait_until(lambda: g.last is not None and any("COVERING" in str(x) for x in w.ctx.printed) and not
                   w.ctx.runner.busy, timeout_s=30)
        settle(300)
        w.grab().save(str(out / "16-one-cheque-saved-en.png"))
        slip = next(str(x) for x in w.ctx.printed if "COVERING" in str(x))
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", slip, str(out / "covering-slip-80mm")],
                       check=True)
        w.ctx.runner.wait_idle()
        w.ctx.sync.stop()
        w.close()
    app.processEvents()
    print(f"saved in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
