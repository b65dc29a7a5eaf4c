from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from central_server import counters, db, keys, throttle
from central_server.api.deps import EngineDep, SettingsDep, now_iso
from central_server.api.schemas import EnrollIn, EnrollOut, Problem
from kesco_protocol.installation import HEADER, valid_installation_id

router = APIRouter(tags=["enrollment"])


def _limits(request: Request, settings: SettingsDep) -> throttle.EnrolmentLimits:
    limits: throttle.EnrolmentLimits | None = getattr(request.app.state, "enrol_limits", None)
    if limits is None:
        limits = request.app.state.enrol_limits = throttle.EnrolmentLimits(
            settings.enroll_tries_per_address, settings.enroll_tries_per_counter)
    return limits


@router.post("/enroll", response_model=EnrollOut,
             responses={401: {"model": Problem, "description": "unknown counter, wrong, used or expired code"},
                        429: {"model": Problem, "description": "too many tries from this address or for this "
                                                              "counter: retry after Retry-After seconds"}})
async def enroll(body: EnrollIn, request: Request, eng: EngineDep, settings: SettingsDep) -> dict[str, str]:
    """Exchange the one-time enrollment code for the counter's long-lived token."""
    # async: the limits are counted on the event loop, so a flood of guesses is answered 429
    # without taking a worker thread; only a try that may go ahead looks at the database
    installation = request.headers.get(HEADER)
    if installation is not None and not valid_installation_id(installation):
        raise HTTPException(422, f"{HEADER} is not an installation id")
    limits = _limits(request, settings)
    address = request.client.host if request.client else "unknown"
    wait = limits.take(address, body.counter_code)
    if wait:
        raise HTTPException(429, "too many enrolment tries; wait and try again", headers={"Retry-After": str(wait)})
    done = await run_in_threadpool(_exchange, eng, body, installation)
    if done is None:
        raise HTTPException(401, "enrollment refused: unknown counter, or a wrong, used or expired code")
    limits.succeeded(address, body.counter_code)
    return {"counter_code": done.counter_code, "token": done.token, "server_time": now_iso()}


def _exchange(eng: Engine, body: EnrollIn, installation: str | None) -> counters.Enrolled | None:
    # a wrong code is told from a read; only a code that matches takes the write lock
    with db.read_tx(eng) as conn:
        plausible = counters.enrollment_matches(conn, body.counter_code, body.enrollment_code)
    if not plausible:
        return None
    with db.write_tx(eng) as conn:
        done = counters.enroll(conn, body.counter_code, body.enrollment_code, installation)
        if done is not None and body.public_key is not None:
            keys.register(conn, done.counter_code, body.public_key, datetime.now(UTC))
    return done
