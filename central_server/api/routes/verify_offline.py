"""What the /verify page needs to work without a network (issue 15): its script, its service
worker and the counters' public keys with their validity (`/verify/keys.json`). All public, like
the page; all answered with an ETag, so a phone that has them gets a 304 and no body.

The worker is served from /verify/ but controls the page at /verify (a scope outside its own
folder), hence `Service-Worker-Allowed: /verify`. Its text carries the build of the page, the
script and the stylesheet: when one of them changes, the browser sees a new worker, which fetches
them afresh into a new cache and drops the old one."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from central_server import __version__, db
from central_server import verify as verifier
from central_server.hq import web as hq_web

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).resolve().parents[2] / "static" / "verify"
KEYS_MAX_AGE_S = 300  # a re-enrolled counter's new key reaches phones within minutes
KEYS_REBUILD_S = 2.0  # the list is read from the database at most this often per process


def _build() -> str:
    h = hashlib.sha256(__version__.encode())
    for f in (STATIC / "verify.js", STATIC / "sw.js", hq_web.TEMPLATES / "verify.html", hq_web.TEMPLATES / "hq.css"):
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


BUILD = _build()
SCRIPT = (STATIC / "verify.js").read_bytes()
WORKER = (STATIC / "sw.js").read_text(encoding="utf-8").replace("__VERSION__", BUILD).encode("utf-8")
JS = "text/javascript; charset=utf-8"
# the worker's own fetches are governed by the policy of its script's response
SCRIPT_CSP = "default-src 'none'; connect-src 'self'"


def _tagged(request: Request, body: bytes, media_type: str, headers: dict[str, str]) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    base = {"ETag": etag, "X-Content-Type-Options": "nosniff", **headers}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=base)
    return Response(body, media_type=media_type, headers=base)


@router.get("/verify/verify.js")
def script(request: Request) -> Response:
    return _tagged(request, SCRIPT, JS, {"Cache-Control": "no-cache", "Content-Security-Policy": SCRIPT_CSP})


@router.get("/verify/sw.js")
def worker(request: Request) -> Response:
    # no-cache: the browser asks for it on every visit and so learns of a new build at once
    return _tagged(request, WORKER, JS, {"Cache-Control": "no-cache", "Service-Worker-Allowed": "/verify",
                                         "Content-Security-Policy": SCRIPT_CSP})


@router.get("/verify/keys.json")
def public_keys(request: Request) -> Response:
    state = request.app.state
    cached: tuple[float, bytes] | None = getattr(state, "verify_keys", None)
    if cached is None or time.monotonic() - cached[0] > KEYS_REBUILD_S:
        now = datetime.now(UTC)
        with db.read_tx(hq_web.engine_of(request)) as conn:
            doc = verifier.public_keys(conn, now)
        doc["generated_at_ist"] = hq_web._ist(now)
        cached = state.verify_keys = (time.monotonic(), json.dumps(doc, separators=(",", ":")).encode("utf-8"))
    return _tagged(request, cached[1], "application/json", {"Cache-Control": f"public, max-age={KEYS_MAX_AGE_S}"})
