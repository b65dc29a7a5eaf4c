"""Child process of the crash test: issues receipts in a loop and reports each one on stdout the
moment issue_receipt returns (i.e. after commit). The parent kills it with SIGKILL at random."""

from __future__ import annotations

import os
import sys

from counter_app.app import open_application
from counter_app.domain.receipt import Instrument
from counter_app.services.collection import Payment
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.records import Mode


def report_before_commit() -> None:
    """Negative control: a buggy counter that tells the clerk 'done' before the commit."""
    import time

    from counter_app.storage import receipts as repo

    original = repo.insert_receipt

    def early(conn, r):  # type: ignore[no-untyped-def]
        original(conn, r)
        sys.stdout.write(f"committed {r.seq} {r.receipt_id}\n")
        sys.stdout.flush()
        time.sleep(0.03)

    repo.insert_receipt = early  # type: ignore[assignment]


def main(data_dir: str) -> None:
    early = bool(os.environ.get("CRASH_REPORT_BEFORE_COMMIT"))
    if early:
        report_before_commit()
    c = open_application(data_dir)
    svc = c.service
    clerk = svc.login("clerk1", "1111")
    if svc.current_shift(clerk) is None:
        svc.open_shift(clerk, 0)
    print("ready", flush=True)
    i = 0
    while True:
        i += 1
        mode = Mode.UPI if i % 5 == 0 else Mode.CASH
        inst = Instrument(reference=f"UTR{i:09d}") if mode is Mode.UPI else None
        r = svc.issue_receipt(clerk, Payment(account_no_for_index(i % 100), 100_00 + i, mode, inst))
        if not early:
            sys.stdout.write(f"committed {r.seq} {r.receipt_id}\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
