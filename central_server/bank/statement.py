"""Reading a bank statement export (CSV) against a mapping: which column is the transaction date,
value date, description, reference (cheque or slip number), debit, credit and balance; the
delimiter, the date formats, the lines before the header (a bank prints the account's details
first). Streamed line by line and bounded like the master import; every fault is collected with
its line and column, and any fault refuses the whole statement (nothing of it is applied).

A mapping is a TOML file (docs/examples/bank-statement-sbi.toml documents every key); without
one, the columns carry our own field names, dates are ISO and amounts rupees."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from central_server.billing.mapping import (
    _DATE_PATTERNS,
    FieldError,
    Mapping,
    MappingError,
    read_mapping_file,
)
from central_server.billing.master_file import Reject, oversize
from kesco_protocol.digits import to_ascii_digits

FIELDS = ("txn_date", "value_date", "description", "reference", "debit", "credit", "balance")
REQUIRED = ("txn_date", "description", "debit", "credit")
MAX_BYTES = 64 * 1024**2  # a year of a busy collection account is a few MB
MAX_LINE = 8 * 1024
MAX_LINES = 500_000
_MONTHS = {m: i + 1 for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
                                           "NOV", "DEC"))}
_TEXT_DATE = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3})[ -](\d{2}|\d{4})$", re.ASCII)


@dataclass(frozen=True)
class StatementMapping:
    columns: dict[str, str] = field(default_factory=lambda: {f: f for f in FIELDS})
    ignore: frozenset[str] = frozenset()
    delimiter: str = ","
    date_formats: tuple[str, ...] = ("YYYY-MM-DD",)
    header_starts_with: str | None = None  # lines before the one starting so are the bank's preamble
    footer_starts_with: tuple[str, ...] = ()  # the first line starting so ends the transactions

    def money(self, v: str) -> int:
        return _RUPEES.money(v)

    def date(self, v: str) -> str:
        v = to_ascii_digits(v.strip())
        m = _TEXT_DATE.match(v)
        if m is not None and "DD MMM YYYY" in self.date_formats:  # 05 Nov 2026, 5-Nov-26 (SBI, HDFC)
            d, mon, y = int(m.group(1)), _MONTHS.get(m.group(2).upper()), int(m.group(3))
            if mon is None:
                raise FieldError(f"not a month ({m.group(2)[:3]})")
            try:
                return date(y + 2000 if y < 100 else y, mon, d).isoformat()
            except ValueError:
                raise FieldError(f"not a calendar date ({v[:20]})") from None
        numeric = tuple(f for f in self.date_formats if f in _DATE_PATTERNS)
        if not numeric:
            raise FieldError(f"not a date in the format {' or '.join(self.date_formats)}")
        return Mapping(date_formats=numeric).date(v)


_RUPEES = Mapping(amounts="rupees")


def load_mapping(path: str | Path | None) -> StatementMapping:
    if path is None:
        return StatementMapping()
    data = read_mapping_file(path)
    f, cols = data.get("file", {}), dict(data.get("columns", {}))
    ignore = cols.pop("ignore", [])
    unknown = set(cols) - set(FIELDS)
    if unknown:
        raise MappingError(f"unknown fields in [columns]: {', '.join(sorted(unknown))}")
    formats = tuple(f.get("date_formats", ["YYYY-MM-DD"]))
    bad = [x for x in formats if x not in _DATE_PATTERNS and x != "DD MMM YYYY"]
    if bad:
        raise MappingError(f"unknown date formats {bad}; known: {', '.join([*_DATE_PATTERNS, 'DD MMM YYYY'])}")
    delim = f.get("delimiter", ",")
    if not isinstance(delim, str) or len(delim) != 1:
        raise MappingError("[file] delimiter must be one character")
    return StatementMapping(columns={k: cols.get(k, k) for k in FIELDS}, ignore=frozenset(ignore), delimiter=delim,
                            date_formats=formats, header_starts_with=f.get("header_starts_with"),
                            footer_starts_with=tuple(f.get("footer_starts_with", ())))


@dataclass(frozen=True, slots=True)
class Line:
    line_no: int
    txn_date: str
    value_date: str
    description: str
    reference: str
    debit_paise: int
    credit_paise: int
    balance_paise: int | None

    @property
    def fingerprint(self) -> str:
        """The same bank line in two overlapping statements has the same fingerprint."""
        key = "\x1f".join(str(x) for x in (self.txn_date, self.value_date, self.description, self.reference,
                                             self.debit_paise, self.credit_paise, self.balance_paise))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def tokens(self) -> set[str]:
        """The words of the reference and description that may be a slip or cheque number."""
        words = re.findall(r"[A-Za-z0-9/-]+", f"{self.reference} {self.description}", re.ASCII)
        out = set(words) | {w.upper() for w in words}
        for w in list(out):  # CHQ-000123, 000123: also without the prefix and the leading zeros
            for part in re.split(r"[/-]", w):
                if part:
                    out.update({part, part.lstrip("0") or "0"})
        return out


@dataclass
class Statement:
    sha256: str
    lines: list[Line]
    problems: list[Reject]


def _raw_lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open("rb") as f:
        n = 0
        while raw := f.readline(MAX_LINE + 1):
            n += 1
            if len(raw) > MAX_LINE:
                raise _Stop(Reject(n, "*", f"line longer than {MAX_LINE} bytes"))
            if n > MAX_LINES:
                raise _Stop(Reject(n, "*", f"more than {MAX_LINES} lines"))
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise _Stop(Reject(n, "*", "not UTF-8: export the statement as UTF-8 CSV")) from None
            yield n, text.lstrip("\ufeff") if n == 1 else text


class _Stop(Exception):
    def __init__(self, reject: Reject) -> None:
        self.reject = reject


def read_statement(path: Path, mapping: StatementMapping) -> Statement:
    """Every line read and checked; `problems` lists what refuses the statement (empty: fine)."""
    if (why := oversize(path, MAX_BYTES)) is not None:
        return Statement("", [], [Reject(0, "*", why)])
    h = hashlib.sha256(path.read_bytes()).hexdigest()
    problems: list[Reject] = []
    lines: list[Line] = []
    try:
        _parse(_raw_lines(path), mapping, lines, problems)
    except _Stop as e:
        problems.append(e.reject)
    if not problems:
        seen: dict[str, int] = {}
        for ln in lines:
            first = seen.setdefault(ln.fingerprint, ln.line_no)
            if first != ln.line_no:
                problems.append(Reject(ln.line_no, "*", f"duplicate line: the same as line {first}"))
    if not problems and not lines:
        problems.append(Reject(0, "*", "no transactions in the statement"))
    return Statement(h, lines, problems)


def _parse(raw: Iterator[tuple[int, str]], mapping: StatementMapping, out: list[Line], problems: list[Reject]) -> None:
    header: list[str] | None = None
    index: dict[str, int] = {}
    for n, text in raw:
        if not text.strip():
            continue
        if header is None:
            if mapping.header_starts_with and not text.lstrip().startswith(mapping.header_starts_with):
                continue  # the bank's preamble: account number, period, opening balance
            header = [h.strip() for h in next(csv.reader([text], delimiter=mapping.delimiter))]
            index = _columns(header, mapping, n)
            continue
        if mapping.footer_starts_with and text.lstrip().startswith(mapping.footer_starts_with):
            break
        row = next(csv.reader([text], delimiter=mapping.delimiter))
        if len(row) != len(header):
            problems.append(Reject(n, "*", f"{len(row)} fields where the header has {len(header)}"))
            continue
        line = _line(n, row, index, mapping, problems)
        if line is not None:
            out.append(line)
    if header is None:
        raise _Stop(Reject(0, "*", "no header line" + (f" starting with {mapping.header_starts_with!r}"
                                                       if mapping.header_starts_with else "")))


def _columns(header: list[str], mapping: StatementMapping, n: int) -> dict[str, int]:
    pos = {h: i for i, h in enumerate(header)}
    missing = [mapping.columns[f] for f in REQUIRED if mapping.columns[f] not in pos]
    if missing:
        raise _Stop(Reject(n, "*", f"missing column(s) {', '.join(map(repr, missing))}: is this the statement "
                                   "layout the mapping describes?"))
    known = {mapping.columns[f] for f in FIELDS} | mapping.ignore
    unknown = [h for h in header if h not in known]
    if unknown:
        raise _Stop(Reject(n, "*", f"unknown column(s) {', '.join(map(repr, unknown))[:200]}: add them to "
                                   "[columns] ignore if they are not ours"))
    return {f: pos[mapping.columns[f]] for f in FIELDS if mapping.columns[f] in pos}


def _line(n: int, row: list[str], index: dict[str, int], mapping: StatementMapping,
          problems: list[Reject]) -> Line | None:
    vals: dict[str, Any] = {}
    bad = False
    for f, i in index.items():
        v = row[i].strip()
        col = mapping.columns[f]
        try:
            if f in ("txn_date", "value_date"):
                vals[f] = mapping.date(v) if v else None
            elif f in ("debit", "credit", "balance"):
                vals[f] = mapping.money(v) if v and v not in ("-", "0", "0.00") else (0 if f != "balance" else None)
                if f != "balance" and vals[f] < 0:
                    raise FieldError("a negative amount (debits and credits are each in their own column)")
            else:
                vals[f] = v[:200 if f == "description" else 40]
        except FieldError as e:
            problems.append(Reject(n, col, str(e), v[:40]))
            bad = True
    if bad:
        return None
    if vals.get("txn_date") is None:
        problems.append(Reject(n, mapping.columns["txn_date"], "no transaction date"))
        return None
    if bool(vals["debit"]) == bool(vals["credit"]):
        problems.append(Reject(n, f"{mapping.columns['debit']}/{mapping.columns['credit']}",
                               "a line must have either a debit or a credit amount"))
        return None
    return Line(n, vals["txn_date"], vals.get("value_date") or vals["txn_date"], vals.get("description", ""),
                vals.get("reference", ""), vals["debit"], vals["credit"], vals.get("balance"))
