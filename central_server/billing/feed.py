"""The HTTP feed for billing systems that pull: read posting batches, answer them. A `billing`
token (made by `central-server postings client add NAME`) is good here and nowhere else, and no
counter token or HQ session is good here. Same semantics as `postings export` / `postings ack`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field
from sqlalchemy import Connection

from central_server import db, token_clients
from central_server.api.deps import EngineDep, bearer
from central_server.api.schemas import Problem
from central_server.billing import acks as acks_mod
from central_server.billing import postings
from central_server.models import billing_clients

router = APIRouter(prefix="/postings", tags=["billing"])
FEED_MAX_POSTINGS = 100_000  # one answer holds whole batches up to about this many postings
BILLING_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "no token, or not a billing system's token (counter tokens are not)"},
}


# --- billing clients --------------------------------------------------------------------------

def add_client(conn: Connection, name: str) -> str:
    """A new billing client; its token, shown once (only its SHA-256 is kept)."""
    name = name.strip()
    if not name or len(name) > 32:
        raise ValueError("a billing client's name is 1 to 32 characters")
    return token_clients.issue(conn, billing_clients, name, "bill_")


def revoke_client(conn: Connection, name: str) -> bool:
    return token_clients.revoke(conn, billing_clients, name)


def billing_client(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)], eng: EngineDep) -> str:
    token = token_clients.bearer_token(creds)
    if token is None:
        raise HTTPException(401, "a billing system's bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    name = token_clients.holder(eng, billing_clients, token)
    if name is None:
        raise HTTPException(401, "not a billing system's token", headers={"WWW-Authenticate": "Bearer"})
    return name


BillingClient = Annotated[str, Depends(billing_client)]


# --- wire types ---------------------------------------------------------------------------------

class PostingOut(BaseModel):
    batch_id: int
    posting_id: int
    kind: str = Field(description="payment | reversal")
    account_no: str
    amount_paise: int = Field(description="payments positive, reversals negative")
    value_date: str = Field(description="the receipt's business date (a reversal: the day it was voided)")
    receipt_no: str
    receipt_id: str
    counter_code: str
    mode: str
    instrument_no: str | None
    instrument_date: str | None
    instrument_bank: str | None
    instrument_ref: str | None
    collected_during_closing: bool
    reverses_posting_id: int | None
    created_at: str


class BatchOut(BaseModel):
    batch_id: int
    created_at: str
    control_count: int
    control_total_paise: int
    first_posting_id: int
    last_posting_id: int
    postings: list[PostingOut]


class BatchesOut(BaseModel):
    batches: list[BatchOut]
    more: bool = Field(description="more batches follow: ask again with after = the last batch_id")


class AckIn(BaseModel):
    batch_id: int = Field(ge=1, le=2**62)
    posting_id: int = Field(ge=1, le=2**62)
    result: str = Field(pattern="^(posted|rejected)$")
    reason: str | None = Field(default=None, max_length=300)


class AcksIn(BaseModel):
    acks: list[AckIn] = Field(max_length=200_000)


class AcksOut(BaseModel):
    posted: int
    rejected: int
    duplicate: int


# --- routes ------------------------------------------------------------------------------------

@router.get("/batches", response_model=BatchesOut, responses=BILLING_ERRORS)
def get_batches(client: BillingClient, eng: EngineDep,
                after: Annotated[int, Query(ge=0, le=2**62)] = 0,
                limit: Annotated[int, Query(ge=1, le=20)] = 5) -> dict[str, Any]:
    """Batches with an id above `after`, oldest first. Postings not yet in a batch are cut into a
    new one first, so a pull always sees everything accepted so far; asking again with the same
    `after` returns the same batches (and perhaps a newer one)."""
    with db.read_tx(eng) as conn:
        pending = postings.has_pending(conn)
    if pending:  # a poll with nothing new takes no write lock
        db.with_retry(eng, lambda conn: postings.cut_batch(conn, f"feed:{client}"))
    out: list[dict[str, Any]] = []
    with db.read_tx(eng, consistent=True) as conn:
        heads = postings.batches_after(conn, after, limit + 1)
        size = 0
        for h in heads[:limit]:
            if out and size + h["control_count"] > FEED_MAX_POSTINGS:
                break  # a bounded answer: the rest on the next call
            out.append({**h, "postings": postings.batch_postings(conn, h["batch_id"])})
            size += h["control_count"]
    return {"batches": out, "more": len(heads) > len(out)}


@router.post("/acks", response_model=AcksOut,
             responses={**BILLING_ERRORS, 409: {"model": Problem, "description": "refused whole: unknown batch, a "
                                                "posting not in its batch, or answered before differently"}})
def post_acks(client: BillingClient, eng: EngineDep, body: AcksIn) -> dict[str, int]:
    """The answers for postings: all stored, or none (409 with the reason)."""
    try:
        items = [acks_mod.parse_ack(a.model_dump(), i + 1) for i, a in enumerate(body.acks)]
        rep = db.with_retry(eng, lambda conn: acks_mod.apply_acks(conn, items, f"feed:{client}"))
    except acks_mod.AckError as e:
        raise HTTPException(409, str(e)) from None
    return {"posted": rep.posted, "rejected": rep.rejected, "duplicate": rep.duplicate}
