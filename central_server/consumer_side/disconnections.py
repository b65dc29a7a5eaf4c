"""The disconnection check: the billing system's disconnection list in (account, bill number,
amount due, optionally the bill date), and for each account what was paid since that bill at any
counter, whether it covers the amount due, the receipt numbers and a verdict: paid (do not
disconnect), partly paid, not paid. Used by `central-server disconnections check` and the HQ
upload (consumer_side/hq_pages.py).

A payment counts when its receipt is at the server, not parked, not cancelled (void, dishonour
or reversal mark it `reversed_by`) and has a value date after the bill's cut-off: the bill's
`payments_upto` when the server holds the bill, else the bill date of the list, else the bill
date of the consumer's latest bill when its number is the one listed. Receipts taken during a
month-end closing count like any other (their value date is what matters), however late their
counter synced. Parked receipts are listed and flagged but do not count.

The list is read strictly (a bad line refuses the whole list with its line and reason: a
disconnection drive must not run on half a list), staged in a temporary table and joined with
the receipts in one statement (an index lookup per account inside the database, not a query
per line from here)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, text

from central_server import db
from central_server.billing.mapping import FieldError, Mapping
from central_server.billing.master_file import Limits, Structural, _lines, oversize
from central_server.prefetch import prefetched

PAID, PARTLY, NOT_PAID = "paid", "partly_paid", "not_paid"
MAX_LINES = 600_000  # every connection of the city and some
MAX_BYTES = 64 * 1024 * 1024  # ~2.5 crore characters: ten times a city-wide list
UPLOAD_MAX_BYTES = 32 * 1024 * 1024  # the HQ upload's body cap (central_server.limits)
AMOUNT_DUE = "amount_due"  # the column of the amount due unless [disconnections] names another
OUT_FIELDS = ("line", "account_no", "bill_no", "amount_due_paise", "paid_paise", "covers", "verdict",
              "receipts", "receipts_in_closing", "parked_paise", "parked_receipts", "note")


class ListRefused(Exception):
    """The list cannot be checked; nothing was written. The message says where and why."""


@dataclass
class Summary:
    lines: int = 0
    paid: int = 0
    partly_paid: int = 0
    not_paid: int = 0
    with_parked: int = 0  # accounts with a parked receipt since the bill (listed, not counted)
    paid_in_closing: int = 0  # accounts with a payment collected during a month-end closing
    bill_unknown: int = 0  # no cut-off known: nothing counted, the list should carry the bill date
    not_in_master: int = 0

    def to_dict(self) -> dict[str, int]:
        return dict(vars(self))

    def text(self) -> str:
        return (f"{self.lines} accounts checked: {self.paid} paid (do not disconnect), {self.partly_paid} partly "
                f"paid, {self.not_paid} not paid; {self.paid_in_closing} with a payment taken during closing, "
                f"{self.with_parked} with a parked receipt (not counted), {self.bill_unknown} whose bill the server "
                f"does not know, {self.not_in_master} not in the master")


@dataclass(frozen=True)
class ListFormat:
    """The list's columns: the master import's mapping (account_no, bill_no, bill_date, its
    delimiter, date formats and amounts) and the amount-due column ([disconnections] amount_due)."""

    mapping: Mapping = field(default_factory=Mapping)
    amount_due: str = AMOUNT_DUE

    @classmethod
    def from_mapping_file(cls, path: str | Path | None) -> ListFormat:
        import tomllib

        from central_server.billing.mapping import MappingError, load_mapping

        mapping = load_mapping(path)
        column = AMOUNT_DUE
        if path is not None:
            try:
                extra = tomllib.loads(Path(path).read_text(encoding="utf-8-sig")).get("disconnections", {})
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
                raise MappingError(f"cannot read the mapping {path}: {e}") from None
            column = extra.get("amount_due", AMOUNT_DUE)
            if not isinstance(column, str) or not column:
                raise MappingError("[disconnections] amount_due names the column of the amount due")
        return cls(mapping, column)


def read_list(path: Path, fmt: ListFormat, limits: Limits | None = None) -> Iterator[tuple[Any, ...]]:
    """(line, account_no, bill_no, amount_due_paise, bill_date or None) per line; ListRefused at the
    first bad line or column."""
    limits = limits or Limits(max_bytes=MAX_BYTES)
    if (why := oversize(path, limits.max_bytes, "list")) is not None:
        raise ListRefused(why)
    m = fmt.mapping
    want = {"account_no": m.columns["account_no"], "bill_no": m.columns["bill_no"], "amount_due": fmt.amount_due}
    bill_date_col = m.columns["bill_date"]
    parse_acct, parse_no = m.parser("account_no"), m.parser("bill_no")
    parse_date, money = m.parser("bill_date"), m.parser("bill_amount")
    try:
        with path.open("rb") as f:
            reader = csv.reader(_lines(f, limits, None), delimiter=_delimiter(path, m))
            header = [h.strip() for h in next(reader, [])]
            if not header:
                raise ListRefused("the list is empty")
            missing = [f"{col!r} ({ours})" for ours, col in want.items() if col not in header]
            if missing:
                raise ListRefused(f"line 1: missing column(s) {', '.join(missing)}; the header has "
                                  f"{', '.join(map(repr, header[:12]))} (name the columns with --mapping)")
            pos = {ours: header.index(col) for ours, col in want.items()}
            date_i = header.index(bill_date_col) if bill_date_col in header else None
            n = 0
            for rec in reader:
                line = reader.line_num
                if not rec or rec == [""]:
                    continue
                n += 1
                if n > MAX_LINES:
                    raise ListRefused(f"more than {MAX_LINES} accounts in one list")
                if len(rec) != len(header):
                    raise ListRefused(f"line {line}: {len(rec)} fields, the header has {len(header)}")
                yield _row(line, rec, pos, date_i, want, bill_date_col, parse_acct, parse_no, parse_date, money)
    except Structural as e:
        raise ListRefused(str(e)) from None
    except csv.Error as e:
        raise ListRefused(f"unreadable CSV: {e}") from None


def _delimiter(path: Path, m: Mapping) -> str:
    """The mapping's delimiter, else the one the header uses most (a list of three or four
    columns is too little for csv.Sniffer to be sure of)."""
    if m.delimiter is not None:
        return m.delimiter
    with path.open("rb") as f:
        head = f.readline(64 * 1024).decode("utf-8", "replace")
    return max(",;|\t", key=head.count)


def _row(line: int, rec: list[str], pos: dict[str, int], date_i: int | None, want: dict[str, str],
         date_col: str, parse_acct: Any, parse_no: Any, parse_date: Any, money: Any) -> tuple[Any, ...]:
    where = ""
    try:
        where = want["account_no"]
        acct = parse_acct(rec[pos["account_no"]])
        where = want["bill_no"]
        bill = parse_no(rec[pos["bill_no"]])
        where = want["amount_due"]
        due = money(rec[pos["amount_due"]])
        where = date_col
        bill_date = parse_date(rec[date_i]) if date_i is not None else None
    except FieldError as e:
        raise ListRefused(f"line {line}, column {where!r}: {e}") from None
    for value, col in ((acct, want["account_no"]), (bill, want["bill_no"]), (due, want["amount_due"])):
        if value is None:
            raise ListRefused(f"line {line}, column {col!r}: missing value")
    if due <= 0:
        raise ListRefused(f"line {line}, column {want['amount_due']!r}: the amount due must be above zero")
    return (line, acct, bill, due, bill_date)


# --- the check ------------------------------------------------------------------------------------

_STAGE = "disc_stage"
MMAP_BYTES = 2 << 30
_FETCH = 2_000  # rows per hand-over from the query's thread to the writer


def _pragma(conn: Connection, sql: str) -> None:
    """On the driver's connection: a pragma outside any transaction (SQLAlchemy would begin one)."""
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute(sql).close()


def _fetched(result: Any) -> Iterator[tuple[Any, ...]]:
    """The query's rows, fetched on a thread of their own: the database's join (which runs
    without the GIL) and the writing of the CSV in Python overlap instead of taking turns. On a
    loaded machine the check's wall time is mostly waiting for a core (the benchmark's
    run-queue figure); two runnable threads wait less than one doing both in turn."""
    chunks = iter(lambda: result.fetchmany(_FETCH), [])
    for chunk in prefetched(chunks, depth=8, name="disconnections-fetch"):
        yield from chunk


def check(engine: Engine, rows: Iterator[tuple[Any, ...]], out: IO[str]) -> Summary:
    """Stage the list, join it with the receipts, write the result CSV to `out`; the summary."""
    with engine.connect() as conn:
        sqlite = db.is_sqlite(conn)
        try:
            if sqlite:
                # the join reads some 300 MB of a city's consumers and receipts in no order: mapped,
                # SQLite reads the pages in place instead of a read() and a copy per page (a
                # quarter of the join's CPU, measured; benchmarks/bench_consumer.py)
                _pragma(conn, f"PRAGMA mmap_size={MMAP_BYTES}")
            _stage(conn, rows)
            with conn.begin():
                summary = _write(conn, out)
        finally:
            if conn.in_transaction():
                conn.rollback()
            with conn.begin():
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {_STAGE}")
            if sqlite:
                _pragma(conn, "PRAGMA mmap_size=0")  # the pooled connection goes back as it was
    return summary


def _stage(conn: Connection, rows: Iterator[tuple[Any, ...]], chunk: int = 20_000) -> None:
    with conn.begin():
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {_STAGE}")
        conn.exec_driver_sql(f"CREATE TEMP TABLE {_STAGE} (line INTEGER NOT NULL, account_no VARCHAR(32) NOT NULL, "
                             "bill_no VARCHAR(40) NOT NULL, amount_due BIGINT NOT NULL, bill_date VARCHAR(10))")
        raw = conn.connection.driver_connection
        assert raw is not None
        if db.is_sqlite(conn):
            sql = f"INSERT INTO {_STAGE} VALUES (?, ?, ?, ?, ?)"  # noqa: S608 - fixed name
            db.insert_in_chunks(raw, sql, rows, chunk)
        else:  # COPY: one stream instead of a statement per chunk
            with raw.cursor() as cur, cur.copy(f"COPY {_STAGE} FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
        dup = conn.execute(text(
            f"SELECT account_no, MIN(line), MAX(line) FROM {_STAGE} GROUP BY account_no "  # noqa: S608
            "HAVING COUNT(*) > 1 ORDER BY MIN(line) LIMIT 1")).first()
        if dup is not None:
            raise ListRefused(f"line {dup[2]}: account {dup[0]} is listed twice (also on line {dup[1]})")
        conn.exec_driver_sql(f"CREATE UNIQUE INDEX {_STAGE}_account ON {_STAGE} (account_no)")
        if not db.is_sqlite(conn):
            conn.exec_driver_sql(f"ANALYZE {_STAGE}")  # autovacuum never analyses a temporary table


def _query(sqlite: bool) -> str:
    def agg(expr: str) -> str:
        if sqlite:
            return f"group_concat({expr}, ' ')"
        return f"string_agg({expr}, ' ' ORDER BY r.business_date, r.receipt_no)"

    counted = "r.parked_reason IS NULL"
    # the cut-off: payments with a value date after it were not in the bill (docs/INTEGRATION.md)
    cutoff = ("COALESCE(bb.payments_upto, s.bill_date, "
              "CASE WHEN c.last_bill_no = s.bill_no THEN c.last_bill_date END)")
    true = "1" if sqlite else "TRUE"
    return (
        f"SELECT s.line, s.account_no, s.bill_no, s.amount_due, "  # noqa: S608 - fixed text
        f"COALESCE(SUM(CASE WHEN {counted} THEN r.amount_paise END), 0) AS paid, "
        f"COALESCE(SUM(CASE WHEN NOT ({counted}) THEN r.amount_paise END), 0) AS parked, "
        f"{agg(f'CASE WHEN {counted} THEN r.receipt_no END')} AS receipts, "
        f"{agg(f'CASE WHEN {counted} AND r.collected_during_closing = {true} THEN r.receipt_no END')} AS closing, "
        f"{agg(f'CASE WHEN NOT ({counted}) THEN r.receipt_no END')} AS parked_receipts, "
        f"MAX(CASE WHEN c.account_no IS NULL THEN 1 ELSE 0 END) AS unknown_account, "
        f"MAX(CASE WHEN {cutoff} IS NULL THEN 1 ELSE 0 END) AS unknown_bill "
        f"FROM {_STAGE} s "
        "LEFT JOIN consumers c ON c.account_no = s.account_no "
        "LEFT JOIN billing_bills bb ON bb.account_no = s.account_no AND bb.bill_no = s.bill_no "
        "LEFT JOIN receipts r ON r.account_no = s.account_no AND r.reversed_by IS NULL "
        f"AND r.business_date > {cutoff} "
        "GROUP BY s.line, s.account_no, s.bill_no, s.amount_due ORDER BY s.line"
    )


def _write(conn: Connection, out: IO[str]) -> Summary:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(OUT_FIELDS)
    s = Summary()
    result = conn.execute(text(_query(db.is_sqlite(conn))).execution_options(stream_results=True))
    counts = {PAID: 0, PARTLY: 0, NOT_PAID: 0}
    write = w.writerow
    for line, acct, bill, due, paid, parked, rnos, closing, parked_nos, no_acct, no_bill in _fetched(result):
        covers = paid >= due
        verdict = PAID if covers else PARTLY if paid > 0 else NOT_PAID
        counts[verdict] += 1
        note = ""
        if no_acct or no_bill or parked_nos:
            notes = []
            if no_acct:
                s.not_in_master += 1
                notes.append("account not in the master")
            if no_bill:
                s.bill_unknown += 1
                notes.append("bill not known to the server and no bill date in the list: nothing counted")
            if parked_nos:
                s.with_parked += 1
                notes.append("parked receipt(s) under review: not counted")
            note = "; ".join(notes)
        if closing:
            s.paid_in_closing += 1
        write((line, acct, bill, due, paid, "yes" if covers else "no", verdict, _sorted(rnos), _sorted(closing),
               parked, _sorted(parked_nos), note))
    s.lines = sum(counts.values())
    s.paid, s.partly_paid, s.not_paid = counts[PAID], counts[PARTLY], counts[NOT_PAID]
    return s


def _sorted(joined: str | None) -> str:
    # SQLite's group_concat has no ORDER BY before 3.44: the same order on both databases
    if not joined or " " not in joined:
        return joined or ""
    return " ".join(sorted(joined.split(" ")))


def check_file(engine: Engine, path: Path, fmt: ListFormat, out_path: Path) -> Summary:
    """The CLI's check: the result written next to its final name and moved into place, so a
    refused list leaves no half-written result behind."""
    tmp = out_path.with_name(out_path.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as out:
            summary = check(engine, read_list(path, fmt), out)
        tmp.replace(out_path)
    finally:
        tmp.unlink(missing_ok=True)
    return summary


def check_bytes(engine: Engine, data: bytes, fmt: ListFormat, workdir: Path) -> tuple[Summary, str]:
    """The HQ upload's check: the uploaded bytes, the result CSV as text."""
    src = workdir / "list.csv"
    src.write_bytes(data)
    out = io.StringIO()
    summary = check(engine, read_list(src, fmt, Limits(max_bytes=UPLOAD_MAX_BYTES)), out)
    return summary, out.getvalue()
