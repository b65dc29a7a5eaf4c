"""Answers for bodies the server cannot read: a 422 whose text always encodes (the input that
failed may hold a lone surrogate, which JSON text can carry and UTF-8 cannot) and never echoes
the input back (it may be megabytes)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from central_server.validate import safe_text


class AsciiJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def plain_errors(errors: Any) -> list[dict[str, Any]]:
    out = []
    for e in list(errors)[:20]:
        loc = [x if isinstance(x, int) else safe_text(str(x))[:64] for x in e.get("loc", ())][:10]
        out.append({"loc": loc, "msg": safe_text(str(e.get("msg", "")))[:300], "type": str(e.get("type", ""))[:64]})
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def unreadable_body(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return AsciiJSONResponse({"detail": plain_errors(exc.errors())}, status_code=422)
