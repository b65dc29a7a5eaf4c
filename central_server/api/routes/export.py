"""`GET /api/v1/counters/{code}/records/export`: a counter's own stored records back, in pages, so
a counter whose disk died rebuilds its ledger from the server (`counter-app recover --from-server`)
instead of being enrolled under a new code. Read-only; the counter's token, its own code only."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import func, select

from central_server import counters, db
from central_server.api.deps import OWN_ERRORS, EngineDep, OwnCounter
from central_server.models import receipts, records

router = APIRouter(tags=["records"])

MAX_LIMIT = 5000


class ExportPart(StrEnum):
    RECEIPTS = "receipts"  # in sequence order; `after` is a receipt sequence number
    RECORDS = "records"  # voids, dishonours, closes...; in the order received; `after` is a position


class ExportItem(BaseModel):
    kind: str
    record_id: str
    seq: int | None = None  # receipts only
    payload: dict[str, Any]  # as stored: a receipt's canonical wire form (with prev_hash and hash)
    parked_reason: str | None = None


class ExportOut(BaseModel):
    counter_code: str
    part: ExportPart
    after: int
    items: list[ExportItem]
    next_after: int  # pass as `after` for the next page
    more: bool
    total: int  # items of this part the server holds for the counter
    max_seq: int
    high_water_seq: int
    chain_head_hash: str | None
    chain_ok: bool


@router.get("/counters/{code}/records/export", response_model=ExportOut, responses=OWN_ERRORS)
def export_records(code: OwnCounter, eng: EngineDep,
                   part: ExportPart = ExportPart.RECEIPTS,
                   after: Annotated[int, Query(ge=0, le=2**62)] = 0,
                   limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 1000) -> dict[str, Any]:
    """This counter's stored payloads: receipts with seq > `after` in sequence order, or (part=records)
    its voids, dishonours and closes from position `after` on. Parked ones included (they are
    stored); a receipt held from a second PC is not (it is not this counter's)."""
    with db.read_tx(eng) as conn:
        st = counters.status(conn, code)
        if part is ExportPart.RECEIPTS:
            rows = conn.execute(
                select(receipts.c.seq, receipts.c.receipt_id, receipts.c.payload, receipts.c.parked_reason)
                .where(receipts.c.counter_code == code, receipts.c.seq > after)
                .order_by(receipts.c.seq).limit(limit + 1)).all()
            total = int(conn.execute(select(func.count()).select_from(receipts)
                                     .where(receipts.c.counter_code == code)).scalar_one())
            items = [{"kind": "receipt", "record_id": r[1], "seq": int(r[0]), "payload": json.loads(r[2]),
                      "parked_reason": r[3]} for r in rows[:limit]]
            nxt = items[-1]["seq"] if items else after
        else:
            rows = conn.execute(
                select(records.c.kind, records.c.record_id, records.c.payload, records.c.parked_reason)
                .where(records.c.counter_code == code)
                .order_by(records.c.received_at, records.c.record_id).offset(after).limit(limit + 1)).all()
            total = int(conn.execute(select(func.count()).select_from(records)
                                     .where(records.c.counter_code == code)).scalar_one())
            items = [{"kind": r[0], "record_id": r[1], "payload": json.loads(r[2]), "parked_reason": r[3]}
                     for r in rows[:limit]]
            nxt = after + len(items)
    return {"counter_code": code, "part": part, "after": after, "items": items, "next_after": nxt,
            "more": len(rows) > limit, "total": total, "max_seq": st["max_seq"],
            "high_water_seq": st["high_water_seq"], "chain_head_hash": st["chain_head_hash"],
            "chain_ok": st["chain_ok"]}
