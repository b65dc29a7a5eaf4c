"""Composition root of the server: settings -> engine (migrated) -> FastAPI app with routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from central_server import __version__, limits, metrics, migrate, proxy
from central_server.api import body as records_body
from central_server.api import errors as api_errors
from central_server.api.routes import consumers, enroll, export, health, hq, records, verify
from central_server.bank import pages as bank_pages
from central_server.billing import feed as billing_feed
from central_server.billing import hq_pages as billing_pages
from central_server.config import Settings
from central_server.consumer_side import delivery, field_api
from central_server.consumer_side import hq_pages as consumer_pages
from central_server.db import make_engine
from central_server.hq import web as hq_web
from central_server.logs import RequestLog
from central_server.push_gate import PushGate

API_PREFIX = "/api/v1"
log = logging.getLogger("central_server")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = make_engine(settings)
    if settings.migrate_on_start:
        migrate.upgrade(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        notify_worker = delivery.start_with_app(engine, settings.notify)  # consumers' confirmations
        yield
        if notify_worker is not None:
            notify_worker.stop()
        metrics.release_pool(engine)
        engine.dispose()

    app = FastAPI(
        title="KESCO central server",
        version=__version__,
        summary="Exactly-once receipt ingestion, consumer master data, collection through month-end closing",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.push_gate = PushGate(settings.max_concurrent_pushes, settings.push_wait_s,
                                    settings.push_retry_cap_s)
    for module in (health, enroll, records, consumers, export):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(billing_feed.router, prefix=API_PREFIX)
    app.include_router(field_api.router, prefix=API_PREFIX)
    app.include_router(hq.router)
    app.include_router(billing_pages.router)
    app.include_router(consumer_pages.router)
    app.include_router(bank_pages.router)  # deposits, instruments, statement review (issue 16)
    app.include_router(verify.router)  # public: no login

    api_errors.install(app)

    @app.exception_handler(hq_web.LoginRequired)
    async def login_required(_request: Request, exc: hq_web.LoginRequired) -> Response:
        return RedirectResponse(hq_web.login_redirect_url(exc.next_path), status_code=303)

    @app.exception_handler(OperationalError)
    async def database_busy(_request: Request, exc: OperationalError) -> JSONResponse:
        # a locked or unreachable database: the counter keeps its records and retries
        log.warning("database unavailable", extra={"error": str(exc.orig)[:300]})
        return JSONResponse({"detail": "the server's database is busy; retry later"}, status_code=503,
                            headers={"Retry-After": "30"})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400 and request.method == "POST":
            # bytes that are not even text: one more malformed body, answered like the others
            return JSONResponse({"detail": [{"loc": ["body"], "msg": "the body is not UTF-8 JSON",
                                             "type": "json_invalid"}]}, status_code=422)
        return await http_exception_handler(request, exc)

    openapi = app.openapi

    def openapi_with_records_body() -> dict[str, object]:
        if app.openapi_schema is None:
            records_body.add_schemas(openapi())
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi_with_records_body  # type: ignore[method-assign]
    metrics.install(app, engine, settings.metrics_allow)  # /metrics, its middleware, pool gauges
    # outermost last: the log sees every answer, the limits run before any route reads a byte
    app.add_middleware(limits.RequestLimits)
    app.add_middleware(proxy.TrustedProxy)
    app.add_middleware(RequestLog)
    return app


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` with several workers: settings from CENTRAL_* variables
    (the same secrets check as `central-server serve`, for a worker started some other way)."""
    from central_server import credentials
    from kesco_protocol.part_payment import PolicyError

    try:
        settings = Settings()
    except PolicyError as e:
        raise SystemExit(f"refusing to serve: {e}") from None
    if not settings.demo:
        check = credentials.check_for_serving(settings.database_url, settings.session_key, settings.gateway_keys)
        if not check.ok:
            raise SystemExit("refusing to serve outside demo mode: " + "; ".join(check.problems))
    return create_app(settings)
