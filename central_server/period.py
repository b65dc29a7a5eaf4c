"""Month-end closing state: open, or closing in one of two modes.

collect: receipts are accepted and posted as usual, marked received_during_closing.
legacy:  the records endpoint answers 503 + Retry-After, as the old system's shutdown did."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from central_server.models import period


@dataclass(frozen=True, slots=True)
class Period:
    state: str  # open | closing
    mode: str  # collect | legacy
    label: str | None
    retry_after_s: int
    changed_at: str

    @property
    def closing(self) -> bool:
        return self.state == "closing"

    @property
    def refuses_sync(self) -> bool:
        return self.closing and self.mode == "legacy"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def current(conn: Connection) -> Period:
    row = conn.execute(select(period).where(period.c.id == 1)).one()
    changed = row.changed_at
    if isinstance(changed, datetime):
        # SQLite hands back naive datetimes; everything is stored in UTC
        changed = (changed if changed.tzinfo else changed.replace(tzinfo=UTC)).isoformat()
    return Period(row.state, row.mode, row.label, row.retry_after_s, str(changed))


def close(conn: Connection, *, legacy: bool = False, label: str | None = None, retry_after_s: int = 600) -> Period:
    conn.execute(
        update(period).where(period.c.id == 1).values(
            state="closing", mode="legacy" if legacy else "collect", label=label,
            retry_after_s=retry_after_s, changed_at=datetime.now(UTC),
        )
    )
    return current(conn)


def open_(conn: Connection) -> Period:
    conn.execute(
        update(period).where(period.c.id == 1).values(
            state="open", mode="collect", label=None, changed_at=datetime.now(UTC)
        )
    )
    return current(conn)
