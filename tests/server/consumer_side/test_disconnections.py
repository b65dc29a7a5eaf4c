"""The disconnection check against a real server on loopback: accounts that paid during the
month-end closing at a counter that synced only after the period reopened are "paid"; voided,
dishonoured and pre-bill receipts do not count; parked ones are listed and flagged; bad lists are
refused whole with a clear message and no result file."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import httpx
import pytest

from central_server import cli
from tests.server.util import N_CONSUMERS, inactive_account
from tests.support.live_server import LiveServer, enroll, load_demo_consumers, register_counter
from tests.support.receipts import ReceiptChain, dishonour_record, void_record, wires

BILL_DAY = "2026-11-20"
CLOSING = (date(2026, 11, 26), date(2026, 11, 30))


def _push(api: str, code: str, token: str, records: list[dict]) -> list[str]:
    r = httpx.post(f"{api}/counters/{code}/records", json={"records": records},
                   headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 200, r.text
    return [x["status"] for x in r.json()["results"]]


def _run(*argv: str) -> int:
    return cli.main(list(argv))


def _result(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return {row["account_no"]: row for row in csv.DictReader(f)}


@pytest.fixture
def server(database_url: str) -> tuple[str, LiveServer]:
    load_demo_consumers(database_url, N_CONSUMERS)
    with LiveServer(database_url) as srv:
        yield database_url, srv


def test_paid_during_closing_at_a_counter_that_synced_afterwards(server: tuple[str, LiveServer],
                                                                 tmp_path: Path) -> None:
    url, srv = server
    tokens = {code: enroll(srv.api, code, register_counter(url, code)) for code in ("K01", "K02")}
    accts = ["2110000002", "2110000018", "2110000025", "2110000039", "2110000041"]
    parked_acct = inactive_account("disconnected")
    online = ReceiptChain("K01", accts)
    offline = ReceiptChain("K02", accts)
    # before the bill: not counted against it
    early = online.next(account_no=accts[4], amount_paise=5_000_00, business_date=date(2026, 11, 18))
    assert _push(srv.api, "K01", tokens["K01"], wires([early])) == ["accepted"]

    assert _run("period", "close", "--first-day", CLOSING[0].isoformat(), "--database-url", url) == 0
    # K01 syncs during closing (collect mode); K02 is offline all through it
    k01 = [online.next(account_no=accts[0], amount_paise=600_00, business_date=CLOSING[0]),
           online.next(account_no=accts[2], amount_paise=999_00, business_date=CLOSING[0]),
           online.next(account_no=accts[3], amount_paise=700_00, mode="cheque", business_date=CLOSING[0])]
    assert _push(srv.api, "K01", tokens["K01"], wires(k01)) == ["accepted"] * 3
    k02 = [offline.next(account_no=accts[0], amount_paise=680_00, business_date=CLOSING[1]),
           offline.next(account_no=accts[1], amount_paise=1_000_00, business_date=CLOSING[1]),
           offline.next(account_no=parked_acct, amount_paise=2_000_00, business_date=CLOSING[1])]
    assert _run("period", "open", "--last-day", CLOSING[1].isoformat(), "--database-url", url) == 0
    # after the reopening K02 comes back and sends what it took during the closing
    assert _push(srv.api, "K02", tokens["K02"], wires(k02)) == ["accepted", "accepted", "parked"]
    # the clerk at K01 voided the second receipt; the cheque bounced
    assert _push(srv.api, "K01", tokens["K01"], [void_record(k01[1]), dishonour_record(k01[2])]) == ["accepted"] * 2

    lst = tmp_path / "disconnect.csv"
    lst.write_text("account_no,bill_no,amount_due,bill_date\n"
                   f"{accts[0]},B1,1280.00,{BILL_DAY}\n"  # 600 + 680 = 1280: paid, partly while offline
                   f"{accts[1]},B2,2500.50,{BILL_DAY}\n"  # 1000 of 2500.50: partly paid
                   f"{accts[2]},B3,999,{BILL_DAY}\n"  # voided: not paid
                   f"{accts[3]},B4,700,{BILL_DAY}\n"  # dishonoured: not paid
                   f"{accts[4]},B5,5000,{BILL_DAY}\n"  # paid before the bill: not paid
                   f"{parked_acct},B6,2000,{BILL_DAY}\n"  # parked: listed, flagged, not counted
                   "9999999999,B7,100,\n", encoding="utf-8")  # unknown account, no bill date
    out = tmp_path / "result.csv"
    assert _run("disconnections", "check", str(lst), "--out", str(out), "--database-url", url) == 0
    res = _result(out)
    got = {a: res[a]["verdict"] for a in res}
    assert got == {accts[0]: "paid", accts[1]: "partly_paid", accts[2]: "not_paid", accts[3]: "not_paid",
                   accts[4]: "not_paid", parked_acct: "not_paid", "9999999999": "not_paid"}
    paid = res[accts[0]]
    assert (paid["paid_paise"], paid["amount_due_paise"], paid["covers"]) == ("128000", "128000", "yes")
    assert paid["receipts"].split() == sorted([k01[0].receipt_no, k02[0].receipt_no])
    assert paid["receipts_in_closing"].split() == sorted([k01[0].receipt_no, k02[0].receipt_no])
    assert (res[accts[1]]["paid_paise"], res[accts[1]]["covers"]) == ("100000", "no")
    assert res[accts[2]]["receipts"] == "" and res[accts[4]]["receipts"] == ""
    flagged = res[parked_acct]
    assert (flagged["paid_paise"], flagged["parked_paise"], flagged["parked_receipts"]) == (
        "0", "200000", k02[2].receipt_no)
    assert "parked" in flagged["note"]
    assert "not in the master" in res["9999999999"]["note"]


def test_summary_counts_and_the_bill_from_the_master(server: tuple[str, LiveServer], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    url, srv = server
    token = enroll(srv.api, "K03", register_counter(url, "K03"))
    # 2110000002's latest bill in the master: 261116043894 of 2026-11-19
    chain = ReceiptChain("K03", ["2110000002"])
    assert _push(srv.api, "K03", token, wires([chain.next(amount_paise=1_279_68, business_date=date(2026, 11, 22))])) \
        == ["accepted"]
    lst = tmp_path / "list.csv"
    lst.write_text("account_no,bill_no,amount_due\n2110000002,261116043894,1279.68\n2110000018,OTHER,10\n",
                   encoding="utf-8")
    out = tmp_path / "r.csv"
    assert _run("disconnections", "check", str(lst), "--out", str(out), "--json", "--database-url", url) == 0
    import json

    summary = json.loads(capsys.readouterr().out)
    assert (summary["lines"], summary["paid"], summary["not_paid"], summary["bill_unknown"]) == (2, 1, 1, 1)
    assert _result(out)["2110000018"]["note"].startswith("bill not known")


@pytest.mark.parametrize(("content", "message"), [
    ("account,bill_no,amount_due\n2110000002,B1,10\n", "missing column(s) 'account_no'"),
    ("account_no,bill_no,amount_due\n2110000002,B1,ten\n", "line 2, column 'amount_due': not an amount"),
    ("account_no,bill_no,amount_due\n2110000002,B1,10.005\n", "line 2, column 'amount_due': more than two decimals"),
    ("account_no,bill_no,amount_due\n2110000002,B1,-5\n", "the amount due must be above zero"),
    ("account_no,bill_no,amount_due\n2110000002,B1,10\n2110000002,B2,10\n", "listed twice"),
    ("account_no,bill_no,amount_due\n2110000002,B1\n", "line 2: 2 fields, the header has 3"),
    ("account_no,bill_no,amount_due,bill_date\n2110000002,B1,10,31/11/2026\n", "column 'bill_date': not a date"),
    ("", "empty"),
])
def test_bad_lists_are_refused_whole(database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     content: str, message: str) -> None:
    lst = tmp_path / "bad.csv"
    lst.write_text(content, encoding="utf-8")
    out = tmp_path / "r.csv"
    assert _run("disconnections", "check", str(lst), "--out", str(out), "--database-url", database_url) == 1
    err = capsys.readouterr().err
    assert "refused" in err and message in err, err
    assert not out.exists() and not (tmp_path / "r.csv.part").exists()


def test_a_mapping_names_the_columns(database_url: str, tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('[file]\ndelimiter = ";"\namounts = "paise"\ndate_formats = ["DD-MM-YYYY"]\n'
                       '[columns]\naccount_no = "ACCT"\nbill_no = "BILLNO"\nbill_date = "BILLDT"\n'
                       '[disconnections]\namount_due = "NET_DUE"\n', encoding="utf-8")
    lst = tmp_path / "l.csv"
    lst.write_text("ACCT;BILLNO;NET_DUE;BILLDT\n2110000002;B1;12345;20-11-2026\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    assert _run("disconnections", "check", str(lst), "--out", str(out), "--mapping", str(mapping),
                "--database-url", database_url) == 0
    assert _result(out)["2110000002"]["amount_due_paise"] == "12345"
