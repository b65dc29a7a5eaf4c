"""The receipts of one cheque or DD that paid several accounts (issue 16): they share the
instrument's `group_id` in their sealed text and were all issued in one transaction, so on one
business day; the day's index narrows the search to that day's receipts."""

from __future__ import annotations

from sqlalchemy import Connection

from counter_app.storage.db import raw
from counter_app.storage.receipts import _receipt_from_row
from kesco_protocol.records import Receipt

_GROUP = (
    "SELECT r.canonical, r.prev_hash, r.hash, s.key_id, s.signature FROM receipts r "
    "LEFT JOIN receipt_signatures s ON s.receipt_id = r.receipt_id "
    "WHERE r.business_date = ? AND json_extract(r.canonical, '$.instrument.group_id') = ? ORDER BY r.seq"
)


def group_receipts(conn: Connection, business_date: str, group_id: str) -> list[Receipt]:
    """Every receipt of the group, in issue order."""
    return [_receipt_from_row(c, p, h, k, s) for c, p, h, k, s in raw(conn).execute(_GROUP, (business_date, group_id))]
