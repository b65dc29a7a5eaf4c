"""Is the central server reachable, and what time does it say it is? (`GET /api/v1/health`, which
needs no token.) Used by the doctor and the smoke test; plain requests until the sync client lands."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Health:
    ms: int
    server_time: datetime | None = None
    period: dict[str, Any] | None = None
    error: str | None = None


def health_url(server_url: str) -> str:
    return server_url.rstrip("/") + "/api/v1/health"


def probe_health(server_url: str, *, ca_bundle: str = "", timeout_s: float = 5.0) -> Health:
    import requests

    t = time.perf_counter()
    try:
        r = requests.get(health_url(server_url), timeout=timeout_s, verify=ca_bundle or True)
    except requests.RequestException as e:
        return Health(int((time.perf_counter() - t) * 1000), error=_short(e))
    ms = int((time.perf_counter() - t) * 1000)
    if r.status_code != 200:
        return Health(ms, error=f"HTTP {r.status_code}")
    try:
        body = r.json()
        st = body.get("server_time")
        server_time = datetime.fromisoformat(st) if isinstance(st, str) else None
        if server_time is not None and server_time.tzinfo is None:
            server_time = None  # a time without an offset cannot be compared
    except (ValueError, AttributeError):
        return Health(ms, error="not a KESCO counter server (health answer is not JSON)")
    return Health(ms, server_time, body.get("period"))


def _short(e: Exception) -> str:
    text = str(e)
    # requests nests the real reason deep inside a long repr: keep the end, which names it.
    if "Connection refused" in text:
        return "connection refused"
    if "timed out" in text.lower():
        return "timed out"
    if "Name or service not known" in text or "getaddrinfo failed" in text or "nodename nor servname" in text:
        return "server name not found (DNS)"
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "TLS certificate not trusted (set ca_bundle in config.toml)"
    return text[-200:]
