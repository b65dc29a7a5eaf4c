"""The consumer (account) record cached at the counter and served by the central server."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Consumer:
    account_no: str
    name: str
    relation_name: str
    address: str
    locality: str
    category: str
    meter_no: str
    mobile: str | None
    status: str
    last_bill_no: str | None
    last_bill_date: str | None
    last_bill_due_date: str | None
    last_bill_amount_paise: int
    arrears_paise: int
    balance_paise: int
    last_payment_date: str | None
    last_payment_paise: int | None
    dishonoured_cheques: int
    version: int

    @property
    def amount_due_paise(self) -> int:
        return max(self.balance_paise, 0)

    @classmethod
    def from_row(cls, row: tuple[object, ...] | list[object]) -> Consumer:
        return cls(*row)
