"""`master import`: a full master and a bills delta in the utility's shape, on SQLite and
PostgreSQL: counts, mapping, the changes feed, re-loads, dry runs, the closing limit, bad files."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from central_server import db, master
from central_server.billing.master_import import LoadRefused, import_master, recent_loads
from central_server.models import billing_bills, consumers
from kesco_demo.billing_export import BILLS_HEADER, FULL_HEADER, write_bills, write_csv, write_full
from tests.server.billing.util import fingerprint, mapping

N = 400


def _consumer(engine: Engine, acct: str) -> dict[str, object]:
    with db.read_tx(engine) as conn:
        return dict(conn.execute(select(consumers).where(consumers.c.account_no == acct)).mappings().one())


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=";"))


def _full(engine: Engine, tmp_path: Path, n: int = N) -> Path:
    path = tmp_path / "master.csv"
    write_full(path, n)
    rep = import_master(engine, path, mapping(), loaded_by="tester")
    assert rep.outcome == "applied" and rep.rows_new == n
    return path


def test_full_load_maps_codes_dates_amounts_and_reaches_the_changes_feed(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "master.csv"
    write_full(path, N)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # BOM and CRLF, as the utility writes
    rep = import_master(engine, path, mapping(), loaded_by="tester")
    assert (rep.outcome, rep.rows_read, rep.rows_new, rep.rows_rejected) == ("applied", N, N, 0)
    first = _rows(path)[1]
    c = _consumer(engine, first[0])
    assert c["category"] == {"LMV-1": "DOM", "LMV-2": "COM", "LMV-4": "PUB", "LMV-6": "SMI"}[first[5]]
    d, m, y = first[10].split("-")
    assert c["last_bill_date"] == f"{y}-{m}-{d}"
    rupees, paise = first[12].split(".")
    assert c["last_bill_amount_paise"] == int(rupees) * 100 + int(paise)
    with db.read_tx(engine) as conn:
        feed = master.changes(conn, since=0, after=None, limit=10_000)
        loads = recent_loads(conn)
    assert {r[0] for r in feed["rows"]} >= {first[0]} and len(feed["rows"]) == N
    assert loads[0]["loaded_by"] == "tester" and loads[0]["file_sha256"] == rep.file_sha256


def test_same_file_twice_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = _full(engine, tmp_path)
    before = fingerprint(engine)
    rep = import_master(engine, path, mapping())
    assert rep.outcome == "duplicate" and "nothing changed" in rep.message
    assert fingerprint(engine) == before
    # the same content under another name is not the same file, but changes no row either
    copy = tmp_path / "copy.csv"
    copy.write_bytes(path.read_bytes() + b"\r\n")
    with db.read_tx(engine) as conn:
        version = master.changes(conn, since=0, after=None, limit=1)["version"]
    rep = import_master(engine, copy, mapping())
    assert (rep.outcome, rep.rows_changed, rep.rows_new, rep.rows_unchanged) == ("applied", 0, 0, N)
    with db.read_tx(engine) as conn:
        assert master.changes(conn, since=version, after=None, limit=10)["rows"] == []


def test_dry_run_counts_and_applies_nothing(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "master.csv"
    write_full(path, N)
    before = fingerprint(engine)
    rep = import_master(engine, path, mapping(), dry_run=True)
    assert (rep.outcome, rep.rows_new) == ("dry_run", N)
    assert fingerprint(engine) == before


def test_absent_connections_are_closed_never_deleted_and_the_limit_refuses_a_truncated_export(
        engine: Engine, tmp_path: Path) -> None:
    path = _full(engine, tmp_path)
    rows = _rows(path)
    short = tmp_path / "short.csv"
    write_csv(short, rows[0], rows[1:N // 2])  # a truncated export: half the city missing
    before = fingerprint(engine)
    with pytest.raises(LoadRefused) as e:
        import_master(engine, short, mapping())
    assert "would close" in e.value.report.message and "truncated" in e.value.report.message
    assert fingerprint(engine) == before
    # a few connections gone is a normal month: closed, still there
    fewer = tmp_path / "fewer.csv"
    write_csv(fewer, rows[0], rows[1:-5])
    rep = import_master(engine, fewer, mapping())
    assert rep.rows_closed == 5
    gone = _consumer(engine, rows[-1][0])
    assert gone["status"] == "closed"
    # --force applies the big one
    rep = import_master(engine, short, mapping(), force=True)
    assert rep.outcome == "applied" and rep.rows_closed > N // 3


def test_bills_delta_sets_the_new_bill_and_keeps_history(engine: Engine, tmp_path: Path) -> None:
    path = _full(engine, tmp_path)
    accounts = [r[0] for r in _rows(path)[1:11]]
    bills = tmp_path / "bills.csv"
    write_bills(bills, accounts, date(2026, 12, 20))
    rep = import_master(engine, bills, mapping(), kind="bills")
    assert (rep.outcome, rep.rows_changed, rep.bills_new) == ("applied", 10, 10)
    c = _consumer(engine, accounts[0])
    assert (c["last_bill_date"], c["last_bill_due_date"]) == ("2026-12-20", "2027-01-04")
    assert c["last_bill_amount_paise"] == 45_000 and c["balance_paise"] == 45_000
    with db.read_tx(engine) as conn:
        held = conn.execute(select(billing_bills).where(billing_bills.c.account_no == accounts[0])).mappings().all()
    assert any(b["amount_after_due_paise"] == 45_000 + 675 for b in held)


def _bad(tmp_path: Path, name: str, header: list[str], rows: list[list[str]]) -> Path:
    path = tmp_path / name
    write_csv(path, header, rows)
    return path


def test_bad_files_are_refused_whole(engine: Engine, tmp_path: Path) -> None:
    path = _full(engine, tmp_path)
    rows = _rows(path)
    header, body = rows[0], rows[1:]
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(path.read_bytes().replace(b"\xef\xbb\xbf", b"", 1) + "Ram Prasad Gupta\u00e9".encode("latin-1"))
    cases = {
        "wrong encoding": (latin, "not UTF-8"),
        "missing column": (_bad(tmp_path, "missing.csv", header[1:], [r[1:] for r in body]), "missing column"),
        "extra column": (_bad(tmp_path, "extra.csv", [*header, "REMARK"], [[*r, "x"] for r in body]),
                         "unknown column"),
        "duplicate account": (_bad(tmp_path, "dup.csv", header, [*body, body[3]]), "appears twice"),
    }
    before = fingerprint(engine)
    for what, (bad, message) in cases.items():
        with pytest.raises(LoadRefused) as e:
            import_master(engine, bad, mapping())
        assert message in e.value.report.message, what
        assert "nothing applied" in e.value.report.message, what
        assert fingerprint(engine) == before, what
    with db.read_tx(engine) as conn:
        refused = [r for r in recent_loads(conn) if r["outcome"] == "refused"]
    assert len(refused) == len(cases)  # every attempt is on record
    # negative control: the same file with one name corrected is applied and changes the database
    fixed = [list(r) for r in body]
    fixed[0][1] = "Corrected Name"
    rep = import_master(engine, _bad(tmp_path, "fixed.csv", header, fixed), mapping())
    assert (rep.outcome, rep.rows_changed) == ("applied", 1)
    assert fingerprint(engine) != before


def test_malformed_values_reject_their_row_and_leave_it_as_stored(engine: Engine, tmp_path: Path) -> None:
    path = _full(engine, tmp_path)
    accounts = [r[0] for r in _rows(path)[1:5]]
    good = list(_rows_of_bills(accounts))
    good[1][2] = "31-02-2026"  # no such day
    good[2][4] = "12.345"  # three decimals
    good[3][3] = "2026/12/05"  # not one of the formats
    bills = _bad(tmp_path, "bills.csv", BILLS_HEADER, good)
    kept = [_consumer(engine, a) for a in accounts[1:]]
    rep = import_master(engine, bills, mapping(), kind="bills")
    assert (rep.rows_read, rep.rows_rejected, rep.rows_changed) == (4, 3, 1)
    with Path(rep.rejects_path or "").open(encoding="utf-8") as f:
        rejects = list(csv.DictReader(f))
    assert [(r["line"], r["column"]) for r in rejects] == [("3", "BILL_DATE"), ("4", "BILL_AMT"), ("5", "DUE_DATE")]
    assert "calendar date" in rejects[0]["reason"] and "two decimals" in rejects[1]["reason"]
    assert [_consumer(engine, a) for a in accounts[1:]] == kept


def _rows_of_bills(accounts: list[str]) -> list[list[str]]:
    from kesco_demo.billing_export import bills_rows

    return list(bills_rows(accounts, date(2026, 12, 20)))


def test_any_delimiter_and_columns_in_any_order(engine: Engine, tmp_path: Path) -> None:
    path = _full(engine, tmp_path, 50)
    rows = _rows(path)
    order = list(reversed(range(len(FULL_HEADER))))
    out = tmp_path / "tabs.csv"
    with out.open("w", encoding="utf-8", newline="") as f:  # no BOM, LF, tabs
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        for r in rows:
            w.writerow([r[i] for i in order])
    from dataclasses import replace

    rep = import_master(engine, out, replace(mapping(), delimiter=None))
    assert (rep.outcome, rep.rows_unchanged, rep.rows_rejected) == ("applied", 50, 0)
