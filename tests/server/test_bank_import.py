"""`central-server bank import` round trip, on SQLite and PostgreSQL: a counter's receipts and
pay-in slips arrive, then the bank's statement (SBI layout): slips matched by number and amount,
cheques realised, one multi-account cheque returned (every receipt of it dishonoured at the
server, balances and the billing postings reversed), one line unmatched and listed for review.
The same file twice changes nothing; a statement with one changed line imports that line only.
Bad statements (columns, amounts, dates, duplicate lines) are refused and change nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from central_server import cli, db
from central_server.bank.statement import load_mapping
from central_server.bank.statement_import import StatementRefused, import_statement
from central_server.bank.tables import bank_imports, bank_lines, bank_review, deposits, instruments
from central_server.models import billing_postings, consumers, receipts, records
from kesco_protocol.records import Receipt
from tests.server.util import enrolled, post, statuses
from tests.support.bank_records import deposit_record, pickup_record
from tests.support.bank_statement import Txn, statement_text, write_sbi_statement
from tests.support.receipts import ReceiptChain, wire

ROOT = Path(__file__).resolve().parents[2]
SBI = ROOT / "docs" / "examples" / "bank-statement-sbi.toml"
K = "K61"


@dataclass
class Day:
    cash: list[Receipt]
    cheque: Receipt
    society: list[Receipt]
    dd: Receipt
    next_day_cash: Receipt
    slip1: dict[str, Any]
    slip2: dict[str, Any]
    start: dict[str, int]  # balances before any receipt


def balances(engine: Engine, accts: list[str]) -> dict[str, tuple[int, int]]:
    with db.read_tx(engine) as conn:
        return {a: (int(b), int(d)) for a, b, d in conn.execute(
            select(consumers.c.account_no, consumers.c.balance_paise, consumers.c.dishonoured_cheques)
            .where(consumers.c.account_no.in_(accts)))}


def setup_day(client: Any, engine: Engine, accounts: list[str]) -> Day:
    h = enrolled(client, engine, K)
    start = {a: b for a, (b, _) in balances(engine, accounts[:8]).items()}
    chain = ReceiptChain(K, accounts[:8])
    cash = [chain.next(account_no=accounts[0], amount_paise=1_500_00),
            chain.next(account_no=accounts[1], amount_paise=2_500_00)]
    cheque = chain.next(account_no=accounts[2], mode="cheque", amount_paise=3_210_00,
                        instrument={"number": "100201", "date": "2026-11-27", "bank": "HDFC Bank"})
    group = str(uuid.uuid4())
    inst = {"number": "445566", "date": "2026-11-26", "bank": "Punjab National Bank", "group_id": group}
    society = [chain.next(account_no=a, mode="cheque", instrument=inst, amount_paise=p)
               for a, p in zip(accounts[3:6], (1_000_00, 2_000_00, 3_000_00), strict=True)]
    dd = chain.next(account_no=accounts[6], mode="dd", amount_paise=7_777_00,
                    instrument={"number": "900001", "date": "2026-11-25", "bank": "Bank of Baroda"})
    nxt = chain.next(account_no=accounts[7], amount_paise=1_000_00, business_date=date(2026, 11, 28))
    slip1 = deposit_record(K, "2026-11-27", "PIS-101", {"500": 8}, [cheque, *society, dd])
    slip2 = deposit_record(K, "2026-11-28", "PIS-102", {"500": 2})
    recs = [wire(r) for r in [*cash, cheque, *society, dd, nxt]]
    recs += [pickup_record(K, chain.shift_id, {"500": 4}), slip1, slip2]
    assert set(statuses(post(client, K, h, recs))) == {"accepted"}
    return Day(cash, cheque, society, dd, nxt, slip1, slip2, start)


def statement(day: Day, *, unmatched_ref: str = "N333012345") -> list[Txn]:
    return [
        Txn("27 Nov 2026", "BY CASH DEPOSIT PIS-101 KESCO K61", "PIS-101", credit=4_000_00),
        Txn("28 Nov 2026", "CLG CHQ 100201 HDFC", "100201", credit=3_210_00),
        Txn("28 Nov 2026", "CLG CHQ 445566 PNB", "445566", credit=6_000_00),
        Txn("28 Nov 2026", "BY CASH PIS-102", "PIS-102", credit=1_000_00),
        Txn("29 Nov 2026", "NEFT FROM UNKNOWN REMITTER", unmatched_ref, credit=12_345_00),
        Txn("30 Nov 2026", "CHQ RETURN 445566 FUNDS INSUFFICIENT", "445566", debit=6_000_00),
    ]


def snapshot(engine: Engine) -> dict[str, Any]:
    """Everything an import may change, to compare before and after."""
    with db.read_tx(engine) as conn:
        return {
            "consumers": sorted(conn.execute(select(consumers.c.account_no, consumers.c.balance_paise,
                                                    consumers.c.dishonoured_cheques, consumers.c.version)).all()),
            "receipts": sorted(conn.execute(select(receipts.c.receipt_id, receipts.c.reversed_by)).all()),
            "records": int(conn.execute(select(func.count()).select_from(records)).scalar_one()),
            "postings": sorted(conn.execute(select(billing_postings.c.posting_id, billing_postings.c.amount_paise)).all()),
            "deposits": sorted(conn.execute(select(deposits.c.deposit_id, deposits.c.state)).all()),
            "instruments": sorted(conn.execute(select(instruments.c.receipt_id, instruments.c.state)).all()),
            "lines": int(conn.execute(select(func.count()).select_from(bank_lines)).scalar_one()),
            "review": int(conn.execute(select(func.count()).select_from(bank_review)).scalar_one()),
        }


def test_statement_round_trip(client, engine, accounts, tmp_path):
    day = setup_day(client, engine, accounts)
    path = write_sbi_statement(tmp_path / "sbi-nov.csv", statement(day))
    before = snapshot(engine)
    rep = import_statement(engine, path, load_mapping(SBI), loaded_by="accounts1")
    assert rep.outcome == "applied", rep
    assert (rep.lines_read, rep.deposits_matched, rep.instruments_realised, rep.instruments_returned,
            rep.receipts_dishonoured, rep.lines_unmatched) == (6, 2, 2, 1, 3, 1), rep

    with db.read_tx(engine) as conn:
        slips = dict(conn.execute(select(deposits.c.slip_no, deposits.c.state)).all())
        states = dict(conn.execute(select(instruments.c.receipt_id, instruments.c.state)).all())
        reversed_by = dict(conn.execute(select(receipts.c.receipt_id, receipts.c.reversed_by)).all())
        dishonours = conn.execute(select(records).where(records.c.kind == "dishonour")).mappings().all()
        reversals = conn.execute(select(billing_postings).where(billing_postings.c.kind == "reversal")
                                 .order_by(billing_postings.c.posting_id)).mappings().all()
        payments = {p.receipt_id: p for p in conn.execute(select(billing_postings)
                                                           .where(billing_postings.c.kind == "payment"))}
        review = conn.execute(select(bank_review.c.reason, bank_lines.c.reference, bank_lines.c.credit_paise)
                              .join(bank_lines, bank_lines.c.id == bank_review.c.line_id)).all()
    # the first slip's cash came first, its cheques one by one; the second slip was cash only
    assert slips == {"PIS-101": "cash", "PIS-102": "matched"}
    assert states[day.cheque.receipt_id] == "realised" and states[day.dd.receipt_id] == "deposited"
    assert {states[r.receipt_id] for r in day.society} == {"returned"}
    # every receipt of the returned cheque dishonoured at the server, as if from the counter
    assert {d["target_receipt_id"] for d in dishonours} == {r.receipt_id for r in day.society}
    assert all(d["applied"] and d["counter_code"] == K and d["business_date"] == "2026-11-30" for d in dishonours)
    assert {reversed_by[r.receipt_id] for r in day.society} == {d["record_id"] for d in dishonours}
    assert reversed_by[day.cheque.receipt_id] is None
    # balances back where they were before the cheque, one more dishonoured cheque each
    after = balances(engine, [r.account_no for r in day.society])
    assert after == {r.account_no: (day.start[r.account_no], 1) for r in day.society}
    # billing: one reversal per receipt, naming its payment, dated the return
    assert sorted((p["receipt_id"], p["amount_paise"], p["source"], p["value_date"]) for p in reversals) == sorted(
        (r.receipt_id, -r.amount_paise, "dishonour", "2026-11-30") for r in day.society)
    assert all(p["reverses_posting_id"] == payments[p["receipt_id"]].posting_id for p in reversals)
    assert review == [("a credit with no deposit slip or cheque/DD of ours for this number and amount",
                       "N333012345", 12_345_00)]
    changed = snapshot(engine)
    assert changed != before

    # the same file again: nothing changes
    again = import_statement(engine, path, load_mapping(SBI))
    assert again.outcome == "duplicate" and "nothing changed" in again.message
    assert snapshot(engine) == changed
    # the same lines in another file (another name, the same bytes): still a duplicate by SHA-256
    copy = tmp_path / "copy.csv"
    copy.write_bytes(path.read_bytes())
    assert import_statement(engine, copy, load_mapping(SBI)).outcome == "duplicate"
    assert snapshot(engine) == changed

    # negative control: one changed line is a new line, imported; the others are seen already
    path2 = write_sbi_statement(tmp_path / "sbi-nov-2.csv", statement(day, unmatched_ref="N333012399"))
    rep2 = import_statement(engine, path2, load_mapping(SBI))
    assert rep2.outcome == "applied" and rep2.lines_seen == 5 and rep2.lines_unmatched == 1, rep2
    final = snapshot(engine)
    assert final["review"] == changed["review"] + 1 and final["lines"] == changed["lines"] + 1
    assert {k: v for k, v in final.items() if k not in ("review", "lines")} == \
        {k: v for k, v in changed.items() if k not in ("review", "lines")}


def test_dry_run_changes_nothing(client, engine, accounts, tmp_path):
    day = setup_day(client, engine, accounts)
    path = write_sbi_statement(tmp_path / "s.csv", statement(day))
    before = snapshot(engine)
    rep = import_statement(engine, path, load_mapping(SBI), dry_run=True)
    assert rep.outcome == "dry_run" and rep.receipts_dishonoured == 3 and rep.lines_unmatched == 1
    assert snapshot(engine) == before
    assert import_statement(engine, path, load_mapping(SBI)).outcome == "applied"  # a dry run is no import


def _text(day: Day) -> str:
    return statement_text(statement(day))


BAD = [
    ("wrong column", lambda t: t.replace("Ref No./Cheque No.", "Cheque Number", 1), "unknown column(s)"),
    ("missing column", lambda t: t.replace(",Credit,", ",Amount,", 1), "missing column(s) 'Credit'"),
    ("amount", lambda t: t.replace("3,210.00", "3,21O.00", 1), "not an amount"),
    ("amount decimals", lambda t: t.replace("3,210.00", "3,210.005", 1), "more than two decimals"),
    ("both amounts", lambda t: t.replace('1234,,"3,210.00"', '1234,1.00,"3,210.00"', 1), "either a debit or a credit"),
    ("negative", lambda t: t.replace('1234,,"3,210.00"', '1234,,"-3,210.00"', 1), "negative"),
    ("date", lambda t: t.replace("28 Nov 2026,28 Nov 2026,CLG CHQ 100201", "31 Nov 2026,28 Nov 2026,CLG CHQ 100201",
                                 1), "not a calendar date"),
    ("date format", lambda t: t.replace("29 Nov 2026,29 Nov 2026", "2026.11.29,29 Nov 2026", 1), "not a date"),
    ("duplicate line", lambda t: t.replace("\r\n**", "\r\n" + [x for x in t.split("\r\n") if "100201" in x][0]
                                           + "\r\n**", 1), "duplicate line"),
    ("fields", lambda t: t.replace("NEFT FROM UNKNOWN REMITTER,", "NEFT FROM, UNKNOWN REMITTER,", 1), "fields where"),
]


@pytest.mark.parametrize(("what", "change", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_statement_refused_nothing_changed(client, engine, accounts, tmp_path, what, change, message):
    day = setup_day(client, engine, accounts)
    good = _text(day)
    bad = change(good)
    assert bad != good, what
    path = tmp_path / "bad.csv"
    path.write_text(bad, encoding="utf-8")
    before = snapshot(engine)
    with pytest.raises(StatementRefused) as e:
        import_statement(engine, path, load_mapping(SBI))
    assert message in e.value.report.message and "nothing applied" in e.value.report.message, e.value.report.message
    assert Path(e.value.report.rejects_path).read_text(encoding="utf-8").startswith("line,column,reason,value")
    assert snapshot(engine) == before
    with db.read_tx(engine) as conn:
        assert conn.execute(select(bank_imports.c.outcome)).scalars().all() == ["refused"]
    # negative control: the good statement of the same day imports
    (tmp_path / "good.csv").write_text(good, encoding="utf-8")
    assert import_statement(engine, tmp_path / "good.csv", load_mapping(SBI)).outcome == "applied"


def test_bank_import_command(client, engine, accounts, tmp_path, database_url, capsys):
    day = setup_day(client, engine, accounts)
    path = write_sbi_statement(tmp_path / "s.csv", statement(day))
    url = ["--database-url", database_url]
    assert cli.main(["bank", "import", str(path), "--mapping", str(SBI), "--dry-run", *url]) == 0
    assert "bank statement dry_run" in capsys.readouterr().out
    assert cli.main(["bank", "import", str(path), "--mapping", str(SBI), "--by", "accounts1", *url]) == 0
    assert "1 unmatched for review" in capsys.readouterr().out
    assert cli.main(["bank", "import", str(path), "--mapping", str(SBI), *url]) == 0
    assert "duplicate" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(_text(day).replace("Debit", "Withdrawal", 1), encoding="utf-8")
    assert cli.main(["bank", "import", str(bad), "--mapping", str(SBI), *url]) == 1
    err = capsys.readouterr().err
    assert "nothing applied" in err and "rejects:" in err
    assert cli.main(["bank", "import", str(tmp_path / "nope.csv"), *url]) == 2
    assert cli.main(["bank", "import", str(path), "--mapping", str(tmp_path / "nope.toml"), *url]) == 2
    capsys.readouterr()
    assert cli.main(["bank", "review", *url]) == 0
    assert "N333012345" in capsys.readouterr().out


def test_slip_matched_once_its_cash_and_every_cheque_are_credited(client, engine, accounts, tmp_path):
    day = setup_day(client, engine, accounts)
    txns = [*statement(day), Txn("01 Dec 2026", "CLG DD 900001 BOB", "900001", credit=7_777_00)]
    first = write_sbi_statement(tmp_path / "a.csv", txns[:3])  # cash, one cheque: the others still clearing
    import_statement(engine, first, load_mapping(SBI))
    with db.read_tx(engine) as conn:
        assert conn.execute(select(deposits.c.state).where(deposits.c.slip_no == "PIS-101")).scalar_one() == "cash"
    rep = import_statement(engine, write_sbi_statement(tmp_path / "b.csv", txns), load_mapping(SBI))
    assert rep.lines_seen == 3 and rep.instruments_returned == 1 and rep.instruments_realised == 1, rep
    with db.read_tx(engine) as conn:
        assert conn.execute(select(deposits.c.state).where(deposits.c.slip_no == "PIS-101")).scalar_one() == "matched"
