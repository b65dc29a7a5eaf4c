"""How the server is served: the uvicorn settings that `central-server serve` and the test and
benchmark servers share (concurrency limit, keep-alive, header size, no proxy headers unless a
proxy is trusted), and an HTTP protocol that closes a connection whose request line and headers
do not arrive in time (uvicorn itself waits for them forever: a slow-loris would keep its
connection, and with it a place under the concurrency limit)."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from central_server.config import Settings


class TimedH11Protocol(H11Protocol):
    """h11 with a deadline for each request's line and headers, counted from the first byte of a
    request (or from the connection for the first one)."""

    header_timeout_s: float = float(os.environ.get("CENTRAL_HEADER_TIMEOUT_S", "10"))

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._waiting_cycle: Any = None
        self._arm()

    def _arm(self) -> None:
        self._waiting_cycle = self.cycle
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and (self.cycle is None or self.cycle.response_complete):
            self._arm()  # the next request on a kept-alive connection begins
        super().data_received(data)
        if self._header_timer is not None and self.cycle is not self._waiting_cycle:
            self._disarm()  # the headers are in: a request cycle started

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.cycle is self._waiting_cycle and not self.transport.is_closing():
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def protocol_for(settings: Settings) -> type[TimedH11Protocol]:
    """The protocol class with this server's header timeout (a subclass: uvicorn makes one
    protocol object per connection from the class alone)."""
    if settings.header_timeout_s == TimedH11Protocol.header_timeout_s:
        return TimedH11Protocol
    return type("TimedH11Protocol", (TimedH11Protocol,), {"header_timeout_s": settings.header_timeout_s})


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for uvicorn.run / uvicorn.Config."""
    return {
        "http": protocol_for(settings),
        "limit_concurrency": settings.limit_concurrency,
        "timeout_keep_alive": settings.timeout_keep_alive_s,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        # forwarded headers are read by central_server.proxy, and only from trusted proxies
        "proxy_headers": False,
        "server_header": False,
    }


def export_env(settings: Settings) -> None:
    """Hand the settings that worker processes read from the environment (uvicorn with several
    workers builds the app in each through `app_from_env`) to them."""
    os.environ.update({
        "CENTRAL_DATABASE_URL": settings.database_url,
        "CENTRAL_MAX_RECORDS_BODY": str(settings.max_records_body),
        "CENTRAL_HEADER_TIMEOUT_S": str(settings.header_timeout_s),
        "CENTRAL_BODY_IDLE_TIMEOUT_S": str(settings.body_idle_timeout_s),
        "CENTRAL_BODY_TOTAL_TIMEOUT_S": str(settings.body_total_timeout_s),
        "CENTRAL_TOKEN_CACHE_S": str(settings.token_cache_s),
        "CENTRAL_TRUSTED_PROXIES": ",".join(settings.trusted_proxies),
        "CENTRAL_COOKIE_SECURE": "auto" if settings.cookie_secure is None else str(settings.cookie_secure).lower(),
    })
