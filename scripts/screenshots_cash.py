"""Regenerate the cash pictures of docs/screenshots/ (issue 16): the pickup screen, the pickup slip
(80 mm, PDF to PNG with pdftoppm) and the deposit screen, in English and Hindi, from a real run on
a fresh demo counter driven with keystrokes at 1366x768.

    .venv/bin/python scripts/screenshots_cash.py [--out docs/screenshots]
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # kesco_demo.shots.prepare_run: offscreen Qt

SIZE = (1366, 768)
DUE = (3, 4, 5, 8, 9, 10, 12, 13)  # demo accounts that owe something


def main() -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from counter_app.app import open_application
    from counter_app.domain.receipt import Instrument
    from counter_app.printing.printers import PdfPrinter
    from counter_app.services.closes import CloseService
    from counter_app.services.collection import Payment
    from counter_app.ui.app import build_window, create_application
    from kesco_demo.consumers import account_no_for_index
    from kesco_demo.load import load_demo_consumers
    from kesco_demo.shots import prepare_run, sign_in
    from kesco_demo.tour import settle, type_into, wait_until
    from kesco_protocol.records import Mode

    out, root = prepare_run(__doc__.splitlines()[0], "kesco-cash-shots-")
    app = create_application()
    with open_application(root / "counter") as counter:
        svc = counter.service
        svc.initialise("K07", "Kidwai Nagar")
        svc.add_user("clerk1", "Ramesh Kumar", "clerk", "1111")
        svc.add_user("super1", "Sunita Verma", "supervisor", "9999")
        load_demo_consumers(counter.store, 3000)
        printed = root / "printed"
        window = build_window(counter, printer=PdfPrinter(printed))
        w, ctx = window, window.ctx
        w.resize(*SIZE)
        w.show()

        def shot(name: str) -> None:
            settle(300)
            w.grab().save(str(out / f"{name}-{ctx.language.code}.png"))

        def log_in(user: str, pin: str) -> None:
            if ctx.session is not None:
                w.log_out()
            type_into(w.login_page.user, user, enter=True)
            type_into(w.login_page.pin, pin, enter=True)
            wait_until(lambda: ctx.session is not None and not ctx.runner.busy)
            settle()

        cp, page, dep = w.collect_page, w.pickup_page, w.supervisor_page.deposit
        for lang, accounts in (("en", DUE[:4]), ("hi", DUE[4:])):
            if ctx.language.code != lang:
                w.toggle_language()
            if ctx.session is not None:
                w.log_out()
            sign_in(w)
            for i in accounts:
                before = cp.last_receipt
                type_into(cp.account, account_no_for_index(i), enter=True)
                wait_until(lambda: cp.card.view is not None)
                QTest.keyClick(w, Qt.Key.Key_F9)
                wait_until(lambda before=before: cp.last_receipt is not before and not ctx.runner.busy)
            # a cheque, so that the deposit has one to list
            session = ctx.session
            assert session is not None
            day = svc.clock().date().isoformat()
            svc.issue_receipt(session, Payment(account_no_for_index(accounts[0] + 30), 12_500_00, Mode.CHEQUE,
                                               Instrument(number=f"4455{len(accounts)}{lang == 'hi':d}", date=day,
                                                          bank="Punjab National Bank", ifsc="PUNB0123400")))
            QTest.keyClick(w, Qt.Key.Key_F8)
            wait_until(lambda: page.drawer is not None and not ctx.runner.busy)
            for key, n in (("N500", "6"), ("N200", "5"), ("N100", "4")):
                page.grid.edits[key].setFocus()
                type_into(page.grid.edits[key], n)
            page.remark.setFocus()
            type_into(page.remark, "Mid-day pickup to the safe")
            type_into(page.supervisor, "super1")
            type_into(page.supervisor_pin, "9999")
            shot("20-pickup")
            n = len(ctx.printed)
            QTest.keyClick(w, Qt.Key.Key_F9)
            wait_until(lambda n=n: len(ctx.printed) > n and not ctx.runner.busy, timeout_s=30)
            shot("21-pickup-recorded")
            slip = ctx.printed[-1]
            subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", slip, str(out / f"pickup-slip-80mm-{lang}")],
                           check=True)
            # the clerk closes the shift with the exact count, so the day has something to deposit
            closing = CloseService(svc)
            ticked = [r.receipt_id for r, _v in svc.shift_receipts(w.ctx.shift_id or "") if r.mode == "cheque"]
            preview = closing.preview_shift_close(session, {}, ticked)
            rupees = preview.expected_cash_paise // 100
            counts = {"N500": rupees // 500, "N100": rupees % 500 // 100, "N10": rupees % 100 // 10,
                      "C1": rupees % 10}
            closing.close_shift(session, counts, ticked, remark="paise in the tin")
            w.log_out()
            log_in("super1", "9999")
            QTest.keyClick(w, Qt.Key.Key_F7)
            wait_until(lambda: w.stack.currentWidget() is w.supervisor_page and not ctx.runner.busy)
            w.supervisor_page.tabs.setCurrentWidget(dep)
            wait_until(lambda: dep.draft is not None and not ctx.runner.busy)
            for field, text in ((dep.bank, "State Bank of India"), (dep.branch, "Mall Road, Kanpur"),
                                (dep.slip_no, "PS-778812" if lang == "en" else "PS-778813")):
                field.clear()
                type_into(field, text)
            shot("22-deposit")
            n = len(ctx.printed)
            QTest.keyClick(w, Qt.Key.Key_F9)
            wait_until(lambda n=n: len(ctx.printed) > n and not ctx.runner.busy, timeout_s=30)
            shot("23-deposit-recorded")
            if lang == "en":
                subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", ctx.printed[-1],
                                str(out / "deposit-pay-in-slip")], check=True)
            w.log_out()
        window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
