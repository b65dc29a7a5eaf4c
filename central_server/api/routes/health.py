from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from central_server import __version__, db
from central_server import health as health_mod
from central_server import period as period_mod
from central_server.api.deps import EngineDep, now_iso
from central_server.api.schemas import HealthOut, Problem, ReadyOut

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut,
            responses={503: {"model": Problem, "description": "the database cannot be reached"}})
def health(eng: EngineDep) -> Any:
    """Up; whether the database takes writes and is at the migration head; whether the month is
    being closed."""
    check = health_mod.check_database(eng)
    if not check.reachable:
        return JSONResponse({"detail": "the server's database cannot be reached", "status": "down",
                             "database": check.to_dict(), "server_time": now_iso(), "version": __version__},
                            status_code=503, headers={"Retry-After": "30"})
    with db.read_tx(eng) as conn:
        per = period_mod.current(conn)
    return {"status": "ok" if check.ready else "degraded", "period": per.to_dict(), "server_time": now_iso(),
            "version": __version__, "database": check.to_dict()}


@router.get("/ready", response_model=ReadyOut,
            responses={503: {"model": ReadyOut, "description": "not ready: send traffic elsewhere"}})
def ready(eng: EngineDep) -> Any:
    """For the reverse proxy and the service manager: 200 only when this worker can take a push
    (database reachable, writable, migrations current), else 503."""
    check = health_mod.check_database(eng)
    body = {"ready": check.ready, "database": check.to_dict()}
    return body if check.ready else JSONResponse(body, status_code=503, headers={"Retry-After": "10"})
