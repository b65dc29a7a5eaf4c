"""Prometheus metrics at /metrics, for the allowed scraper addresses only.

Two kinds, so that several worker processes give one true answer:
- Events (records ingested by kind and status, ingest latency, batch sizes, snapshot downloads,
  HTTP answers, pool use) are prometheus_client counters and histograms. Under `serve` they run
  in multiprocess mode (PROMETHEUS_MULTIPROC_DIR, one mmap file per worker, summed at scrape),
  because a duplicate or a latency leaves no row in the database to count later.
- State (per-counter sync lag and pending age, open alarms, parked records, postings not yet in
  billing, the last backup) is read from the database at scrape time by a custom collector, so
  it does not matter which worker answers, and a restart loses nothing.
"""

from __future__ import annotations

import ipaddress
import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError

from central_server import db, ops_state
from central_server.asgi import HttpMiddleware

# prometheus_client picks its value class from this variable when it is imported: the same test
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
KINDS = ("receipt", "void", "dishonour", "shift_close", "day_close", "pickup", "deposit", "reversal")
RECORDS_PATH = "/counters/{code}/records"  # route templates, as FastAPI keeps them (no prefix)
SNAPSHOT_PATH = "/consumers/snapshot"

EVENTS = CollectorRegistry(auto_describe=True)  # the single-process registry of the event metrics
RECORDS = Counter("kesco_records_ingested", "Records answered by the records endpoint, by kind and status",
                  ["kind", "status"], registry=EVENTS)
INGEST_SECONDS = Histogram("kesco_ingest_seconds", "Time to answer one records request (the whole batch)",
                           buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0), registry=EVENTS)
BATCH_RECORDS = Histogram("kesco_ingest_batch_records", "Records per records request",
                          buckets=(1, 10, 50, 100, 250, 500, 1000, 2500, 5000), registry=EVENTS)
SNAPSHOTS = Counter("kesco_snapshot_downloads", "Consumer snapshot downloads started", registry=EVENTS)
HTTP = Counter("kesco_http_requests", "HTTP answers by route template and status code", ["route", "code"],
               registry=EVENTS)
POOL_OUT = Gauge("kesco_db_pool_checked_out", "Database connections in use by the server processes",
                 multiprocess_mode="livesum", registry=EVENTS)
POOL_CAP = Gauge("kesco_db_pool_capacity", "Connections the server processes may open (pool + overflow)",
                 multiprocess_mode="livesum", registry=EVENTS)

router = APIRouter(include_in_schema=False)


# --- events ---------------------------------------------------------------------------------------

def count_results(kinds: Sequence[str], results: Iterable[dict[str, Any]]) -> None:
    """One increment per record answered (kinds in request order, as the results are)."""
    for kind, result in zip(kinds, results, strict=False):
        RECORDS.labels(kind if kind in KINDS else "other", str(result.get("status"))).inc()


class HttpMetrics(HttpMiddleware):
    """ASGI middleware: status per route template (never the raw path: bounded labels), the
    records requests' latency and batch size, snapshot downloads."""

    async def http(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        started = time.perf_counter()
        status = [500]

        async def send_status(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            HTTP.labels(route, str(status[0])).inc()
            if route == RECORDS_PATH and scope.get("method") == "POST" and status[0] == 200:
                INGEST_SECONDS.observe(time.perf_counter() - started)
                n = (scope.get("state") or {}).get("records")
                if isinstance(n, int):
                    BATCH_RECORDS.observe(n)
            elif route == SNAPSHOT_PATH and status[0] == 200:
                SNAPSHOTS.inc()


def instrument_pool(engine: Engine) -> None:
    """Connections checked out of this process's pool, summed over the live workers."""
    pool = engine.pool
    size = getattr(pool, "size", None)
    overflow = getattr(pool, "_max_overflow", 0)
    capacity = (size() if callable(size) else 0) + max(0, int(overflow or 0))
    POOL_CAP.inc(capacity)
    event.listen(engine, "checkout", lambda *_a: POOL_OUT.inc())
    event.listen(engine, "checkin", lambda *_a: POOL_OUT.dec())
    engine.info_capacity = capacity  # type: ignore[attr-defined]


def release_pool(engine: Engine) -> None:
    POOL_CAP.dec(getattr(engine, "info_capacity", 0))


# --- state, from the database at scrape time ------------------------------------------------------

def _family(name: str, doc: str, labels: Sequence[str] = ()) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, labels=list(labels))


class DatabaseCollector(Collector):
    """Gauges read from the database in one read transaction per scrape."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = _family("kesco_db_up", "1 when the scrape could read the database")
        try:
            with db.read_tx(self.engine) as conn:
                state = ops_state.read_state(conn)
        except SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        now = datetime.now(UTC).timestamp()
        last = _family("kesco_counter_last_sync_timestamp_seconds", "When the counter last pushed (Unix time)",
                       ["counter"])
        lag = _family("kesco_counter_sync_lag_seconds", "Seconds since the counter last pushed", ["counter"])
        pending = _family("kesco_counter_pending_age_seconds",
                          "Age of the oldest receipt in the counter's last push, when it arrived", ["counter"])
        missing = _family("kesco_counter_missing_receipts",
                          "Receipt numbers above the counter's high-water mark not yet received", ["counter"])
        stored = _family("kesco_counter_receipts", "Receipts stored for the counter (gross)", ["counter"])
        for c in state.counters:
            stored.add_metric([c.code], c.receipts)
            missing.add_metric([c.code], c.missing)
            if c.last_seen is not None:
                last.add_metric([c.code], c.last_seen.timestamp())
                lag.add_metric([c.code], max(0.0, now - c.last_seen.timestamp()))
            if c.pending_age_s is not None:
                pending.add_metric([c.code], c.pending_age_s)
        yield from (last, lag, pending, missing, stored)
        alarms = _family("kesco_alarms_open", "Integrity alarms not resolved, by kind", ["kind"])
        for kind, n in sorted(state.alarms.items()):
            alarms.add_metric([kind], n)
        yield alarms
        parked = _family("kesco_parked", "Records held in suspense for review, by kind", ["kind"])
        for kind, n in sorted(state.parked.items()):
            parked.add_metric([kind], n)
        yield parked
        unbilled = _family("kesco_postings_unbilled", "Postings not yet acknowledged by the billing system")
        unbilled.add_metric([], state.postings_unbilled)
        yield unbilled
        closing = _family("kesco_period_closing", "1 while the month-end closing is on")
        closing.add_metric([], 1 if state.closing else 0)
        yield closing
        backup = _family("kesco_last_backup_timestamp_seconds", "When the last recorded backup was taken")
        if state.last_backup is not None:
            backup.add_metric([], state.last_backup.timestamp())
        yield backup


# --- the endpoint ---------------------------------------------------------------------------------

FORWARDED = ("x-forwarded-for", "forwarded", "x-real-ip")


def allowed_networks(entries: Sequence[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    try:
        return [ipaddress.ip_network(e, strict=False) for e in entries]
    except ValueError as e:
        raise ValueError(f"CENTRAL_METRICS_ALLOW: {e}") from e


def may_scrape(request: Request) -> bool:
    """The direct peer is an allowed address and the request did not come through the proxy
    (behind nginx every peer is the proxy's loopback address, so forwarded requests are refused
    whatever the peer: Prometheus scrapes the app's own port)."""
    if any(h in request.headers for h in FORWARDED):
        return False
    host = request.client.host if request.client else ""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(ip in net for net in request.app.state.metrics_allow)


_LIVE_FILE = re.compile(r"^gauge_live\w*_(\d+)\.db$")


def forget_dead_workers(path: str) -> None:
    """Drop the live-sum gauge files of worker processes that died (uvicorn starts a new one):
    their pool gauges would be added in for ever. Counters of dead workers stay counted."""
    for name in os.listdir(path):
        m = _LIVE_FILE.match(name)
        if m and not _alive(int(m.group(1))):
            multiprocess.mark_process_dead(int(m.group(1)), path)  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # Linux: a killed worker stays a zombie until uvicorn reaps it
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


@router.get("/metrics")
def metrics(request: Request) -> Response:
    if not may_scrape(request):
        raise HTTPException(403, "metrics are for the monitoring host only")
    if MULTIPROCESS:
        forget_dead_workers(os.environ["PROMETHEUS_MULTIPROC_DIR"])
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        events = generate_latest(registry)
    else:
        events = generate_latest(EVENTS)
    return Response(events + generate_latest(request.app.state.metrics_db), media_type=CONTENT_TYPE_LATEST)


def install(app: Any, engine: Engine, allow: Sequence[str]) -> None:
    """Mount /metrics and the middleware on the app (called by create_app)."""
    app.state.metrics_allow = allowed_networks(allow)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(engine))
    app.state.metrics_db = registry
    instrument_pool(engine)
    app.include_router(router)
    app.add_middleware(HttpMetrics)
