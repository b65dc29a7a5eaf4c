"""The consumer (account) record cached at the counter; its wire fields are kesco_protocol.consumers."""

from __future__ import annotations

from dataclasses import dataclass


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
