"""The field API for the disconnection squads' handheld devices:
`GET /api/v1/field/accounts/{account}`, the payments since the account's last bill with their
receipt numbers and states, so a lineman at the door sees a payment the billing system does not
have yet (taken during closing, or at a counter that was offline).

A `field` token (made by `central-server field-clients add NAME`, only its SHA-256 kept) is good
here and nowhere else, and no other token (counter, billing) or HQ session is good here. Every
call is audited (who, which account, when, from where, the outcome) and rate-limited per token
in this process's memory, like /verify."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field
from sqlalchemy import Connection, insert, select

from central_server import db, token_clients
from central_server.api.deps import EngineDep, bearer
from central_server.api.schemas import Problem
from central_server.consumer_side.models import field_audit, field_clients
from central_server.models import billing_bills, billing_postings, consumers, receipts, records
from central_server.throttle import SlidingLimit

router = APIRouter(prefix="/field", tags=["field"])
CALLS_PER_MINUTE = 60  # a squad visits a house every few minutes; a script walking accounts gets nowhere
BAD_TOKENS_PER_MINUTE = 20  # per address: guesses of a 256-bit token are hopeless anyway, and cheap to refuse
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
FIELD_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "no token, or not a field device's token (counter, billing and HQ "
                                           "credentials are not)"},
    404: {"model": Problem, "description": "no such account"},
    429: {"model": Problem, "description": "too many calls from this token; Retry-After says when to ask again"},
}


# --- field clients --------------------------------------------------------------------------

def add_client(conn: Connection, name: str) -> str:
    """A new field client, or a new token for an existing name (the old one stops working)."""
    if not NAME.match(name):
        raise ValueError("a field client's name is 1 to 32 letters, digits, '.', '_' or '-'")
    return token_clients.issue(conn, field_clients, name, "field_")


def revoke_client(conn: Connection, name: str) -> bool:
    return token_clients.revoke(conn, field_clients, name)


def list_clients(conn: Connection) -> list[dict[str, Any]]:
    return [{"name": r.name, "created_at": r.created_at, "revoked": r.revoked_at is not None}
            for r in conn.execute(select(field_clients).order_by(field_clients.c.name))]


def _limits(request: Request) -> tuple[SlidingLimit, SlidingLimit]:
    got: tuple[SlidingLimit, SlidingLimit] | None = getattr(request.app.state, "field_limits", None)
    if got is None:
        got = request.app.state.field_limits = (SlidingLimit(CALLS_PER_MINUTE), SlidingLimit(BAD_TOKENS_PER_MINUTE))
    return got


def _address(request: Request) -> str:
    # the connecting address, or what a trusted proxy said (central_server.proxy rewrote it)
    return request.client.host if request.client else "unknown"


def field_client(request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
                 eng: EngineDep) -> str:
    """The name of the field client holding the token; 401 for anything else."""
    per_token, bad = _limits(request)
    address = _address(request)
    token = token_clients.bearer_token(creds)
    name = None if token is None else token_clients.holder(eng, field_clients, token)
    if name is None:
        wait = bad.take(address)
        if wait:
            raise HTTPException(429, "too many refused tokens from this address", headers={
                "Retry-After": str(int(wait + 0.999))})
        raise HTTPException(401, "a field device's bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    wait = per_token.take(name)
    if wait:
        request.state.field_rate_limited = int(wait + 0.999)
    return name


FieldClient = Annotated[str, Depends(field_client)]


# --- wire types -----------------------------------------------------------------------------

class FieldPayment(BaseModel):
    receipt_no: str
    amount_paise: int
    value_date: str = Field(description="the day the counter took it")
    counter_code: str
    mode: str
    state: str = Field(description="received | posted (billing booked it) | parked (held for review, not counted) "
                                   "| cancelled (void, dishonour or reversal; not counted)")
    cancelled_by: str | None = Field(default=None, description="void | dishonour | reversal")
    cancelled_on: str | None = None
    collected_during_closing: bool


class FieldAccount(BaseModel):
    account_no: str
    status: str = Field(description="the connection's status in the master")
    last_bill_no: str | None
    last_bill_date: str | None
    last_bill_amount_paise: int
    payments_since: str | None = Field(description="payments with a value date after this day count against the "
                                                   "last bill (its cut-off)")
    paid_since_bill_paise: int = Field(description="the payments that count: not parked, not cancelled")
    payments: list[FieldPayment]


def _audit(conn: Connection, client: str, account: str, address: str, outcome: str) -> None:
    conn.execute(insert(field_audit).values(at=datetime.now(UTC), client=client, account_no=account[:32],
                                            address=address[:64], outcome=outcome))


def account_view(conn: Connection, account: str) -> FieldAccount | None:
    c = conn.execute(select(consumers.c.account_no, consumers.c.status, consumers.c.last_bill_no,
                            consumers.c.last_bill_date, consumers.c.last_bill_amount_paise)
                     .where(consumers.c.account_no == account)).first()
    if c is None:
        return None
    upto = None
    if c.last_bill_no is not None:
        upto = conn.execute(select(billing_bills.c.payments_upto).where(
            billing_bills.c.account_no == account, billing_bills.c.bill_no == c.last_bill_no)).scalar_one_or_none()
    since = upto or c.last_bill_date
    q = select(receipts.c.receipt_id, receipts.c.receipt_no, receipts.c.amount_paise, receipts.c.business_date,
               receipts.c.counter_code, receipts.c.mode, receipts.c.parked_reason, receipts.c.reversed_by,
               receipts.c.collected_during_closing).where(receipts.c.account_no == account)
    if since is not None:
        q = q.where(receipts.c.business_date > since)
    rows = conn.execute(q.order_by(receipts.c.business_date, receipts.c.receipt_no)).all()
    ids = [r.receipt_id for r in rows]
    cancels = {r.record_id: r for r in conn.execute(select(records.c.record_id, records.c.kind,
                                                           records.c.business_date, records.c.received_at)
                                                    .where(db.member_of(records.c.record_id,
                                                                        [r.reversed_by for r in rows if r.reversed_by],
                                                                        conn)))} if ids else {}
    booked = set(conn.execute(select(billing_postings.c.receipt_id).where(
        db.member_of(billing_postings.c.receipt_id, ids, conn), billing_postings.c.kind == "payment",
        billing_postings.c.state == "posted")).scalars()) if ids else set()
    out, paid = [], 0
    for r in rows:
        cancel = cancels.get(r.reversed_by) if r.reversed_by else None
        if r.reversed_by:
            state = "cancelled"
        elif r.parked_reason is not None:
            state = "parked"
        else:
            state = "posted" if r.receipt_id in booked else "received"
            paid += int(r.amount_paise)
        on = None
        if cancel is not None:
            on = cancel.business_date or (cancel.received_at.date().isoformat() if cancel.received_at else None)
        out.append(FieldPayment(receipt_no=r.receipt_no, amount_paise=int(r.amount_paise), value_date=r.business_date,
                                counter_code=r.counter_code, mode=r.mode, state=state,
                                cancelled_by=cancel.kind if cancel is not None else None, cancelled_on=on,
                                collected_during_closing=bool(r.collected_during_closing)))
    return FieldAccount(account_no=c.account_no, status=c.status, last_bill_no=c.last_bill_no,
                        last_bill_date=c.last_bill_date, last_bill_amount_paise=int(c.last_bill_amount_paise),
                        payments_since=since, paid_since_bill_paise=paid, payments=out)


@router.get("/accounts/{account}", response_model=FieldAccount, responses=FIELD_ERRORS,
            summary="payments since the account's last bill (a field device's token only)")
def field_account(request: Request, client: FieldClient, eng: EngineDep,
                  account: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z]+$")]) -> FieldAccount:
    address = _address(request)
    limited = getattr(request.state, "field_rate_limited", 0)
    with db.write_tx(eng) as conn:
        if limited:
            _audit(conn, client, account, address, "rate_limited")
            view = None
        else:
            view = account_view(conn, account)
            _audit(conn, client, account, address, "ok" if view is not None else "not_found")
    if limited:
        raise HTTPException(429, "too many calls from this token; wait a minute",
                            headers={"Retry-After": str(limited)})
    if view is None:
        raise HTTPException(404, "no such account")
    return view
