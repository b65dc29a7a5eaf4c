"""Regenerate docs/screenshots/: the counter window's main screens in English and Hindi, and a
printed receipt, from a real run (central server on loopback, enrolled demo counter, keystrokes).

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--consumers 5000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.text.font.db=false")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

KEEP = ("01-login", "04-consumer-card", "05-receipt-saved", "06-search", "07-cheque", "08-bad-amount",
        "09-shift-receipts", "10-void-approval", "12-shift-close-count", "13-shift-close-variance", "14-day-close-question",
        "14-day-close")


def main() -> int:
    from counter_app.app import open_application
    from counter_app.commands.demo import (
        COUNTER_CODE,
        COUNTER_NAME,
        DemoServer,
        enrol_and_start,
        prepare_counter,
    )
    from counter_app.ui.app import build_window, create_application
    from kesco_demo import tour as tour_module
    from kesco_demo.close_tour import ClosingTour
    from kesco_demo.tour import Tour, settle, wait_until

    tour_module.SIZE = (1366, 768)  # the README's pictures at the common counter monitor (issue 12)

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    p.add_argument("--consumers", type=int, default=5000)
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="kesco-shots-"))
    server = DemoServer(root)
    code = server.prepare(args.consumers, COUNTER_CODE, COUNTER_NAME)
    server.start()
    app = create_application()
    engine = None
    try:
        prepare_counter(root / "counter")
        with open_application(root / "counter") as counter:
            engine = enrol_and_start(counter, server.url, code)
            if engine is None:
                raise SystemExit("enrollment failed")
            wait_until(lambda: engine.state().snapshot.complete, timeout_s=300)
            window = build_window(counter, engine=engine)
            tour = Tour(window, root / "all")
            tour.run("en")
            tour.run("hi", first_index=10)
            engine.sync_now()
            wait_until(lambda: engine.state().pending == 0, timeout_s=60)
            settle(500)
            closing = ClosingTour(window, root / "all")  # shift closes and the day close, after the collection
            closing.run()
            for shot in tour.saved + closing.saved:
                if shot.stem.rsplit("-", 1)[0] in KEEP:
                    shutil.copy(shot, out / shot.name)
            window.close()
            cheque = next((counter.data_dir / "printed").glob("*_0000002.pdf"))  # the tour's cheque receipt
            subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", str(cheque),
                            str(out / "receipt-80mm")], check=True)
            z_report = next((counter.data_dir / "printed").glob("Z-REPORT-*.pdf"))
            subprocess.run(["pdftoppm", "-r", "70", "-png", "-singlefile", str(z_report),
                            str(out / "day-close-z-report")], check=True)
    finally:
        if engine is not None:
            engine.stop()
        server.stop()
        del app
    print(f"screenshots in {out}; the whole run in {root}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
