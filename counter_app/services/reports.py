"""Day's receipts as CSV and the day book over a date range: plain data for supervisors and
accounts (the PDF layouts live in counter_app/printing)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from counter_app.domain.closes import business_date as parse_business_date
from counter_app.domain.errors import ValidationError
from counter_app.services.collection import CollectionService
from counter_app.storage import closes as closes_repo
from kesco_protocol.money import format_plain

CSV_COLUMNS = (
    "receipt_no", "receipt_id", "seq", "business_date", "issued_at", "account_no", "consumer_name", "category",
    "mode", "instrument_number", "instrument_bank", "instrument_date", "reference", "amount", "amount_paise",
    "status", "void_reason", "void_approved_by", "clerk", "shift_id", "sync_state",
)


def receipts_csv(counter: CollectionService, business_date: str) -> str:
    """Every receipt of the day, cancelled ones marked, amounts both in rupees and in paise."""
    day = parse_business_date(business_date)
    with counter.db.read() as conn:
        lines = closes_repo.day_lines(conn, day)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for ln in lines:
        inst = ln.instrument or {}
        w.writerow([
            ln.receipt_no, ln.receipt_id, ln.seq, ln.business_date, ln.issued_at, ln.account_no,
            _safe(ln.consumer_name), ln.category, ln.mode, inst.get("number", ""), _safe(inst.get("bank", "")),
            inst.get("date", ""), inst.get("reference", ""), format_plain(ln.amount_paise), ln.amount_paise,
            "cancelled" if ln.voided else ("dishonoured" if ln.dishonoured else "valid"),
            _safe(ln.void_reason or ""), ln.void_approved_by or "", ln.clerk, ln.shift_id, ln.sync_state,
        ])
    return buf.getvalue()


def _safe(s: str) -> str:
    """A cell that a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    return "'" + s if s[:1] in ("=", "+", "-", "@") else s


def write_receipts_csv(counter: CollectionService, business_date: str, path: Path) -> int:
    text = receipts_csv(counter, business_date)
    path.write_text(text, encoding="utf-8-sig", newline="")  # Excel needs the BOM for Hindi names
    return text.count("\r\n") - 1


@dataclass(frozen=True, slots=True)
class DayBookRow:
    business_date: str
    receipts: int
    cancelled: int
    cash_paise: int
    cheque_dd_paise: int
    digital_paise: int
    net_paise: int


def day_book(counter: CollectionService, start: str, end: str) -> list[DayBookRow]:
    a, b = date.fromisoformat(parse_business_date(start)), date.fromisoformat(parse_business_date(end))
    if b < a or (b - a).days > 366:
        raise ValidationError("close.bad_range")
    with counter.db.read() as conn:
        lines = closes_repo.range_lines(conn, a.isoformat(), b.isoformat())
    days: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for ln in lines:
        d = days[ln.business_date]
        d[0] += 1
        if ln.voided:
            d[1] += 1
            continue
        slot = 2 if ln.mode == "cash" else 3 if ln.mode in ("cheque", "dd") else 4
        d[slot] += ln.amount_paise
        d[5] += ln.amount_paise
    return [DayBookRow(day, *v) for day, v in sorted(days.items())]
