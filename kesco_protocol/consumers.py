"""The consumer master data on the wire: the field order of a snapshot row (shared by the demo
generator, the counter's cache table and the server's table), the categories and the connection
states."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    DOMESTIC = "DOM"
    COMMERCIAL = "COM"
    PUBLIC_INSTITUTION = "PUB"
    SMALL_MEDIUM_INDUSTRY = "SMI"


class ConnectionStatus(StrEnum):
    ACTIVE = "active"
    DISCONNECTED = "disconnected"
    CLOSED = "closed"


# Column order shared by the demo generator, the counter's cache table, the server's table and the
# snapshot wire format (one tuple/array per consumer in this order). Money in integer paise,
# dates as ISO "YYYY-MM-DD" strings or None.
CONSUMER_FIELDS: tuple[str, ...] = (
    "account_no",          # 10 digits, the number printed on the bill
    "name",
    "relation_name",       # father's or husband's name
    "address",
    "locality",
    "category",            # Category value
    "meter_no",
    "mobile",              # 10 digits or None
    "status",              # ConnectionStatus value
    "last_bill_no",
    "last_bill_date",
    "last_bill_due_date",
    "last_bill_amount_paise",
    "arrears_paise",       # arrears included in the last bill
    "balance_paise",       # outstanding now; payments reduce it; negative = advance
    "last_payment_date",
    "last_payment_paise",
    "dishonoured_cheques", # count of cheques from this consumer that bounced
    "version",             # master-data version (monotonic integer) of this row
)

# The JSON type of each field, in CONSUMER_FIELDS order: what a counter accepts in a snapshot or
# changes row (sync/consumer_rows.py checks every row against it). Money and counts are JSON
# integers, never text, floats or true/false; None only where the cache's column may be empty.
CONSUMER_FIELD_TYPES: tuple[object, ...] = (
    str, str, str, str, str,          # account_no, name, relation_name, address, locality
    str, str | None, str | None,      # category, meter_no, mobile
    str,                              # status
    str | None, str | None, str | None,  # last_bill_no, last_bill_date, last_bill_due_date
    int, int, int,                    # last_bill_amount_paise, arrears_paise, balance_paise
    str | None, int | None,           # last_payment_date, last_payment_paise
    int, int,                         # dishonoured_cheques, version
)
assert len(CONSUMER_FIELD_TYPES) == len(CONSUMER_FIELDS)
