"""The clarification queue: postings the billing system rejected, worked off by accounts users.
Re-post (billing fixed its side) or transfer to the right account (the clerk typed the wrong
one), the transfer proposed by one person and approved by another. Both never edit a posting:
the rejected one is cancelled by a server-side reversal (state `offset`, never sent: billing
holds nothing to reverse) and a new posting goes out in the next batch. Each step is a
conditional update of the queue row, so one item is resolved once; every step is audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from central_server import db
from central_server.billing.postings import current_payments, db_insert, reversal_of
from central_server.models import billing_audit, billing_clarifications, billing_postings, consumers

OPEN_STATES = ("open", "proposed")


class ClarificationError(Exception):
    """The step is not allowed; nothing changed."""


def queue(conn: Connection, *, include_resolved: bool = False, limit: int = 500) -> list[dict[str, Any]]:
    q = (select(billing_clarifications, billing_postings.c.kind, billing_postings.c.account_no,
                billing_postings.c.amount_paise, billing_postings.c.receipt_no, billing_postings.c.counter_code,
                billing_postings.c.value_date, billing_postings.c.batch_id, billing_postings.c.answer_reason)
         .join(billing_postings, billing_postings.c.posting_id == billing_clarifications.c.posting_id)
         .order_by(billing_clarifications.c.id).limit(limit))
    if not include_resolved:
        q = q.where(billing_clarifications.c.state.in_(OPEN_STATES))
    return [dict(r) for r in conn.execute(q).mappings()]


def _item(conn: Connection, item_id: int) -> dict[str, Any]:
    row = conn.execute(select(billing_clarifications).where(billing_clarifications.c.id == item_id)).mappings().first()
    if row is None:
        raise ClarificationError(f"no clarification #{item_id}")
    return dict(row)


def _posting(conn: Connection, posting_id: int) -> dict[str, Any]:
    return dict(conn.execute(select(billing_postings).where(billing_postings.c.posting_id == posting_id))
                .mappings().one())


def _move(conn: Connection, item_id: int, expected: str, **values: Any) -> None:
    """The queue row from `expected` to its next state, or an error when someone got there first."""
    done = conn.execute(update(billing_clarifications).where(billing_clarifications.c.id == item_id,
                                                             billing_clarifications.c.state == expected)
                        .values(**values))
    if done.rowcount != 1:
        raise ClarificationError(f"clarification #{item_id} is no longer {expected}; reload the page")


def _audit(conn: Connection, actor: str, action: str, item_id: int, detail: dict[str, Any]) -> None:
    conn.execute(insert(billing_audit).values(at=datetime.now(UTC), actor=actor[:64], action=action,
                                              subject=f"clarification #{item_id}",
                                              detail=json.dumps(detail, sort_keys=True)))


def _replace(conn: Connection, old: dict[str, Any], item_id: int, account_no: str, source: str,
             now: datetime) -> int:
    """Offset the rejected posting and send a new one for `account_no`; the new posting's id."""
    conn.execute(db_insert(conn), [reversal_of(old, source=f"{source}_off", source_id=str(item_id),
                                               value_date=old["value_date"], now=now, state="offset")])
    new = {k: old[k] for k in ("kind", "receipt_id", "receipt_no", "counter_code", "amount_paise", "value_date",
                               "mode", "instrument", "collected_during_closing", "reverses_posting_id")}
    new.update(source=source, source_id=str(item_id), account_no=account_no, created_at=now, batch_id=None,
               state="pending", answer_reason=None, answered_at=None)
    if old["kind"] == "reversal":
        # a reversal names the receipt's payment posting in force now: the one it named may have
        # been rejected and re-posted under a new id since
        pay = current_payments(conn, [old["receipt_id"]]).get(old["receipt_id"])
        if pay is not None:
            new["reverses_posting_id"] = pay["posting_id"]
    return int(conn.execute(db_insert(conn).values(**new).returning(billing_postings.c.posting_id)).scalar_one())


def _resolve(conn: Connection, item_id: int, item: dict[str, Any], expected: str, state: str, user: str,
             to_account: str | None, source: str) -> tuple[dict[str, Any], int]:
    """The item resolved by `user` (from `expected` to `state`): its rejected posting offset and a
    new one sent, to `to_account` or (None) the same account; (the old posting, the new one's id)."""
    now = datetime.now(UTC)
    old = _posting(conn, item["posting_id"])
    _move(conn, item_id, expected, state=state, resolved_by=user, resolved_at=now)
    new_id = _replace(conn, old, item_id, to_account or old["account_no"], source, now)
    conn.execute(update(billing_clarifications).where(billing_clarifications.c.id == item_id)
                 .values(new_posting_id=new_id))
    return old, new_id


def repost(conn: Connection, item_id: int, user: str) -> int:
    """Send the rejected posting again as it is (billing fixed its side); the new posting's id."""
    item = _item(conn, item_id)
    if item["state"] != "open":
        raise ClarificationError(f"clarification #{item_id} is {item['state']}, not open")
    _old, new_id = _resolve(conn, item_id, item, "open", "reposted", user, None, "repost")
    _audit(conn, user, "repost", item_id, {"posting": item["posting_id"], "new_posting": new_id})
    return new_id


def propose_transfer(conn: Connection, item_id: int, to_account: str, user: str) -> None:
    item = _item(conn, item_id)
    old = _posting(conn, item["posting_id"])
    if old["kind"] != "payment":
        raise ClarificationError("only a payment can be transferred; re-post a reversal")
    to_account = to_account.strip()
    if to_account == old["account_no"]:
        raise ClarificationError("the posting is on that account already; re-post it instead")
    status = conn.execute(select(consumers.c.status).where(consumers.c.account_no == to_account)).scalar_one_or_none()
    if status is None:
        raise ClarificationError(f"no consumer account {to_account[:32]}")
    if status != "active":
        raise ClarificationError(f"account {to_account[:32]} is {status}")
    _move(conn, item_id, "open", state="proposed", to_account=to_account, proposed_by=user,
          proposed_at=datetime.now(UTC))
    _audit(conn, user, "propose_transfer", item_id, {"posting": item["posting_id"], "to_account": to_account})


def cancel_proposal(conn: Connection, item_id: int, user: str) -> None:
    _move(conn, item_id, "proposed", state="open", to_account=None, proposed_by=None, proposed_at=None)
    _audit(conn, user, "cancel_transfer", item_id, {})


def approve_transfer(conn: Connection, item_id: int, user: str) -> int:
    """A second person approves: the rejected posting is offset, a new one goes to the right
    account, and both consumers' balances move (the counters see them through the feed)."""
    item = _item(conn, item_id)
    if item["state"] != "proposed":
        raise ClarificationError(f"clarification #{item_id} has no transfer proposed")
    if item["proposed_by"] == user:
        raise ClarificationError("a transfer needs a second person: the proposer cannot approve it")
    old, new_id = _resolve(conn, item_id, item, "proposed", "transferred", user, item["to_account"], "transfer")
    version = db.new_master_version(conn)
    amount = int(old["amount_paise"])
    for acct, delta in sorted(((old["account_no"], amount), (item["to_account"], -amount))):
        conn.execute(update(consumers).where(consumers.c.account_no == acct)
                     .values(balance_paise=consumers.c.balance_paise + delta, version=version))
    _audit(conn, user, "approve_transfer", item_id, {"posting": item["posting_id"], "new_posting": new_id,
                                                     "from_account": old["account_no"],
                                                     "to_account": item["to_account"], "amount_paise": amount,
                                                     "proposed_by": item["proposed_by"]})
    return new_id
