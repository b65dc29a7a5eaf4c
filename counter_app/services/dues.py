"""What a consumer owes as this counter knows it, and what to ask before taking their money.

The cached balance comes from the central server and moves only at the next pull (minutes online,
days offline); this counter's own receipts, voids and dishonours apply to it at once here. And a
payment that looks like a mistake (the account was paid a few hours ago, or the amount is far
above the amount due) is named, so the window can ask for a deliberate confirmation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from counter_app.config import Config
from counter_app.domain.consumer import Consumer
from counter_app.storage.account_activity import OwnReceipt, Sent
from kesco_protocol.money import format_inr


@dataclass(frozen=True, slots=True)
class RecentPayment:
    """A payment on the account within the configured hours."""

    amount_paise: int
    at: str  # ISO time of our own receipt; ISO date when known only from the server
    receipt_no: str | None = None  # None: the server's last-payment info (another counter, online)


@dataclass(frozen=True, slots=True)
class Caution:
    """A reason to stop the fast path; `key` is a message key (domain/messages.py)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


def _when(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return dt if dt.tzinfo is not None else None


def _shown(iso: str) -> str:
    """A time or a day as the clerk reads it: 29-11-2026 10:30, or 29-11-2026."""
    at = _when(iso)
    if at is not None:
        return at.strftime("%d-%m-%Y %H:%M")
    try:
        return date.fromisoformat(iso[:10]).strftime("%d-%m-%Y")
    except ValueError:
        return iso


def reflected(sent: Sent | None, as_of: datetime | None) -> bool:
    """Whether the cached balances (current at `as_of`) already count a record of this counter.

    The rule: a record is counted exactly when the server accepted it (outbox `synced`: accepted
    posts it, and a duplicate was posted before) at or before the moment the cached balances were
    current (`consumers_as_of`). Everything else is not counted yet: a record still pending,
    parked (stored but not posted), refused, or accepted after the last pull. The receipt's issue
    time alone would not do: a receipt issued before the last pull may still have been in the
    outbox then (the server took the pull but not the push, or parked the receipt); and a receipt
    issued after the pull is covered by the rule anyway, since it is answered after it is issued."""
    if sent is None or sent.state != "synced" or as_of is None:
        return False
    at = _when(sent.synced_at)
    return at is not None and at <= as_of


def unreflected_paise(own: list[OwnReceipt], as_of_iso: str | None) -> int:
    """Paise to add to the cached balance for this counter's records it does not count yet:
    minus each such receipt, plus each such void or dishonour (of a receipt counted or not: a
    receipt and its void both uncounted cancel out)."""
    as_of = _when(as_of_iso)
    delta = 0
    for r in own:
        if not reflected(r.sent, as_of):
            delta -= r.amount_paise
        if r.reversal_sent is not None and not reflected(r.reversal_sent, as_of):
            delta += r.amount_paise
    return delta


def recent_payments(consumer: Consumer | None, own: list[OwnReceipt], now: datetime, hours: int) -> list[RecentPayment]:
    """Payments on the account within the last `hours`, newest first: this counter's receipts not
    cancelled, and the server's last payment (any counter, online) when it is that recent and is
    not one of ours."""
    if hours <= 0:
        return []
    since = now - timedelta(hours=hours)
    found: list[RecentPayment] = []
    for r in own:
        at = _when(r.issued_at)
        if r.reversal_at is None and at is not None and at >= since:
            found.append(RecentPayment(r.amount_paise, r.issued_at, r.receipt_no))
    found.reverse()
    if consumer is not None and consumer.last_payment_date and consumer.last_payment_paise:
        try:
            day = date.fromisoformat(consumer.last_payment_date[:10])
        except ValueError:
            day = None
        # the server keeps only the day: a payment on the first day of the window counts
        ours = {(p.at[:10], p.amount_paise) for p in found}
        if day is not None and day >= since.date() and (day.isoformat(), consumer.last_payment_paise) not in ours:
            found.append(RecentPayment(consumer.last_payment_paise, day.isoformat()))
    return found


def cautions(recent: list[RecentPayment], due_paise: int | None, amount_paise: int, config: Config) -> list[Caution]:
    """Why this payment must be confirmed deliberately (empty: the fast path is fine)."""
    out: list[Caution] = []
    for p in recent[:1]:  # the newest one is the one to name
        if p.receipt_no is not None:
            out.append(Caution("payment.recent_receipt", {
                "receipt": p.receipt_no, "time": _shown(p.at), "amount": format_inr(p.amount_paise),
                "hours": config.recent_payment_hours}))
        else:
            out.append(Caution("payment.recent_elsewhere", {
                "date": _shown(p.at), "amount": format_inr(p.amount_paise),
                "hours": config.recent_payment_hours}))
    if due_paise is not None and amount_paise > 0:
        due = max(due_paise, 0)
        if amount_paise > due * config.far_above_due_factor and amount_paise - due > config.far_above_due_margin_paise:
            out.append(Caution("payment.far_above_due", {"amount": format_inr(amount_paise),
                                                         "due": format_inr(due)}))
    return out
