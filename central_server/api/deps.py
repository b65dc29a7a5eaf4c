"""Request dependencies: the engine, the settings, and the counter that the bearer token names."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from central_server import counters, db
from central_server.api.schemas import Problem
from central_server.config import Settings

bearer = HTTPBearer(auto_error=False, description="the token that enrollment returned")

AUTH_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "no token, an unknown token or a revoked one"},
}
OWN_ERRORS: dict[int | str, dict[str, object]] = {
    **AUTH_ERRORS,
    403: {"model": Problem, "description": "the token belongs to another counter"},
}


def engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def authenticated_counter(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    eng: Annotated[Engine, Depends(engine)],
) -> str:
    """The code of the counter holding the token; 401 otherwise (checked on every request, so a
    revocation takes effect at once)."""
    if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
        raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    with db.read_tx(eng) as conn:
        code = counters.code_for_token(conn, creds.credentials)
    if code is None:
        raise HTTPException(401, "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"})
    request.scope.setdefault("state", {})["counter_code"] = code
    return code


def own_counter(code: str, holder: Annotated[str, Depends(authenticated_counter)]) -> str:
    """The counter in the path must be the token's: a counter reads and writes only its own."""
    if code != holder:
        raise HTTPException(403, f"this token belongs to counter {holder}, not {code[:16]}")
    return code


EngineDep = Annotated[Engine, Depends(engine)]
SettingsDep = Annotated[Settings, Depends(settings)]
AnyCounter = Annotated[str, Depends(authenticated_counter)]
OwnCounter = Annotated[str, Depends(own_counter)]
