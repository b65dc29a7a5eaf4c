from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from central_server import db, master
from central_server.api.deps import AUTH_ERRORS, AnyCounter, EngineDep, SettingsDep
from central_server.api.schemas import ChangesOut
from central_server.prefetch import prefetched

router = APIRouter(prefix="/consumers", tags=["master data"])

_ACCOUNT = Query(max_length=32, pattern=r"^[0-9A-Za-z]*$")


@router.get(
    "/snapshot",
    responses={**AUTH_ERRORS, 200: {"description": "NDJSON: header line, one array per consumer, end line",
                                    "content": {"application/x-ndjson": {"schema": {"type": "string"}}}}},
    response_class=StreamingResponse,
)
def snapshot(_counter: AnyCounter, eng: EngineDep, settings: SettingsDep, request: Request,
             after: Annotated[str | None, _ACCOUNT] = None,
             limit: Annotated[int | None, Query(ge=1, le=10_000_000)] = None) -> StreamingResponse:
    """Every consumer in account order, gzip-compressed when the client accepts it; a broken
    download resumes with after=<last account received>."""
    rows = master.snapshot_lines(eng, after=after, limit=limit, page=settings.snapshot_page)
    lines = prefetched(rows, name="snapshot-prefetch")
    headers = {"Cache-Control": "no-store"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return StreamingResponse(master.gzip_stream(lines, settings.snapshot_gzip_level),
                                 media_type="application/x-ndjson", headers=headers)
    return StreamingResponse(lines, media_type="application/x-ndjson", headers=headers)


@router.get("/changes", response_model=ChangesOut, responses=AUTH_ERRORS)
def changes(_counter: AnyCounter, eng: EngineDep, settings: SettingsDep,
            since: Annotated[int, Query(ge=0, le=2**62)] = 0,
            after: Annotated[str | None, _ACCOUNT] = None,
            limit: Annotated[int, Query(ge=1, le=50_000)] = 5000) -> Response:
    """Consumers changed after the cursor (since, after), oldest change first."""
    with db.read_tx(eng, consistent=True) as conn:
        body = master.changes_body(conn, since=since, after=after, limit=min(limit, settings.changes_max_limit))
    # the body as the database wrote its rows (ChangesOut documents it; nothing to validate)
    return Response(body, media_type="application/json")
