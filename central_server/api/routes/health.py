from __future__ import annotations

from fastapi import APIRouter

from central_server import __version__, db
from central_server import period as period_mod
from central_server.api.deps import EngineDep, now_iso
from central_server.api.schemas import HealthOut

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
def health(eng: EngineDep) -> dict[str, object]:
    """Up and able to read its database; also tells whether the month is being closed."""
    with db.read_tx(eng) as conn:
        per = period_mod.current(conn)
    return {"status": "ok", "period": per.to_dict(), "server_time": now_iso(), "version": __version__}
