"""Reading a billing system's export, streamed and bounded: the file's size is checked before it
is opened, every line's length before it is decoded, every record's field count before it is
parsed. Each record becomes a staged row in our form or one or more rejects (line, column,
reason); a structural fault (wrong encoding, missing or unknown column, duplicate account, an
oversized line) stops the read, and the load applies nothing."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from central_server.billing.mapping import (
    BILL_FIELDS,
    CONNECTION_FIELDS,
    REQUIRED,
    FieldError,
    Mapping,
)

# staged row layout (the temporary table's columns, in this order)
STAGE_COLUMNS = ("line", "account_no", "rejected", "has_bill", *CONNECTION_FIELDS, *BILL_FIELDS)
Progress = Callable[[int], None]  # bytes read so far


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 2 * 1024**3  # 5.3 lakh rows of a full master are ~150 MB
    max_line: int = 64 * 1024
    max_fields: int = 200
    sample: int = 64 * 1024  # what csv.Sniffer sees to guess the delimiter


class Structural(Exception):
    """A fault of the whole file: nothing of it is applied."""

    def __init__(self, reason: str, line: int | None = None, column: str = "") -> None:
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return where + (f"column {self.column}: " if self.column else "") + self.reason


@dataclass(frozen=True, slots=True)
class Reject:
    line: int
    column: str
    reason: str
    value: str = ""


def oversize(path: Path, max_bytes: int, what: str = "file") -> str | None:
    """Why a file from outside is refused before a byte of it is read (larger than `max_bytes`),
    or None. Every import says it the same way: the master, bills, acks, statements, lists."""
    size = path.stat().st_size
    return f"the {what} is {size} bytes, above the limit of {max_bytes}" if size > max_bytes else None


def file_digest(path: Path, limits: Limits) -> tuple[str, int]:
    """SHA-256 and size of the file, refusing one above the size limit before reading it."""
    if (why := oversize(path, limits.max_bytes)) is not None:
        raise Structural(why)
    size = path.stat().st_size
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest(), size


def _decode(raw: bytes, line: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Structural(f"not UTF-8 (byte {e.start} of the line is 0x{raw[e.start]:02x}); export the file "
                         "as UTF-8", line) from None


def _lines(f: BinaryIO, limits: Limits, progress: Progress | None) -> Iterator[str]:
    n, done = 0, 0
    while True:
        raw = f.readline(limits.max_line + 1)
        if not raw:
            return
        n += 1
        done += len(raw)
        if len(raw) > limits.max_line:
            raise Structural(f"line longer than {limits.max_line} bytes", n)
        text = _decode(raw, n)
        if n == 1 and text.startswith("\ufeff"):
            text = text[1:]
        if progress is not None and n % 4096 == 0:
            progress(done)
        yield text
    # (unreachable)


def _dialect(path: Path, mapping: Mapping, limits: Limits) -> Any:
    if mapping.delimiter is not None:
        class Given(csv.excel):
            delimiter = mapping.delimiter  # type: ignore[assignment]
        return Given
    with path.open("rb") as f:
        sample = f.read(limits.sample)
    if len(sample) == limits.sample and b"\n" in sample:
        sample = sample[:sample.rindex(b"\n") + 1]
    text = _decode(sample, 1).lstrip("\ufeff")
    try:
        return csv.Sniffer().sniff(text, delimiters=",;|\t")
    except csv.Error:
        raise Structural("cannot tell the delimiter; set [file] delimiter in the mapping") from None


class MasterFile:
    """One export read against a mapping, for a `full` or a `bills` load."""

    def __init__(self, path: Path, mapping: Mapping, kind: str, limits: Limits | None = None,
                 progress: Progress | None = None) -> None:
        self.path, self.mapping, self.kind = path, mapping, kind
        self.limits = limits or Limits()
        self.progress = progress
        self.rejected_rows = 0
        self.rows_read = 0

    def _header(self, header: list[str]) -> list[tuple[int, str, str, Any]]:
        """(index, source column, our field) for every mapped column; structural faults raised."""
        names = [h.strip() for h in header]
        if len(names) > self.limits.max_fields:
            raise Structural(f"{len(names)} columns, above the limit of {self.limits.max_fields}", 1)
        seen: set[str] = set()
        for n in names:
            if n in seen:
                raise Structural(f"column {n!r} appears twice in the header", 1)
            seen.add(n)
        by_source = self.mapping.source_to_field()
        extra = [n for n in names if n not in by_source and n not in self.mapping.ignore]
        if extra:
            raise Structural(f"unknown column(s) {', '.join(map(repr, extra[:10]))}: not in the mapping "
                             "(list them under [columns] ignore to skip them)", 1)
        out = [(i, n, by_source[n], self.mapping.parser(by_source[n])) for i, n in enumerate(names) if n in by_source]
        present = {f for _, _, f, _ in out}
        missing = [f for f in REQUIRED[self.kind] if f not in present]
        if missing:
            raise Structural("missing column(s) " + ", ".join(
                f"{self.mapping.columns[f]!r} ({f})" for f in missing) + f" for a {self.kind} load", 1)
        return out

    def records(self) -> Iterator[tuple[Any, ...] | Reject]:
        """Staged rows (STAGE_COLUMNS order) and rejects, in file order."""
        with self.path.open("rb") as f:
            reader = csv.reader(_lines(f, self.limits, self.progress), _dialect(self.path, self.mapping, self.limits))
            try:
                header = next(reader)
            except StopIteration:
                raise Structural("the file is empty") from None
            except csv.Error as e:
                raise Structural(f"unreadable header: {e}", 1) from None
            cols = self._header(header)
            width = len(header)
            acct_i, acct_parse = next((i, fn) for i, _, fld, fn in cols if fld == "account_no")
            while True:
                try:
                    rec = next(reader)
                except StopIteration:
                    break
                except csv.Error as e:
                    raise Structural(f"unreadable record: {e}", reader.line_num) from None
                line = reader.line_num
                if not rec or rec == [""]:
                    continue
                self.rows_read += 1
                account: str | None = None
                if acct_i < len(rec):
                    try:
                        account = acct_parse(rec[acct_i])
                    except FieldError:
                        account = None
                rejects = [Reject(line, "*", f"{len(rec)} fields, expected {width}")] if len(rec) != width \
                    else self._check(rec, cols, line)
                if isinstance(rejects, tuple):
                    yield rejects
                    continue
                self.rejected_rows += 1
                yield from rejects
                if account is not None:  # present in the file: a full load must not close it
                    yield (line, account, True, False) + (None,) * (len(STAGE_COLUMNS) - 4)
            if self.progress is not None:
                self.progress(self.path.stat().st_size)

    def _check(self, rec: list[str], cols: list[tuple[int, str, str, Any]], line: int) -> tuple[Any, ...] | list[Reject]:
        """The staged row, or the row's rejects. Values go straight to their staging position
        (a dict per row costs more than all the parsing of a 5.3 lakh-row file)."""
        row: list[Any] = [None] * _WIDTH
        row[0], row[2] = line, False
        rejects: list[Reject] | None = None
        for i, src, fld, parse in cols:
            try:
                row[_POS[fld]] = parse(rec[i])
            except FieldError as e:
                if rejects is None:
                    rejects = []
                rejects.append(Reject(line, src, str(e), rec[i][:80]))
        if rejects:
            return rejects
        has_bill = row[_BILL_NO] is not None
        row[3] = has_bill
        need = _NEED_BILL[self.kind] if has_bill else _NEED[self.kind]
        missing = [f for f, pos in need if row[pos] is None]
        if missing:
            return [Reject(line, self.mapping.columns[f], "missing value") for f in missing]
        if self.kind == "full" and row[_POS["relation_name"]] is None:
            row[_POS["relation_name"]] = ""
        if has_bill:
            if row[_ARREARS] is None:
                row[_ARREARS] = 0
            due, billed = row[_POS["due_date"]], row[_BILL_DATE]
            if due is not None and due < billed:
                return [Reject(line, self.mapping.columns["due_date"], "due date before the bill date", str(due))]
            if row[_UPTO] is None:
                row[_UPTO] = billed
        return tuple(row)


_WIDTH = len(STAGE_COLUMNS)
_POS = {f: i for i, f in enumerate(STAGE_COLUMNS)}
_BILL_NO, _BILL_DATE, _ARREARS, _UPTO = (_POS[f] for f in ("bill_no", "bill_date", "arrears", "payments_upto"))
_NEED = {k: tuple((f, _POS[f]) for f in REQUIRED[k]) for k in REQUIRED}
_NEED_BILL = {k: tuple((f, _POS[f]) for f in dict.fromkeys((*REQUIRED[k], "bill_date", "bill_amount")))
              for k in REQUIRED}
