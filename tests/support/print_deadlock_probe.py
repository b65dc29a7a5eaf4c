"""Run as a program by tests/printing/test_print_gui_thread.py: print PDFs on the task runner's
workers while the GUI thread keeps setting a label's text, with a Qt message handler written in
Python installed (as pytest-qt installs one). Prints `round N` as each round starts and
`finished N` when all rounds are done (`--rounds N`, 60 by default). With `--render-on-worker`
the render stays on the worker, as it did before printing/gui_thread.py: that is the negative
control, and it hangs (its rounds stop coming)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QLabel

ROUNDS = 60
# Hindi as on every receipt, and two more scripts: each script a font lacks logs one warning
# from inside the font lock, the first time a thread lays it out.
RECEIPT_TEXT = "नमस्ते রসিদ ਪੰਜਾਬੀ"
LABEL_TEXT = "प्राप्ति বাংলা ગુજરાતી"


def main() -> None:
    qInstallMessageHandler(lambda kind, context, message: None)
    app = QApplication(sys.argv[:1])
    from counter_app.printing import printers
    from counter_app.printing.render import ROLL_80MM
    from counter_app.ui.tasks import TaskRunner

    if "--render-on-worker" in sys.argv:
        setattr(printers, "on_gui_thread", lambda fn: fn())  # noqa: B010 - the old behaviour, patched in
    out = Path(tempfile.mkdtemp(prefix="print-probe-"))
    runner = TaskRunner(max_threads=3)
    runner.pool.setExpiryTimeout(1)  # fresh threads, so each lays its fonts out again
    label = QLabel()
    label.show()
    rounds = [0]
    total = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else ROUNDS

    def job(n: int) -> object:
        return lambda: printers.write_pdf(f"<p>{RECEIPT_TEXT} {n}</p>", {}, ROLL_80MM, out / f"{n % 6}.pdf", "probe")

    def tick() -> None:
        for k in range(20):
            label.setText(f"{LABEL_TEXT} {rounds[0]} {k}")
            label.adjustSize()
        if not runner.busy:
            rounds[0] += 1
            if rounds[0] > total:
                app.quit()
                return
            print("round", rounds[0], flush=True)
            for j in range(3):
                runner.submit(job(rounds[0] * 3 + j))  # type: ignore[arg-type]

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(0)
    app.exec()
    print("finished", rounds[0] - 1, flush=True)


if __name__ == "__main__":
    main()
