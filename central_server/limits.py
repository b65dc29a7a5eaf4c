"""Request limits at the ASGI layer, before any route sees a byte of the body: a body larger than
its endpoint's cap is refused by its Content-Length at once (413, unread), or by the running count
when it comes chunked without one; a body that stops coming is cut (408).

Pure ASGI (BaseHTTPMiddleware would buffer the snapshot stream); nothing is buffered here, the
route reads the body through the counting `receive`. The caps and timeouts are in
`central_server.config.Settings` and docs/DEPLOY.md ("Request limits")."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from fastapi import HTTPException

from central_server.config import Settings

# the HQ upload of a disconnection list (central_server.consumer_side): the list and the form around it
DISCONNECTIONS_UPLOAD, DISCONNECTIONS_MAX_BODY = "/hq/consumers/disconnections", 32 * 1024 * 1024 + 64 * 1024

Scope = dict[str, Any]


class BodyRefused(HTTPException):
    """Raised from `receive` while a route reads the body; an HTTPException, so that FastAPI's
    body reading passes it through and the app answers it like any other (413 or 408)."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(status_code, detail, headers={"Connection": "close"})


def body_limit(settings: Settings, path: str) -> int:
    """The largest body that `path` takes, in bytes."""
    if path.startswith("/api/v1/counters/") and path.endswith("/records"):
        return settings.max_records_body
    if path == "/api/v1/enroll":
        return settings.max_enroll_body
    if path == DISCONNECTIONS_UPLOAD:
        return DISCONNECTIONS_MAX_BODY
    if path.startswith("/hq/"):
        return settings.max_form_body
    return settings.max_other_body


def _content_length(scope: Scope) -> int | None | str:
    values = [v for k, v in scope["headers"] if k == b"content-length"]
    if not values:
        return None
    try:
        n = int(values[0])
    except ValueError:
        return "bad"
    return n if n >= 0 else "bad"


async def _answer(send: Any, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode("ascii")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class RequestLimits:
    """Cap and time each request's body by its path (see `body_limit`)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings: Settings = scope["app"].state.settings
        limit = body_limit(settings, scope["path"])
        declared = _content_length(scope)
        if declared == "bad":
            await _answer(send, 400, "Content-Length is not a number")
            return
        if isinstance(declared, int) and declared > limit:
            await _answer(send, 413, f"the body is larger than the {limit} bytes this endpoint takes")
            return
        if declared is None:
            # a body that does not say its length (chunked): the counter always declares it (and a
            # proxy that buffers bodies does too), so such a body gets no more than a normal batch;
            # every byte of it passes through the event loop before it can be refused
            limit = min(limit, settings.max_undeclared_body)
        received = 0
        done = False  # the whole body has arrived: later receives (disconnect watch) pass through
        deadline = time.monotonic() + settings.body_total_timeout_s
        started = False

        async def limited_receive() -> dict[str, Any]:
            nonlocal received, done
            if done:
                return await receive()  # type: ignore[no-any-return]
            wait = min(settings.body_idle_timeout_s, deadline - time.monotonic())
            if wait <= 0:
                raise BodyRefused(408, "the body took too long to arrive")
            try:
                # asyncio's own timeout: anyio.fail_after costs ten times more, once per piece of
                # a body (a 1 MB body arrives in 10-20 pieces), and a refused body is all pieces
                async with asyncio.timeout(wait):
                    message: dict[str, Any] = await receive()
            except TimeoutError:
                raise BodyRefused(408, "the body stopped arriving") from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyRefused(413, f"the body is larger than the {limit} bytes this endpoint takes")
                done = not message.get("more_body", False)
            else:
                done = True
            return message

        async def watched_send(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyRefused as e:  # raised where no handler caught it (outside a route)
            if not started:
                await _answer(send, e.status_code, str(e.detail))
