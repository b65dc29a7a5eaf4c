"""Month-end closing state: open, or closing in one of two modes.

collect: receipts are accepted and posted as usual, marked received_during_closing.
legacy:  the records endpoint answers 503 + Retry-After, as the old system's shutdown did.

Every closing is also kept as a closed period of value dates (`closed_periods`: start_date ..
end_date). Whether a receipt was collected during closing is decided here, in one place
(`collected_during_closing`), by its business date against those periods: a receipt taken during
the closing is flagged whether it arrives during collect-mode closing, after a legacy closing or
days after reopening, and one taken before or after the window is not."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update

from central_server.models import closed_periods, period, receipts

# value dates are the counters' business dates: days in India
IST = timezone(timedelta(hours=5, minutes=30), "IST")

Window = tuple[str, str | None]  # start_date, end_date (None: still closing)


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


def today_ist(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).astimezone(IST).date().isoformat()


def close(conn: Connection, *, legacy: bool = False, label: str | None = None, retry_after_s: int = 600,
          start_date: str | None = None) -> Period:
    """Start closing (or change its mode). The closed period's value dates begin at `start_date`
    (default today in India); a closing already under way keeps its start."""
    if start_date is not None:
        date.fromisoformat(start_date)
    win = conn.execute(select(closed_periods.c.id).where(closed_periods.c.end_date.is_(None))).first()
    if win is None:
        conn.execute(insert(closed_periods).values(label=label, start_date=start_date or today_ist(),
                                                   closed_at=datetime.now(UTC)))
    elif start_date is not None:
        conn.execute(update(closed_periods).where(closed_periods.c.id == win.id).values(start_date=start_date))
    mark_receipts(conn)
    conn.execute(
        update(period).where(period.c.id == 1).values(
            state="closing", mode="legacy" if legacy else "collect", label=label,
            retry_after_s=retry_after_s, changed_at=datetime.now(UTC),
        )
    )
    return current(conn)


def open_(conn: Connection, *, end_date: str | None = None) -> Period:
    """End closing. The closed period's last value date is `end_date` (default today in India:
    receipts of the reopening day were taken while the bill run was still being made)."""
    if end_date is not None:
        date.fromisoformat(end_date)
    conn.execute(update(closed_periods).where(closed_periods.c.end_date.is_(None)).values(
        end_date=end_date or today_ist(), opened_at=datetime.now(UTC)))
    mark_receipts(conn)
    conn.execute(
        update(period).where(period.c.id == 1).values(
            state="open", mode="collect", label=None, changed_at=datetime.now(UTC)
        )
    )
    return current(conn)


# --- collected during closing: by value date, in one place ---------------------------------------

def windows(conn: Connection) -> list[Window]:
    """Every closed period as (start_date, end_date or None while closing)."""
    return [(r.start_date, r.end_date) for r in conn.execute(
        select(closed_periods.c.start_date, closed_periods.c.end_date).order_by(closed_periods.c.start_date))]


def in_windows(wins: list[Window], business_date: str) -> bool:
    """Whether a value date lies in one of the closed periods (dates compare as ISO text)."""
    return any(start <= business_date and (end is None or business_date <= end) for start, end in wins)


def collected_during_closing(conn: Connection, business_date: str) -> bool:
    """The one rule: a receipt was collected during closing when its value date (business date)
    lies in a closed period, whenever it arrived. The bill run and the postings read this."""
    return in_windows(windows(conn), business_date)


def mark_receipts(conn: Connection) -> int:
    """Set the flag of stored receipts from the closed periods (after a period's dates change:
    receipts may have arrived before the window was known). Never clears a flag: a receipt once
    handed to the bill run as collected during closing stays so."""
    conds = [and_(receipts.c.business_date >= s, *(() if e is None else (receipts.c.business_date <= e,)))
             for s, e in windows(conn)]
    if not conds:
        return 0
    res = conn.execute(update(receipts).where(receipts.c.collected_during_closing.is_(False), or_(*conds))
                       .values(collected_during_closing=True))
    return int(res.rowcount or 0)
