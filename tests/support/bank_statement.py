"""A bank statement in State Bank of India's CSV layout (docs/examples/bank-statement-sbi.toml):
the bank's account lines, the header, one line per transaction, the closing remark.

    write_sbi_statement(path, [Txn("27 Nov 2026", "BY CASH PIS-101", "PIS-101", credit=4_000_00), ...])
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from kesco_protocol.money import format_inr

HEADER = ["Txn Date", "Value Date", "Description", "Ref No./Cheque No.", "Branch Code", "Debit", "Credit", "Balance"]


@dataclass(frozen=True)
class Txn:
    date: str  # as the bank prints it: 27 Nov 2026
    description: str
    reference: str = ""
    debit: int = 0  # paise
    credit: int = 0


def rupees(paise: int) -> str:
    """1,23,456.50: the bank's Indian grouping (read back through Decimal, never float)."""
    return format_inr(paise, symbol=False) if paise else ""


def statement_text(txns: list[Txn], *, opening_paise: int = 10_00_000_00) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["Account Name", "KESCO COLLECTION A/C"])
    w.writerow(["Account Number", "00000012345678901"])
    w.writerow(["Balance as on", rupees(opening_paise)])
    w.writerow([])
    w.writerow(HEADER)
    bal = opening_paise
    for t in txns:
        bal += t.credit - t.debit
        w.writerow([t.date, t.date, t.description, t.reference, "1234", rupees(t.debit), rupees(t.credit), rupees(bal)])
    w.writerow(["**This is a computer generated statement and does not require a signature"])
    return buf.getvalue()


def write_sbi_statement(path: Path, txns: list[Txn]) -> Path:
    path.write_text(statement_text(txns), encoding="utf-8")
    return path
