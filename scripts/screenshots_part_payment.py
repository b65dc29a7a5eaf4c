"""Regenerate the README's pictures of the least part payment on the collect screen (issue 15),
in English and Hindi, offscreen at 1366x768: an amount below the minimum refused with the reason,
and a supervisor allowing it on the same screen. A demo counter that never synced: the UP rule.

    .venv/bin/python scripts/screenshots_part_payment.py [--out docs/screenshots]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # kesco_demo.shots.prepare_run: offscreen Qt


def main() -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from counter_app.app import open_application
    from counter_app.commands.demo import prepare_counter
    from counter_app.ui.app import build_window, create_application
    from kesco_demo import tour as tour_module
    from kesco_demo.consumers import account_no_for_index
    from kesco_demo.load import load_demo_consumers
    from kesco_demo.shots import prepare_run, sign_in
    from kesco_demo.tour import Tour, settle, type_into, wait_until
    from kesco_protocol.money import format_plain

    tour_module.SIZE = (1366, 768)
    out, root = prepare_run(__doc__.splitlines()[0], "kesco-part-shots-")
    app = create_application()
    prepare_counter(root / "counter")
    with open_application(root / "counter") as counter:
        load_demo_consumers(counter.store, 2000)
        window = build_window(counter)
        shots = Tour(window, out)
        w, ctx = window, window.ctx
        w.resize(*tour_module.SIZE)
        w.show()
        first = 3
        cp = w.collect_page
        for lang in ("en", "hi"):
            if ctx.language.code != lang:
                w.toggle_language()
            if ctx.session is None:
                sign_in(w)
            # a domestic consumer with a bill large enough that 10 % is more than Rs 250
            i = next(i for i in range(first, 2000)
                     if (v := ctx.service.lookup(account_no_for_index(i))).consumer.category == "DOM"
                     and v.amount_due_paise > 4000_00 and not v.recent and v.consumer.status == "active")
            first = i + 1
            type_into(cp.account, account_no_for_index(i), enter=True)
            wait_until(lambda: cp.card.view is not None and not ctx.runner.busy)
            cp.form.amount.selectAll()
            type_into(cp.form.amount, format_plain(200_00))
            QTest.keyClick(w, Qt.Key.Key_F9)
            settle(300)
            shots.shot("40-part-payment-refused")
            type_into(cp.part.supervisor, "super1", enter=True)
            type_into(cp.part.supervisor_pin, "9999")
            shots.shot("41-part-payment-supervisor")
            saved = len(ctx.printed)
            QTest.keyClick(w, Qt.Key.Key_F9)
            wait_until(lambda n=saved: len(ctx.printed) > n and not ctx.runner.busy, timeout_s=60)
            settle(500)
            shots.shot("42-part-payment-allowed")
        ctx.runner.wait_idle()
        window.close()
    app.quit()
    for shot in shots.saved:
        print(shot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
