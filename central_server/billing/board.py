"""What headquarters sees of the billing side, per counter and in total: collected (net, at the
server), posted in billing, rejected and waiting in the queue, sent and not answered yet, not
yet in a batch, and the age of the oldest money not posted. Resolved rejections and their
server-side offsets cancel out, so collected = posted + sent + unbatched + rejected."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, case, func, select

from central_server.models import billing_batches, billing_clarifications, billing_postings

_FIGURES = ("collected_paise", "posted_paise", "sent_paise", "unbatched_paise", "rejected_paise", "unposted")


def _rejected_open() -> Any:
    """A rejected posting still waiting in the clarification queue (a resolved one is offset)."""
    p, q = billing_postings.c, billing_clarifications.c
    open_item = select(q.posting_id).where(q.state.in_(("open", "proposed"))).scalar_subquery()
    return (p.state == "rejected") & p.posting_id.in_(open_item)


def _unposted() -> Any:
    """Money not posted in billing yet: not in a batch, sent and unanswered, or rejected and open."""
    return billing_postings.c.state.in_(("sent", "pending")) | _rejected_open()


def unposted_count(conn: Connection) -> int:
    """Postings not yet posted in billing (the metrics' gauge; the board's `unposted`)."""
    return int(conn.execute(select(func.count()).select_from(billing_postings).where(_unposted())).scalar_one())


def by_counter(conn: Connection) -> dict[str, dict[str, Any]]:
    p = billing_postings.c
    rejected_open = _rejected_open()

    def total(cond: Any) -> Any:
        return func.coalesce(func.sum(case((cond, p.amount_paise), else_=0)), 0)

    unposted = _unposted()
    rows = conn.execute(select(
        p.counter_code, total(p.state.is_not(None)), total(p.state == "posted"), total(p.state == "sent"),
        total(p.state == "pending"), total(rejected_open), func.sum(case((unposted, 1), else_=0)),
        func.min(case((unposted, p.created_at), else_=None)),
    ).group_by(p.counter_code).order_by(p.counter_code)).all()
    now = datetime.now(UTC)
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        d: dict[str, Any] = dict(zip(_FIGURES, (int(x or 0) for x in r[1:7]), strict=True))
        oldest = r[7]
        if isinstance(oldest, str):
            oldest = datetime.fromisoformat(oldest)
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        d["oldest_unposted_at"] = oldest
        d["oldest_unposted_age_s"] = int((now - oldest).total_seconds()) if oldest else None
        out[r[0]] = d
    return out


def totals(figures: dict[str, dict[str, Any]]) -> dict[str, Any]:
    t: dict[str, Any] = {k: sum(f[k] for f in figures.values()) for k in _FIGURES}
    olds = [f["oldest_unposted_at"] for f in figures.values() if f["oldest_unposted_at"] is not None]
    t["oldest_unposted_at"] = min(olds) if olds else None
    ages = [f["oldest_unposted_age_s"] for f in figures.values() if f["oldest_unposted_age_s"] is not None]
    t["oldest_unposted_age_s"] = max(ages) if ages else None
    return t


def recent_batches(conn: Connection, limit: int = 20) -> list[dict[str, Any]]:
    b, p = billing_batches.c, billing_postings.c
    answered = (select(func.count()).where(p.posting_id.between(b.first_posting_id, b.last_posting_id),
                                           p.batch_id == b.batch_id, p.state.in_(("posted", "rejected")))
                .scalar_subquery())
    rows = conn.execute(select(billing_batches, answered.label("answered"))
                        .order_by(b.batch_id.desc()).limit(limit)).mappings()
    return [dict(r) for r in rows]


def age_label(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def receipt_states(conn: Connection, query: str, limit: int = 50) -> list[dict[str, Any]]:
    """Receipts by receipt number, receipt id or account, each with its two states: collected (at
    the server: accepted, parked, reversed) and posted (its postings in billing, newest last)."""
    from central_server.models import receipts

    q = query.strip()[:64]
    if not q:
        return []
    r = receipts.c
    found = conn.execute(select(r.receipt_id, r.receipt_no, r.counter_code, r.account_no, r.amount_paise,
                                r.business_date, r.mode, r.parked_reason, r.posted, r.reversed_by)
                         .where((r.receipt_no == q) | (r.receipt_id == q) | (r.account_no == q))
                         .order_by(r.business_date.desc(), r.receipt_no).limit(limit)).mappings().all()
    out = [dict(x) for x in found]
    ids = [x["receipt_id"] for x in out]
    by: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        p = billing_postings.c
        for row in conn.execute(select(p.posting_id, p.receipt_id, p.source, p.kind, p.account_no, p.amount_paise,
                                       p.batch_id, p.state, p.answer_reason).where(p.receipt_id.in_(ids))
                                .order_by(p.posting_id)).mappings():
            by[row["receipt_id"]].append(dict(row))
    for x in out:
        x["postings"] = by[x["receipt_id"]]
        x["collected"] = ("parked: " + x["parked_reason"]) if x["parked_reason"] else \
            "reversed" if x["reversed_by"] else "accepted"
        sent = [pp for pp in x["postings"] if pp["state"] != "offset"]
        last = x["postings"][-1] if x["postings"] else None
        if last is None:
            x["billing"] = "not posted (parked)"
        elif last["state"] == "offset" and last["source"] in ("void", "dishonour", "reversal"):
            x["billing"] = "nothing to book (reversed before billing booked it)"
        else:
            x["billing"] = sent[-1]["state"] if sent else "offset"
    return out
