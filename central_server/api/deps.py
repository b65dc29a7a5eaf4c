"""Request dependencies: the engine, the settings, and the counter that the bearer token names."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from central_server import db, installations, security, token_cache
from central_server.api.schemas import Problem
from central_server.config import Settings
from kesco_protocol.installation import HEADER, valid_installation_id

log = logging.getLogger("central_server.auth")
bearer = HTTPBearer(auto_error=False, description="the token that enrollment returned")

AUTH_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "no token, an unknown token or a revoked one"},
}
OWN_ERRORS: dict[int | str, dict[str, object]] = {
    **AUTH_ERRORS,
    403: {"model": Problem, "description": "the token belongs to another counter"},
    409: {"model": Problem, "description": "installation_mismatch: this PC is not the counter's enrolled "
                                           "installation (X-Kesco-Installation); re-enrol"},
}


# The dependencies are `async def` although they do no I/O of their own: FastAPI runs a plain
# `def` dependency in a worker thread, and that hop (a thread wake-up and two GIL hand-overs)
# costs more than everything else that refusing a request does; when every worker thread is
# busy, a refusal would wait for one.

async def engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


async def settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True, slots=True)
class Caller:
    """The counter the token names and whether the request comes from its enrolled installation."""

    code: str
    installation: str | None  # as presented in X-Kesco-Installation
    foreign: bool  # a second PC using this counter's token


def _tokens(request: Request) -> token_cache.TokenCache[installations.Holder]:
    cache: token_cache.TokenCache[installations.Holder] | None = getattr(request.app.state, "token_cache", None)
    if cache is None:
        cache = request.app.state.token_cache = token_cache.TokenCache(request.app.state.settings.token_cache_s)
    return cache


def _holders(request: Request) -> token_cache.Coalesced[str, installations.Holder]:
    """This app's token lookups (tokens that requests wait for together are looked up together)."""
    found: token_cache.Coalesced[str, installations.Holder] | None = getattr(request.app.state, "token_lookup", None)
    if found is None:
        app = request.app

        def fetch(token_hashes: list[str]) -> dict[str, installations.Holder]:
            with db.read_tx(app.state.engine) as conn:
                return installations.holders_of(conn, token_hashes)

        found = request.app.state.token_lookup = token_cache.Coalesced(fetch)
    return found


def _bind(eng: Engine, code: str, presented: str) -> bool:
    with db.write_tx(eng) as conn:
        return installations.bind(conn, code, presented)


def _alarm(eng: Engine, holder: installations.Holder, presented: str | None) -> None:
    with db.write_tx(eng) as conn:
        installations.raise_alarm(conn, holder.code, holder.installation_id, presented)


async def counter_caller(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    eng: Annotated[Engine, Depends(engine)],
) -> Caller:
    """The counter holding the token (401 otherwise) and the installation it speaks from. The
    token is looked up in a worker thread (with the tokens of other requests waiting at the same
    time: token_cache.Coalesced), then believed for `token_cache_s` (a revocation in
    this process forgets it at once: central_server/token_cache.py). A second installation is
    noticed here, at its first request, and raises its one alarm."""
    if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
        raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    presented = request.headers.get(HEADER)
    if presented is not None and not valid_installation_id(presented):
        raise HTTPException(422, f"{HEADER} is not an installation id")
    hashed = security.token_hash(creds.credentials)
    cache = _tokens(request)
    holder = cache.get(hashed)
    if holder is None:
        asked_at = token_cache.generation()
        holder = await _holders(request).get(hashed)
        if holder is None:
            raise HTTPException(401, "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"})
        cache.put(hashed, holder, asked_at)
    request.scope.setdefault("state", {})["counter_code"] = holder.code
    verdict = installations.verdict(holder.installation_id, presented)
    if verdict == "bind" and presented is not None:
        cache.forget(hashed)  # the bound installation is the database's to say from now on
        verdict = "ok" if await run_in_threadpool(_bind, eng, holder.code, presented) else "foreign"
    if verdict == "foreign":
        await run_in_threadpool(_alarm, eng, holder, presented)
        log.warning("second installation", extra={"counter": holder.code,
                                                   "installation": installations.describe(presented)})
    return Caller(holder.code, presented, verdict == "foreign")


def refuse_foreign(caller: Caller) -> None:
    if caller.foreign:
        raise HTTPException(409, installations.message(caller.code))


async def authenticated_counter(caller: Annotated[Caller, Depends(counter_caller)]) -> str:
    """The code of the counter, for a request from its enrolled installation (409 otherwise)."""
    refuse_foreign(caller)
    return caller.code


async def own_caller(code: str, caller: Annotated[Caller, Depends(counter_caller)]) -> Caller:
    """The counter in the path must be the token's: a counter reads and writes only its own."""
    if code != caller.code:
        raise HTTPException(403, f"this token belongs to counter {caller.code}, not {code[:16]}")
    return caller


async def own_counter(caller: Annotated[Caller, Depends(own_caller)]) -> str:
    refuse_foreign(caller)
    return caller.code


EngineDep = Annotated[Engine, Depends(engine)]
SettingsDep = Annotated[Settings, Depends(settings)]
AnyCounter = Annotated[str, Depends(authenticated_counter)]
OwnCounter = Annotated[str, Depends(own_counter)]
OwnCaller = Annotated[Caller, Depends(own_caller)]
