"""A bill does not undo a payment: the balance after a bills load is the billed outstanding less
what the server took with a value date after the bill's cut-off (payments_upto, by default the
bill date). On SQLite and PostgreSQL, through the real records endpoint."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from central_server import db
from central_server.billing.master_import import import_master
from central_server.models import consumers
from kesco_demo.billing_export import BILLS_HEADER, bills_rows, write_csv
from tests.server.billing.util import mapping
from tests.server.util import enrolled, post, statuses
from tests.support.receipts import ReceiptChain, dishonour_record, void_record, wires

BILL_DATE = date(2026, 11, 30)


def _balance(engine: Engine, acct: str) -> int:
    with db.read_tx(engine) as conn:
        return int(conn.execute(select(consumers.c.balance_paise).where(consumers.c.account_no == acct)).scalar_one())


def test_payments_after_the_cut_off_stay_on_top_of_the_new_bill(client: TestClient, engine: Engine,
                                                                 accounts: list[str], tmp_path: Path) -> None:
    paid, cheque_payer, quiet, late = accounts[:4]
    h = enrolled(client, engine, "K01")
    chain = ReceiptChain("K01", [paid])
    before_cut = chain.next(account_no=paid, amount_paise=100_00, business_date=date(2026, 11, 27))
    after_cut = chain.next(account_no=paid, amount_paise=50_00, business_date=date(2026, 12, 2), closing=True)
    voided = chain.next(account_no=paid, amount_paise=70_00, business_date=date(2026, 12, 2))
    cheque = chain.next(account_no=cheque_payer, amount_paise=200_00, mode="cheque", business_date=date(2026, 11, 28))
    on_late = chain.next(account_no=late, amount_paise=30_00, business_date=date(2026, 12, 3))
    sent = [before_cut, after_cut, voided, cheque, on_late]
    assert set(statuses(post(client, "K01", h, wires(sent)))) == {"accepted"}
    assert statuses(post(client, "K01", h, [void_record(voided)])) == ["accepted"]
    # the cheque bounces on 1 December: after the cut-off, so the bill still counted it as paid
    assert statuses(post(client, "K01", h, [dishonour_record(cheque)])) == ["accepted"]

    rows = list(bills_rows([paid, cheque_payer, quiet, late], BILL_DATE))
    header = [*BILLS_HEADER, "PAYMENTS_UPTO"]
    rows = [[*r, "05-12-2026" if r[0] == late else ""] for r in rows]
    path = tmp_path / "bills.csv"
    write_csv(path, header, rows)
    from dataclasses import replace

    m = mapping()
    m = replace(m, columns={**m.columns, "payments_upto": "PAYMENTS_UPTO"})
    rep = import_master(engine, path, m, kind="bills")
    assert rep.rows_rejected == 0 and rep.bills_new == 4
    billed = {r[0]: int(r[4].replace(".", "")) for r in rows}
    assert _balance(engine, paid) == billed[paid] - 50_00  # 27 Nov was in the bill; 2 Dec is on top; void nets
    assert _balance(engine, cheque_payer) == billed[cheque_payer] + 200_00  # the bounce after the cut-off
    assert _balance(engine, quiet) == billed[quiet]  # negative control: nothing after the cut-off
    assert _balance(engine, late) == billed[late]  # its bill counted payments up to 5 Dec: 3 Dec included
