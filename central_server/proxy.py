"""Who the client is, behind a reverse proxy: X-Forwarded-For and X-Forwarded-Proto are believed
only when the connection comes from a configured proxy (Settings.trusted_proxies, none by
default); anyone else could name a new address with each try and walk past the HQ lockout. And
Strict-Transport-Security on every answer once the server is reached over TLS (or configured so).

Pure ASGI; uvicorn's own proxy-header handling is switched off (central_server.serving), so this
is the one place that decides."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from central_server.asgi import HttpMiddleware
from central_server.config import Settings

HSTS = b"max-age=31536000"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(e, strict=False) for e in entries)


def _within(host: str | None, nets: tuple[Network, ...]) -> bool:
    if not host or not nets:
        return False
    try:
        addr = ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:
        return False
    return any(addr in n for n in nets)


def forwarded_client(header: str, nets: tuple[Network, ...]) -> str | None:
    """The address the proxies saw: walking X-Forwarded-For from the right (each proxy appends
    what connected to it), the first one that is not one of our proxies. What lies further left
    was written by the client itself and proves nothing."""
    for part in reversed([p.strip() for p in header.split(",") if p.strip()]):
        if not _within(part, nets):
            try:
                return str(ipaddress.ip_address(part.strip("[]")))
            except ValueError:
                return None  # not an address: keep the proxy's own
    return None


def secure(settings: Settings, scheme: str) -> bool:
    return settings.cookie_secure if settings.cookie_secure is not None else scheme == "https"


class TrustedProxy(HttpMiddleware):
    async def http(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        settings: Settings = scope["app"].state.settings
        nets = _networks(tuple(settings.trusted_proxies))
        client = scope.get("client")
        if nets and client and _within(client[0], nets):
            # several X-Forwarded-For headers read as one list, in order
            chain = ",".join(v.decode("latin-1") for k, v in scope["headers"] if k == b"x-forwarded-for")
            protos = [v.decode("latin-1") for k, v in scope["headers"] if k == b"x-forwarded-proto"]
            real = forwarded_client(chain, nets) if chain else None
            if real:
                scope["client"] = (real, 0)
            proto = protos[-1].strip().lower() if protos else ""
            if proto in ("http", "https"):
                scope["scheme"] = proto
        if not secure(settings, scope.get("scheme", "http")):
            await self.app(scope, receive, send)
            return

        async def with_hsts(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"strict-transport-security", HSTS)]
            await send(message)

        await self.app(scope, receive, with_hsts)
