from __future__ import annotations

from fastapi import APIRouter, HTTPException

from central_server import counters, db
from central_server.api.deps import EngineDep, now_iso
from central_server.api.schemas import EnrollIn, EnrollOut, Problem

router = APIRouter(tags=["enrollment"])


@router.post("/enroll", response_model=EnrollOut,
             responses={401: {"model": Problem, "description": "unknown counter, wrong, used or expired code"}})
def enroll(body: EnrollIn, eng: EngineDep) -> dict[str, str]:
    """Exchange the one-time enrollment code for the counter's long-lived token."""
    with db.write_tx(eng) as conn:
        done = counters.enroll(conn, body.counter_code, body.enrollment_code)
    if done is None:
        raise HTTPException(401, "enrollment refused: unknown counter, or a wrong, used or expired code")
    return {"counter_code": done.counter_code, "token": done.token, "server_time": now_iso()}
