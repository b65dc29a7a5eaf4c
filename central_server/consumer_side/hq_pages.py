"""Headquarters page of the consumer side (/hq/consumers): the disconnection check as an upload
(a form with the session's anti-forgery token, the body capped by central_server.limits; the
list's columns named by an optional mapping file, the same TOML as the CLI's --mapping), the
checks on record with their result files, and the notifications that could not be delivered
(dead letters) with a retry."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection, insert, select

from central_server import db
from central_server.billing.mapping import MappingError
from central_server.consumer_side import disconnections as disc
from central_server.consumer_side.models import disconnection_checks
from central_server.hq import auth as hq_auth
from central_server.hq import web as hq_web
from central_server.hq.web import current_user, render

MAPPING_MAX_BYTES = 64 * 1024  # a mapping is a few lines of TOML
PREFIX = "/hq/consumers"
UPLOAD_PATH = f"{PREFIX}/disconnections"  # the one HQ path whose body may be a whole list
router = APIRouter(prefix=PREFIX, include_in_schema=False)
log = logging.getLogger("central_server.hq.consumers")
User = Annotated[hq_auth.HqUser, Depends(current_user)]


def _recent_checks(conn: Connection) -> list[dict[str, Any]]:
    c = disconnection_checks.c
    rows = conn.execute(select(c.id, c.checked_by, c.checked_at, c.file_name, c.summary)
                        .order_by(c.id.desc()).limit(20)).mappings()
    return [{**r, "summary": json.loads(r["summary"])} for r in rows]


def _dead(conn: Connection) -> tuple[list[dict[str, Any]], dict[str, int]]:
    try:
        from central_server.consumer_side import outbox
    except ImportError:  # pragma: no cover - the outbox comes with the notifications
        return [], {}
    return outbox.dead_letters(conn), outbox.counts(conn)


def page(request: Request, user: hq_auth.HqUser, *, error: str | None = None, notice: str | None = None,
         shown: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    with db.read_tx(hq_web.engine_of(request), consistent=True) as conn:
        checks = _recent_checks(conn)
        dead, counts = _dead(conn)
    return render(request, "consumer_side.html", status_code, user=user, checks=checks, dead=dead, counts=counts,
                  error=error, notice=notice, shown=shown, max_mb=disc.UPLOAD_MAX_BYTES // (1024 * 1024))


@router.get("")
def consumers_page(request: Request, user: User, notice: str | None = None) -> Response:
    return page(request, user, notice={"retried": "Queued again: the worker sends it on its next pass."}
                .get(notice or ""))


def _refused(request: Request, user: hq_auth.HqUser, csrf: str) -> Response | None:
    if not hq_web.same_origin(request) or not hq_web.same(user.csrf, csrf):
        return page(request, user, error="The form had expired or came from another site; nothing was done.",
                    status_code=400)
    return None


@router.post("/disconnections")
async def upload_list(request: Request, user: User, file: UploadFile,
                      csrf: Annotated[str, Form(max_length=100)] = "",
                      mapping: UploadFile | None = None) -> Response:
    refused = _refused(request, user, csrf)
    if refused is not None:
        return refused
    mapping_text: bytes | None = None
    if mapping is not None and mapping.filename:
        mapping_text = await mapping.read(MAPPING_MAX_BYTES + 1)
        if len(mapping_text) > MAPPING_MAX_BYTES:
            return page(request, user, error=f"The mapping is larger than {MAPPING_MAX_BYTES} bytes; nothing was "
                        "checked.", status_code=413)
    data = await file.read(disc.UPLOAD_MAX_BYTES + 1)
    if len(data) > disc.UPLOAD_MAX_BYTES:
        return page(request, user, error=f"The list is larger than {disc.UPLOAD_MAX_BYTES} bytes; nothing was "
                    "checked (run 'central-server disconnections check' for a larger one).", status_code=413)
    engine = hq_web.engine_of(request)
    try:
        with tempfile.TemporaryDirectory(prefix="kesco-disc-") as tmp:
            fmt = disc.ListFormat()
            if mapping_text is not None:
                # read as the CLI reads --mapping: the same loader, the same errors
                (Path(tmp) / "mapping.toml").write_bytes(mapping_text)
                fmt = disc.ListFormat.from_mapping_file(Path(tmp) / "mapping.toml")
            summary, result = disc.check_bytes(engine, data, fmt, Path(tmp))
    except MappingError as e:
        return page(request, user, error=f"The mapping was refused, nothing checked: "
                    f"{str(e).replace(str(Path(tempfile.gettempdir())), '…')}", status_code=422)
    except disc.ListRefused as e:
        return page(request, user, error=f"The list was refused, nothing checked: {e}", status_code=422)
    name = (file.filename or "list.csv")[-200:]
    with db.write_tx(engine) as conn:
        check_id = int(conn.execute(insert(disconnection_checks).values(
            checked_by=user.name, checked_at=datetime.now(UTC), file_name=name,
            file_sha256=hashlib.sha256(data).hexdigest(), summary=json.dumps(summary.to_dict()),
            result_gz=gzip.compress(result.encode("utf-8"), 6)).returning(disconnection_checks.c.id)).scalar_one())
    log.info("disconnection check", extra={"user": user.name, "check": check_id, **summary.to_dict(),
                                           "mapping": (mapping.filename if mapping_text is not None and mapping
                                                       else None)})
    return hq_web.with_headers(RedirectResponse(f"{PREFIX}?check={check_id}#check-{check_id}", status_code=303))


@router.get("/disconnections/{check_id}.csv")
def result_file(request: Request, user: User, check_id: int) -> Response:
    with db.read_tx(hq_web.engine_of(request)) as conn:
        blob = conn.execute(select(disconnection_checks.c.result_gz)
                            .where(disconnection_checks.c.id == check_id)).scalar_one_or_none()
    if blob is None:
        return page(request, user, error="No such check.", status_code=404)
    return hq_web.with_headers(Response(gzip.decompress(blob), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="disconnection-check-{check_id}.csv"'}))


@router.post("/notifications/{item_id}/retry")
def retry_notification(request: Request, user: User, item_id: int,
                       csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    refused = _refused(request, user, csrf)
    if refused is not None:
        return refused
    from central_server.consumer_side import outbox

    with db.write_tx(hq_web.engine_of(request)) as conn:
        n = outbox.retry_dead(conn, item_id)
    if not n:
        return page(request, user, error="That notification is not in the dead-letter list.", status_code=409)
    log.info("notification retried", extra={"user": user.name, "item": item_id})
    return hq_web.with_headers(RedirectResponse(f"{PREFIX}?notice=retried", status_code=303))
