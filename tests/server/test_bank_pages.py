"""The HQ bank pages render from the real records after a statement import (login as for every
HQ page): the deposits of a day per counter with the oldest undeposited cash marked, the cheques
and DDs by state with a CSV that parses back to the same rows, and the review list of unmatched
statement lines with the statements imported."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from central_server.bank.statement import load_mapping
from central_server.bank.statement_import import import_statement
from kesco_protocol.money import format_inr
from tests.server.test_bank_import import SBI, setup_day, statement
from tests.server.test_hq_auth import add_user, login
from tests.server.util import enrolled, post, statuses
from tests.support.bank_statement import write_sbi_statement
from tests.support.receipts import ReceiptChain, wire


def _row(html: str, table_id: str, first_cell: str) -> str:
    table = html[html.index(f'id="{table_id}"'):]
    table = table[:table.index("</table>")]
    m = re.search(r"<tr[^>]*>\s*<th scope=\"row\">" + re.escape(first_cell) + r"</th>.*?</tr>", table, re.S)
    assert m, (table_id, first_cell)
    return m.group(0)


def test_bank_pages(client, engine, accounts, tmp_path):
    day = setup_day(client, engine, accounts)
    # another counter whose cash of the 26th never reached the bank: the oldest undeposited cash
    h = enrolled(client, engine, "K62")
    late = ReceiptChain("K62", accounts[:3]).take(2, business_date=date(2026, 11, 26))
    assert statuses(post(client, "K62", h, [wire(r) for r in late])) == ["accepted"] * 2
    import_statement(engine, write_sbi_statement(tmp_path / "s.csv", statement(day)), load_mapping(SBI))

    assert client.get("/hq/deposits", follow_redirects=False).status_code == 303  # login first
    add_user(engine)
    assert login(client).status_code == 303

    page = client.get("/hq/deposits?day=2026-11-27")
    assert page.status_code == 200
    collected = sum(r.amount_paise + r.round_off_paise for r in day.cash)
    k61 = _row(page.text, "deposit-day", "K61")
    for paise in (collected, 2_000_00, day.slip1["payload"]["cash_paise"]):  # collected, picked up, deposited
        assert format_inr(paise) in k61
    assert collected == day.slip1["payload"]["cash_paise"] and 'badge ok">0<' in k61
    assert "PIS-101" in page.text and "cash matched, cheques clearing" in page.text
    oldest = _row(page.text, "undeposited", "K62")
    assert 'class="attention oldest"' in oldest and "2026-11-26" in oldest
    assert format_inr(sum(r.amount_paise for r in late)) in oldest
    day26 = client.get("/hq/deposits?day=2026-11-26").text
    assert 'class="attention"' in _row(day26, "deposit-day", "K62")
    assert client.get("/hq/deposits?day=27-11-2026").status_code == 400

    page = client.get("/hq/instruments")
    assert page.status_code == 200
    for r in day.society:
        assert r.receipt_no in page.text
    returned = client.get("/hq/instruments?state=returned").text
    assert all(r.receipt_no in returned for r in day.society) and day.cheque.receipt_no not in returned

    got = client.get("/hq/instruments.csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert {r["receipt_id"]: r["state"] for r in rows} == {
        day.cheque.receipt_id: "realised", day.dd.receipt_id: "deposited",
        **{r.receipt_id: "returned" for r in day.society}}
    assert sum(int(r["amount_paise"]) for r in rows) == sum(
        r.amount_paise for r in [day.cheque, day.dd, *day.society])
    assert {r["slip_no"] for r in rows} == {"PIS-101"}
    only = list(csv.DictReader(io.StringIO(client.get("/hq/instruments.csv?state=realised").text)))
    assert [r["receipt_id"] for r in only] == [day.cheque.receipt_id]

    page = client.get("/hq/bank/review")
    assert page.status_code == 200
    assert "N333012345" in page.text and "NEFT FROM UNKNOWN REMITTER" in page.text
    assert format_inr(12_345_00) in page.text and "applied" in page.text
    board = client.get("/hq/").text
    assert 'href="/hq/deposits"' in board
