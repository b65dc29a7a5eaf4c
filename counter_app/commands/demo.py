"""`counter-app demo --headless`: a whole counter day with no window and no server, to show the core
works on a fresh machine: demo consumers, a shift, receipts in every mode, a void, verification."""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from counter_app.app import open_counter
from counter_app.domain.money import format_inr
from counter_app.domain.receipt import Instrument, Mode
from counter_app.domain.words import amount_in_words_en, amount_in_words_hi
from counter_app.services.counter import Payment


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="run the demo (headless: a scripted counter day, no server)")
    p.add_argument("--headless", action="store_true", help="no window: scripted receipts and a summary")
    p.add_argument("--consumers", type=int, default=20_000)
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    return run_headless_demo(args.data_dir, args.consumers)


def run_headless_demo(data_dir: str | None, consumers: int) -> int:
    from counter_app.domain.demo_data import account_no_for_index
    from counter_app.services.consumers import load_demo_consumers

    root = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="kesco-demo-"))
    with open_counter(root) as c:
        svc = c.service
        if not c.store.get_meta("counter_code"):
            svc.initialise("K01", "Kidwai Nagar (demo)")
        existing = {u[0] for u in svc.list_users()}
        if "clerk1" not in existing:
            svc.add_user("clerk1", "Ramesh Kumar", "clerk", "1111")
        if "super1" not in existing:
            svc.add_user("super1", "Sunita Verma", "supervisor", "9999")
        t = time.perf_counter()
        n = load_demo_consumers(c.store, consumers)
        print(f"Demo data: {n:,} consumers in {time.perf_counter() - t:.1f} s -> {root}")
        clerk = svc.login("clerk1", "1111")
        if svc.current_shift(clerk) is None:
            svc.open_shift(clerk, 2000_00)
        today = svc.clock().date()
        payments = [
            Payment(account_no_for_index(0), svc.lookup(account_no_for_index(0)).consumer.amount_due_paise or 500_00,
                    Mode.CASH, tendered_paise=None),
            Payment(account_no_for_index(1), 1234_50, Mode.CHEQUE,
                    Instrument(number="123456", date=(today - timedelta(days=3)).isoformat(),
                               bank="State Bank of India", ifsc="SBIN0001234")),
            Payment(account_no_for_index(2), 750_00, Mode.UPI, Instrument(reference="UPI4231987654")),
        ]
        issued = [svc.issue_receipt(clerk, p) for p in payments]
        for r in issued:
            print(f"  {r.receipt_no}  {r.account_no}  {format_inr(r.amount_paise):>14}  {r.mode:6}  {r.consumer_name}")
        r = issued[0]
        print(f"  in words: {amount_in_words_en(r.amount_paise)}")
        print(f"            {amount_in_words_hi(r.amount_paise)}")
        v = svc.void_receipt(clerk, issued[2].receipt_no, "Wrong account keyed", "super1", "9999")
        print(f"  voided {v.receipt_no} (approved by {v.approved_by})")
        report = svc.verify()
        print(f"Verify: {'OK' if report['ok'] else 'FAILED'}; {report['receipts']} receipts, "
              f"{report['chain_checked']} chain links checked")
        for p in report["problems"]:
            print("  PROBLEM:", p)
        return 0 if report["ok"] else 1
