"""Reading the records endpoint's body off the event loop: bytes -> JSON -> the envelope checked
with the RecordsIn schema -> the records, their kind, id and payload as received (each record's
own content is checked by central_server.validate during ingestion, so one bad record is
answered alone). Runs in a worker thread: an 8 MB JSON text takes tens of milliseconds to parse,
which on the event loop would hold up every other request; only a small body is judged on the
loop first (`refuse_small_malformed`)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from central_server.api.schemas import RecordsIn
from central_server.ingest import RecordIn
from central_server.validate import encodable


def _problem(msg: str, kind: str = "json_invalid") -> RequestValidationError:
    return RequestValidationError([{"loc": ["body"], "msg": msg, "type": kind}])


def _envelope_view(obj: Any) -> Any:
    """The body with each record's kind and record_id made encodable (same length), so that the
    schema judges the envelope only; a record whose id or kind is not valid Unicode is then
    answered `invalid` on its own instead of failing the whole batch."""
    if not isinstance(obj, dict) or not isinstance(obj.get("records"), list):
        return obj
    out = []
    changed = False
    for r in obj["records"]:
        if isinstance(r, dict):
            fix = {k: "?" * len(r[k]) for k in ("kind", "record_id") if isinstance(r.get(k), str) and not encodable(r[k])}
            if fix:  # copied only when something is replaced (the usual batch is left as it is)
                r, changed = {**r, **fix}, True
        out.append(r)
    return {**obj, "records": out} if changed else obj


def parse_records(raw: bytes, max_batch: int) -> list[RecordIn]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _problem("the body is not UTF-8 JSON") from None
    try:
        obj = json.loads(text)
    except ValueError as e:  # JSONDecodeError, and numbers too long to convert
        raise _problem(f"not JSON: {str(e)[:100]}") from None
    if isinstance(obj, dict) and isinstance(obj.get("records"), list) and len(obj["records"]) > max_batch:
        raise HTTPException(413, f"at most {max_batch} records a request")
    try:
        RecordsIn.model_validate(_envelope_view(obj))
    except ValidationError as e:
        raise RequestValidationError(e.errors(include_url=False)) from None
    return [RecordIn(r["kind"], r["record_id"], r["payload"]) for r in obj["records"]]


# Below this a body is parsed on the event loop first (an 8 KB text takes well under a
# millisecond; the hop to a worker thread costs more, and waits when every thread is busy), so
# that a small malformed body is refused without a worker thread. Above it, only in a thread.
SMALL_BODY = 16 * 1024


def refuse_small_malformed(raw: bytes, max_batch: int) -> None:
    """Raise what `parse_records` raises for a small body that is not a readable batch."""
    if len(raw) <= SMALL_BODY:
        parse_records(raw, max_batch)


def openapi_body() -> dict[str, Any]:
    """The request body the route documents (it reads the body itself, so FastAPI does not
    know it): exactly what a `body: RecordsIn` parameter would give."""
    return {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/RecordsIn"}}},
                            "required": True}}


def add_schemas(openapi: dict[str, Any]) -> None:
    """Put RecordsIn and RecordIn into the document's components."""
    schema = RecordsIn.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    comps = openapi.setdefault("components", {}).setdefault("schemas", {})
    comps.update(defs)
    comps["RecordsIn"] = schema
