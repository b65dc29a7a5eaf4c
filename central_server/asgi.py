"""The base of the server's pure ASGI middlewares (request log, trusted proxy, metrics): pure ASGI because
Starlette's BaseHTTPMiddleware would buffer the streamed snapshot."""

from __future__ import annotations

from typing import Any


class HttpMiddleware:
    """Lets every scope but "http" (lifespan, websocket) pass straight through to the app, and
    hands HTTP requests to `http()`."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        raise NotImplementedError
