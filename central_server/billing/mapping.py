"""How a billing system's export maps onto our consumer fields: column names, delimiter, date
formats, amounts in rupees or paise, the utility's own category and status codes. Read from a
TOML file (docs/examples/billing-mapping.toml documents every key); without one, the columns
carry our own field names, dates are ISO and amounts are rupees.

The parsers here are the per-field checks of a load: each returns the value in our form or
raises FieldError with a reason that goes into the rejects file."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kesco_protocol.digits import to_ascii_digits as ascii_digits

# our field -> (kind, max length). Names are the billing side's words, not our column names.
FIELDS: dict[str, tuple[str, int]] = {
    "account_no": ("account", 32),
    "name": ("text", 200),
    "relation_name": ("text", 200),
    "address": ("text", 400),
    "locality": ("text", 120),
    "category": ("category", 8),
    "meter_no": ("text", 40),
    "mobile": ("mobile", 16),
    "status": ("status", 16),
    "bill_no": ("text", 40),
    "bill_date": ("date", 10),
    "due_date": ("date", 10),
    "bill_amount": ("money", 0),
    "arrears": ("money", 0),
    "amount_after_due": ("money", 0),
    "balance": ("money", 0),
    "payments_upto": ("date", 10),
}
CONNECTION_FIELDS = ("name", "relation_name", "address", "locality", "category", "meter_no", "mobile", "status")
BILL_FIELDS = ("bill_no", "bill_date", "due_date", "bill_amount", "arrears", "amount_after_due", "balance",
               "payments_upto")
# what each kind of load must carry (a missing one is a structural fault: nothing is applied)
REQUIRED = {
    "full": ("account_no", "name", "address", "locality", "category", "meter_no", "status"),
    "bills": ("account_no", "bill_no", "bill_date", "due_date", "bill_amount", "arrears"),
}

_DATE_PATTERNS = {
    "YYYY-MM-DD": (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII), (0, 1, 2)),
    "DD-MM-YYYY": (re.compile(r"^(\d{2})-(\d{2})-(\d{4})$", re.ASCII), (2, 1, 0)),
    "DD/MM/YYYY": (re.compile(r"^(\d{2})/(\d{2})/(\d{4})$", re.ASCII), (2, 1, 0)),
    "DD.MM.YYYY": (re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$", re.ASCII), (2, 1, 0)),
    "DD/MM/YY": (re.compile(r"^(\d{2})/(\d{2})/(\d{2})$", re.ASCII), (2, 1, 0)),
    "DD-MM-YY": (re.compile(r"^(\d{2})-(\d{2})-(\d{2})$", re.ASCII), (2, 1, 0)),
}
_ACCOUNT = re.compile(r"^[0-9A-Za-z]{1,32}$")
_MOBILE = re.compile(r"^(?:\+?91)?([6-9]\d{9})$", re.ASCII)
_CENT = Decimal("0.01")
_PLAIN_RUPEES = re.compile(r"^(-?)(\d{1,13})(?:\.(\d{1,2}))?$", re.ASCII)
_PLAIN_PAISE = re.compile(r"^-?\d{1,15}$", re.ASCII)
MAX_PAISE = 10**15  # far above any bill; what a BIGINT and every JSON reader keep exactly

DEFAULT_CATEGORIES = {"DOM": "DOM", "COM": "COM", "PUB": "PUB", "SMI": "SMI"}
DEFAULT_STATUSES = {"active": "active", "disconnected": "disconnected", "closed": "closed"}


class MappingError(Exception):
    """The mapping file itself is wrong; nothing is read."""


class FieldError(Exception):
    """One value cannot be read; the message is the reason written to the rejects file."""


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str] = field(default_factory=lambda: {f: f for f in FIELDS})
    ignore: frozenset[str] = frozenset()
    delimiter: str | None = None  # None: guess with csv.Sniffer on the first 64 KiB
    date_formats: tuple[str, ...] = ("YYYY-MM-DD",)
    amounts: str = "rupees"  # rupees (decimals allowed) | paise (integers)
    categories: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CATEGORIES))
    statuses: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_STATUSES))
    max_close_share: float = 0.02

    # --- per-field parsers ------------------------------------------------------------------

    def parse(self, name: str, value: str) -> Any:
        """The value of our field `name` from the file's text; None for an empty optional value."""
        return self.parser(name)(value)

    def parser(self, name: str) -> Callable[[str], Any]:
        """The parser of one field, made once per column (a load calls it 5.3 lakh times)."""
        kind, limit = FIELDS[name]
        if kind == "text":
            def text(value: str) -> str | None:
                v = value.strip()
                if not v:
                    return None
                if len(v) > limit:
                    raise FieldError(f"longer than {limit} characters")
                if "\x00" in v:
                    raise FieldError("contains a NUL character")
                return v
            return text
        if kind in ("category", "status"):
            table = self.categories if kind == "category" else self.statuses

            def code(value: str) -> str | None:
                v = value.strip()
                if not v:
                    return None
                got = table.get(v)
                if got is None:
                    raise FieldError(f"unknown {kind} code {v[:20]!r} (add it under [{kind}] in the mapping)")
                return got
            return code
        if kind == "date":
            # a file has a few hundred distinct dates among its lakhs of rows: parse each once
            cache: dict[str, str] = {}
            parse_date = self.date

            def cached_date(value: str) -> str | None:
                got = cache.get(value)
                if got is not None:
                    return got
                v = value.strip()
                if not v:
                    return None
                got = parse_date(v)
                if len(cache) < 50_000:
                    cache[value] = got
                return got
            return cached_date
        if kind == "money":
            slow = self.money
            if self.amounts != "rupees":
                def paise(value: str) -> int | None:
                    v = value.strip()
                    return slow(v) if v else None
                return paise

            def rupees(value: str) -> int | None:
                # the plain form (digits, a point, one or two decimals) without a regular expression
                v = value.strip()
                if not v:
                    return None
                body = v[1:] if v[0] == "-" else v
                whole, dot, frac = body.partition(".")
                if (whole.isascii() and whole.isdigit() and len(whole) <= 13
                        and (not dot or (frac.isascii() and frac.isdigit() and len(frac) <= 2))):
                    p = int(whole) * 100 + (int(frac) * (10 if len(frac) == 1 else 1) if frac else 0)
                    return -p if v[0] == "-" else p
                return slow(v)
            return rupees
        conv = {"account": _account, "mobile": _mobile}[kind]

        def other(value: str) -> Any:
            v = value.strip()
            return conv(v) if v else None
        return other

    def money(self, v: str) -> int:
        """Integer paise. Rupees may have up to two decimals and Indian or Western grouping commas;
        never float: plain digits are read as integers, anything else through Decimal."""
        m = _PLAIN_RUPEES.match(v) if self.amounts == "rupees" else _PLAIN_PAISE.match(v)
        if m is not None:
            if self.amounts == "paise":
                paise = int(v)
            else:
                whole, frac = m.group(2), (m.group(3) or "").ljust(2, "0")
                paise = (int(whole) * 100 + int(frac)) * (-1 if m.group(1) else 1)
        else:
            paise = self._money_decimal(v)
        if abs(paise) >= MAX_PAISE:
            raise FieldError("amount out of range")
        return paise

    def _money_decimal(self, v: str) -> int:
        text = ascii_digits(v).replace(",", "").replace("₹", "").strip()
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise FieldError("not an amount") from None
        if not d.is_finite():
            raise FieldError("not an amount")
        if self.amounts == "paise":
            if d != d.to_integral_value():
                raise FieldError("paise must be a whole number")
            return int(d)
        if d != d.quantize(_CENT):
            raise FieldError("more than two decimals")
        return int(d * 100)

    def date(self, v: str) -> str:
        v = ascii_digits(v)
        for fmt in self.date_formats:
            rx, order = _DATE_PATTERNS[fmt]
            m = rx.match(v)
            if m is None:
                continue
            parts = m.groups()
            y, mo, d = (int(parts[order[0]]), int(parts[order[1]]), int(parts[order[2]]))
            if fmt.endswith("YY") and not fmt.endswith("YYYY"):
                y += 2000  # two-digit years: this century (no bill predates 2000 in this system)
            try:
                return date(y, mo, d).isoformat()
            except ValueError:
                raise FieldError(f"not a calendar date ({v[:20]})") from None
        raise FieldError(f"not a date in the format {' or '.join(self.date_formats)}")

    def source_to_field(self) -> dict[str, str]:
        return {src: ours for ours, src in self.columns.items()}


def _account(v: str) -> str:
    v = ascii_digits(v)
    if not _ACCOUNT.match(v):
        raise FieldError("not an account number (1 to 32 letters or digits)")
    return v


def _mobile(v: str) -> str:
    m = _MOBILE.match(ascii_digits(v).replace(" ", "").replace("-", ""))
    if m is None:
        raise FieldError("not a 10-digit Indian mobile number")
    return m.group(1)


def load_mapping(path: str | Path | None) -> Mapping:
    """The mapping from a TOML file; the default mapping without one. Raises MappingError."""
    if path is None:
        return Mapping()
    return mapping_from_dict(read_mapping_file(path))


def read_mapping_file(path: str | Path) -> dict[str, Any]:
    """A mapping's TOML (the master's or a bank statement's); a file saved with a BOM is read too.
    Raises MappingError naming the file."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise MappingError(f"cannot read the mapping {path}: {e}") from None


def mapping_from_dict(data: dict[str, Any]) -> Mapping:
    file = data.get("file", {})
    cols_in = dict(data.get("columns", {}))
    ignore = cols_in.pop("ignore", [])
    unknown = sorted(set(cols_in) - set(FIELDS))
    if unknown:
        raise MappingError(f"[columns] names unknown fields: {', '.join(unknown)} (known: {', '.join(FIELDS)})")
    if not all(isinstance(v, str) and v for v in cols_in.values()) or not isinstance(ignore, list):
        raise MappingError("[columns]: each field maps to a column name; ignore is a list of names")
    # a field not named keeps its own name as the column name
    columns = {f: f for f in FIELDS if f not in cols_in} | cols_in
    if len(set(columns.values())) != len(columns):
        raise MappingError("[columns]: two fields map to the same column")
    formats = file.get("date_formats", ["YYYY-MM-DD"])
    bad = [f for f in formats if f not in _DATE_PATTERNS]
    if bad or not formats:
        raise MappingError(f"[file] date_formats: unknown {bad} (known: {', '.join(_DATE_PATTERNS)})")
    amounts = file.get("amounts", "rupees")
    if amounts not in ("rupees", "paise"):
        raise MappingError("[file] amounts must be \"rupees\" or \"paise\"")
    delimiter = file.get("delimiter", "auto")
    if delimiter != "auto" and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise MappingError("[file] delimiter must be one character or \"auto\"")
    categories = {str(k): str(v) for k, v in data.get("category", DEFAULT_CATEGORIES).items()}
    statuses = {str(k): str(v) for k, v in data.get("status", DEFAULT_STATUSES).items()}
    if not set(categories.values()) <= set(DEFAULT_CATEGORIES):
        raise MappingError(f"[category] values must be one of {', '.join(DEFAULT_CATEGORIES)}")
    if not set(statuses.values()) <= set(DEFAULT_STATUSES):
        raise MappingError(f"[status] values must be one of {', '.join(DEFAULT_STATUSES)}")
    share = data.get("load", {}).get("max_close_share", 0.02)
    if not isinstance(share, int | float) or not 0 <= share <= 1:
        raise MappingError("[load] max_close_share must be a share between 0 and 1")
    return Mapping(columns=columns, ignore=frozenset(map(str, ignore)),
                   delimiter=None if delimiter == "auto" else delimiter, date_formats=tuple(formats),
                   amounts=amounts, categories=categories, statuses=statuses, max_close_share=float(share))
