from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from central_server import chain_anchors, counters, db, installations, metrics, ops_state
from central_server import period as period_mod
from central_server.api import body as body_mod
from central_server.api.deps import OWN_ERRORS, EngineDep, OwnCaller, OwnCounter, SettingsDep, now_iso
from central_server.api.schemas import AnchorIn, AnchorOut, CounterStatus, Problem, RecordsOut
from central_server.config import Settings
from central_server.ingest import ingest_records
from central_server.push_gate import BUSY_DETAIL, Busy, PushGate

router = APIRouter(tags=["records"])
log = logging.getLogger("central_server.records")


def _status(conn: Any, code: str, settings: Settings, per: period_mod.Period | None = None) -> dict[str, Any]:
    per = period_mod.current(conn) if per is None else per
    return {**counters.status(conn, code), "period": per.to_dict(), "server_time": now_iso(),
            # the utility's part-payment rule, applied at the counter (docs/PROTOCOL.md, "Part payments")
            "part_payment_policy": settings.part_payment_policy.to_wire()}


@router.post(
    "/counters/{code}/records", response_model=RecordsOut,
    responses={**OWN_ERRORS,
               408: {"model": Problem, "description": "the body arrived too slowly"},
               413: {"model": Problem, "description": "more records or bytes than the server takes in one request"},
               503: {"model": Problem, "description": "month-end closing in legacy mode, or the server busy with "
                                                     "other counters' pushes: retry after Retry-After"}},
    openapi_extra=body_mod.openapi_body(),
)
async def post_records(caller: OwnCaller, request: Request, eng: EngineDep, settings: SettingsDep) -> Any:
    """Store a batch of the counter's records exactly once; one result per record, in order."""
    # The token was checked (OwnCaller: one indexed read) before the gate, so only enrolled
    # counters can hold or queue for a slot. The slot is taken before a byte of the body is read:
    # a push turned away is answered at once and its body is never parsed (central_server/push_gate.py).
    # Once admitted, the body is capped and timed by central_server.limits while it is read, and
    # parsed in a worker thread (a small malformed one is refused on the loop, without a thread).
    gate: PushGate = request.app.state.push_gate
    try:
        async with gate.slot(caller.code):
            raw = await request.body()
            body_mod.refuse_small_malformed(raw, settings.max_batch)  # without a worker thread
            if caller.foreign:
                return await run_in_threadpool(_hold, caller.code, caller.installation, raw, eng, settings)
            return await run_in_threadpool(_store, caller.code, raw, request, eng, settings)
    except Busy as e:
        return JSONResponse({"detail": BUSY_DETAIL}, status_code=503, headers=e.headers())


def _hold(code: str, installation: str | None, raw: bytes, eng: Any, settings: Settings) -> Any:
    """A second installation's records: kept whole in suspense (never posted, never lost), and
    the PC is told it is not the enrolled one. The counter keeps them in its outbox too."""
    items = body_mod.parse_records(raw, settings.max_batch)
    with db.write_tx(eng) as conn:
        n = installations.hold(conn, code, installation, items)
    log.warning("records of a second installation held", extra={"counter": code, "records": n})
    return JSONResponse({"detail": installations.message(code)}, status_code=409)


def _store(code: str, raw: bytes, request: Request, eng: Any, settings: Settings) -> Any:
    items = body_mod.parse_records(raw, settings.max_batch)
    del raw
    request.scope.setdefault("state", {})["records"] = len(items)
    kinds = [str(i.kind) for i in items]

    def work(conn: Any) -> dict[str, Any]:
        # the period is read once, in the ingest's own transaction, for the legacy closing's
        # refusal, the ingest and the answer's status: each round trip to the database costs a
        # push a wait (docs/SCALE.md)
        per = period_mod.current(conn)
        if per.refuses_sync:
            return {"refused_retry_after_s": per.retry_after_s}
        results = ingest_records(conn, code, items, sanity_limit_paise=settings.sanity_limit_paise, period=per)
        ops_state.note_push(conn, code, kinds, [i.payload for i in items], datetime.now(UTC))
        return {"results": [r.to_dict() for r in results], "status": _status(conn, code, settings, per)}

    answer = db.with_retry(eng, work)
    if "refused_retry_after_s" in answer:
        return JSONResponse({"detail": "month-end closing: the server takes no records now"}, status_code=503,
                            headers={"Retry-After": str(answer["refused_retry_after_s"])})
    metrics.count_results(kinds, answer["results"])
    tally = Counter(r["status"] for r in answer["results"])
    if tally.keys() - {"accepted", "duplicate"}:
        # what needs a person: an integrity alarm or the suspense queue grew
        log.warning("records need review", extra={"counter": code, **tally})
    st = answer["status"]
    if not st["chain_ok"] or st["gaps"]:
        log.info("counter chain state", extra={"counter": code, "high_water_seq": st["high_water_seq"],
                                               "chain_broken_at": st["chain_broken_at"], "gaps": len(st["gaps"])})
    return answer


@router.post("/counters/{code}/anchors", response_model=AnchorOut, responses=OWN_ERRORS)
def post_anchor(code: OwnCounter, anchor: AnchorIn, eng: EngineDep) -> dict[str, Any]:
    """Keep the counter's chain head before its receipts arrive (taken during closing too): the
    receipt at that seq must later arrive with that hash (central_server/chain_anchors.py)."""
    with db.write_tx(eng) as conn:
        return chain_anchors.report(conn, code, anchor.seq, anchor.hash, datetime.now(UTC))


@router.get("/counters/{code}/status", response_model=CounterStatus, responses=OWN_ERRORS)
def get_status(code: OwnCounter, eng: EngineDep, settings: SettingsDep) -> dict[str, Any]:
    """What the server holds of this counter's receipts: high-water mark, gaps, chain head; and
    the part-payment policy the counter applies."""
    with db.read_tx(eng) as conn:
        return _status(conn, code, settings)
