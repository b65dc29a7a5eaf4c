"""Example billing-system exports in the utility's shape (semicolon-separated, UTF-8 with a BOM,
CRLF line ends, DD-MM-YYYY dates, rupees with decimals, tariff codes LMV-1.., status codes A/TD/PD)
built from the demo consumers: what `central-server master import --mapping
docs/examples/billing-mapping.toml` reads. Used by the demo, the tests and the benchmark.

    .venv/bin/python -m kesco_demo.billing_export out.csv --consumers 5000
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

# the one place that names where the demo consumer generator lives
from kesco_demo.consumers import generate_consumers

FULL_HEADER = ["ACCT_NO", "CONSUMER_NAME", "FATHER_HUSBAND_NAME", "ADDRESS", "LOCALITY", "TARIFF", "METER_NO",
               "MOBILE_NO", "CONN_STATUS", "BILL_NO", "BILL_DATE", "DUE_DATE", "BILL_AMT", "ARREAR_AMT",
               "AMT_AFTER_DUE", "OUTSTANDING"]
BILLS_HEADER = ["ACCT_NO", "BILL_NO", "BILL_DATE", "DUE_DATE", "BILL_AMT", "ARREAR_AMT", "AMT_AFTER_DUE"]
TARIFF = {"DOM": "LMV-1", "COM": "LMV-2", "PUB": "LMV-4", "SMI": "LMV-6"}
STATUS = {"active": "A", "disconnected": "TD", "closed": "PD"}


def rupees(paise: int) -> str:
    sign = "-" if paise < 0 else ""
    return f"{sign}{abs(paise) // 100}.{abs(paise) % 100:02d}"


def dmy(iso: object) -> str:
    if not iso:
        return ""
    y, m, d = str(iso).split("-")
    return f"{d}-{m}-{y}"


def surcharge(paise: int) -> int:
    """Late payment surcharge of the example: 1.5% of the bill, in whole paise (integer arithmetic)."""
    return paise + (paise * 15 + 999) // 1000 if paise > 0 else paise


def full_rows(consumers: Iterable[tuple[Any, ...]]) -> Iterator[list[str]]:
    for r in consumers:
        (acct, name, rel, addr, loc, cat, meter, mobile, status, bill_no, bill_date, due, amount, arrears,
         balance) = r[:15]
        yield [str(acct), str(name), str(rel), str(addr), str(loc), TARIFF[str(cat)], str(meter), str(mobile or ""),
               STATUS[str(status)], str(bill_no or ""), dmy(bill_date), dmy(due),
               rupees(int(amount)) if bill_no else "", rupees(int(arrears)) if bill_no else "",
               rupees(surcharge(int(amount))) if bill_no else "", rupees(int(balance)) if bill_no else ""]


def write_csv(path: str | Path, header: list[str], rows: Iterable[list[str]]) -> int:
    """The file as the billing system writes it; returns the number of data rows."""
    n = 0
    with Path(path).open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            n += 1
    return n


def write_full(path: str | Path, n: int, *, seed: int = 2026) -> int:
    return write_csv(path, FULL_HEADER, full_rows(generate_consumers(n, seed=seed)))


def bills_rows(accounts: Iterable[str], bill_date: date, *, amount_paise: int = 45_000, tag: str = "B") -> Iterator[list[str]]:
    due = bill_date + timedelta(days=15)
    for i, acct in enumerate(accounts):
        amount = amount_paise + (i % 97) * 1_00
        yield [acct, f"{tag}{bill_date:%Y%m}{i:07d}", f"{bill_date:%d-%m-%Y}", f"{due:%d-%m-%Y}",
               rupees(amount), rupees(0), rupees(surcharge(amount))]


def write_bills(path: str | Path, accounts: Iterable[str], bill_date: date, **kw: object) -> int:
    return write_csv(path, BILLS_HEADER, bills_rows(accounts, bill_date, **kw))  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--consumers", type=int, default=530_000)
    p.add_argument("--seed", type=int, default=2026)
    args = p.parse_args(argv)
    n = write_full(args.out, args.consumers, seed=args.seed)
    print(f"wrote {n} connections to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
