"""A counter process killed (SIGKILL) again and again while it issues payments of one cheque for
50 accounts: after every kill each cheque has all of its 50 receipts or none (never half a
payment that the clerk would have to reconstruct), the chain is whole, and the audit names every
payment that exists. Negative control: the same check does catch a half payment when receipts of
one cheque are committed one at a time and the run stops in the middle."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from counter_app.app import open_application
from counter_app.domain.receipt import Instrument
from counter_app.services.collection import Payment
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.records import Mode
from tests.conftest import CLERK, make_counter
from tests.support.part_payment import without_minimum

ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = 50

WORKER = f"""
import sys
from pathlib import Path
from counter_app.app import open_application
from counter_app.domain.receipt import Instrument
from counter_app.services.group_payment import GroupLine, GroupPaymentRequest, issue_group
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.records import Mode
c = open_application(Path(sys.argv[1]))
s = c.service
clerk = s.login("clerk1", "1111")
if s.current_shift(clerk) is None:
    s.open_shift(clerk, 0)
n = 0
while True:
    lines = tuple(GroupLine(account_no_for_index(i), 100_00 + i) for i in range({ACCOUNTS}))
    inst = Instrument(number=str(100000 + n), date=s.clock().date().isoformat(), bank="State Bank of India",
                      ifsc="SBIN0001234")
    issue_group(s, clerk, GroupPaymentRequest(Mode.CHEQUE, inst, sum(x.amount_paise for x in lines), lines))
    n += 1
    print(n, flush=True)
"""


def half_payments(data_dir: Path) -> tuple[dict[str, int], int, bool]:
    """Receipts per cheque group that is not whole, the payments the audit names, chain ok."""
    with open_application(data_dir) as c:
        with c.store.db.read() as conn:
            counts = {str(g): int(n) for g, n in conn.execute(text(
                "SELECT json_extract(canonical, '$.instrument.group_id') g, COUNT(*) FROM receipts "
                "WHERE g IS NOT NULL GROUP BY g"))}
            audited = int(conn.execute(text("SELECT COUNT(*) FROM audit WHERE action='group_payment'")).scalar_one())
        ok = bool(c.service.verify()["ok"])
    broken = {g: n for g, n in counts.items() if n != ACCOUNTS}
    return broken, audited - len(counts), ok


def test_sigkill_while_issuing_one_cheque_for_many_accounts_never_leaves_half_a_payment(tmp_path: Path) -> None:
    data_dir = tmp_path / "counter"
    without_minimum(make_counter(data_dir, consumers=ACCOUNTS + 10)).close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rng = random.Random(16)
    groups = 0
    for _ in range(6):
        p = subprocess.Popen([sys.executable, "-c", WORKER, str(data_dir)], env=env, cwd=str(ROOT),
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert p.stdout is not None
        assert p.stdout.readline().strip()  # its first payment is in; the next ones are killed mid-way
        time.sleep(rng.uniform(0.05, 1.0))
        p.send_signal(signal.SIGKILL)
        p.wait(10)
        broken, unaudited, ok = half_payments(data_dir)
        assert broken == {} and unaudited == 0 and ok
        with open_application(data_dir) as c, c.store.db.read() as conn:
            groups = int(conn.execute(text("SELECT COUNT(*) FROM audit WHERE action='group_payment'")).scalar_one())
    assert groups >= 6  # every run made payments before it was killed


def test_negative_control_one_receipt_at_a_time_is_caught_as_half_a_payment(tmp_path: Path) -> None:
    data_dir = tmp_path / "counter"
    c = make_counter(data_dir, consumers=ACCOUNTS + 10)
    try:
        svc = c.service
        clerk = svc.login(*CLERK)
        svc.open_shift(clerk, 0)
        inst = Instrument(number="100000", date=svc.clock().date().isoformat(), bank="State Bank of India",
                          ifsc="SBIN0001234", group_id="naive-group")
        for i in range(20):  # the naive way, a transaction per receipt, stopped (as by a crash) after 20 of 50
            acct = account_no_for_index(i)
            with svc.db.write() as conn:
                svc._write_receipt(conn, clerk, Payment(acct, 100_00 + i, Mode.CHEQUE, inst), acct, Mode.CHEQUE, inst,
                                   0, None, svc.clock())
    finally:
        c.close()
    broken, _unaudited, _ok = half_payments(data_dir)
    assert broken == {"naive-group": 20}
