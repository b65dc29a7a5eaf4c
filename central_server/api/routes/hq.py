"""Headquarters pages (server-rendered HTML, no script): login and logout, the day's board of
every counter, a page per counter, and its day's receipts as CSV. Not part of the counter API,
so not in the OpenAPI document."""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from central_server import db, ops_state, reports, security
from central_server.billing import board as billing_board
from central_server.hq import auth as hq_auth
from central_server.hq import counter_view as hq_counter
from central_server.hq import web as hq_web
from central_server.hq.web import current_user, render

router = APIRouter(prefix="/hq", include_in_schema=False)
log = logging.getLogger("central_server.hq")
User = Annotated[hq_auth.HqUser, Depends(current_user)]


def _day(value: str | None) -> str | None:
    """The page's date: today in India when none is given; None when it is not a date."""
    if not value:
        return hq_web.today_ist()
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None


# --- login / logout ----------------------------------------------------------------------------

def _login_page(request: Request, *, next_path: str, name: str = "", error: str | None = None,
                status_code: int = 200) -> Response:
    nonce = hq_web.new_nonce()
    resp = render(request, "login.html", status_code, csrf=nonce, next_path=hq_web.safe_next(next_path),
                  name=name, error=error, user=None)
    hq_web.set_cookie(request, resp, hq_web.LOGIN_COOKIE, nonce)
    return resp


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002 - the query's name
    if hq_web.session_of(request) is not None:
        return RedirectResponse(hq_web.safe_next(next), status_code=303)
    return _login_page(request, next_path=next or "/hq/")


@router.post("/login")
def login(request: Request, name: Annotated[str, Form(max_length=64)] = "",
                password: Annotated[str, Form(max_length=256)] = "",
                csrf: Annotated[str, Form(max_length=100)] = "",
                next: Annotated[str, Form(max_length=500)] = "/hq/") -> Response:  # noqa: A002
    if not hq_web.same_origin(request) or not hq_web.same(hq_web.cookie_value(request, hq_web.LOGIN_COOKIE), csrf):
        return _login_page(request, next_path=next, name=name, status_code=400,
                           error="The form had expired or came from another site. Please log in again.")
    eng, client = hq_web.engine_of(request), hq_web.client_of(request)
    with db.read_tx(eng) as conn:
        wait = hq_auth.locked_for(conn, name, client)
        stored = None if wait else hq_auth.password_hash_of(conn, name)
    if wait:
        log.warning("hq login refused: locked", extra={"user": name[:64], "client": client, "wait_s": wait})
        resp = _login_page(request, next_path=next, name=name, status_code=429,
                           error=f"Too many failed attempts. Try again in {-(-wait // 60)} minutes.")
        resp.headers["Retry-After"] = str(wait)
        return resp
    # the slow hash runs outside any transaction (a SQLite write lock would stall the counters);
    # a plain def endpoint runs in the thread pool, so it does not hold up other requests either
    ok = security.verify_password(password, stored)
    with db.write_tx(eng) as conn:
        token = hq_auth.record_attempt(conn, name, client, ok)
    if token is None:
        log.warning("hq login failed", extra={"user": name[:64], "client": client})
        return _login_page(request, next_path=next, name=name, status_code=401,
                           error="Wrong user name or password.")
    log.info("hq login", extra={"user": hq_auth.normal_name(name), "client": client})
    resp = RedirectResponse(hq_web.safe_next(next), status_code=303)
    hq_web.set_cookie(request, resp, hq_web.SESSION_COOKIE, token)
    hq_web.set_cookie(request, resp, hq_web.LOGIN_COOKIE, None)
    return hq_web.with_headers(resp)


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    found = hq_web.session_of(request)
    if found is not None and hq_web.same_origin(request) and hq_web.same(found[1].csrf, csrf):
        with db.write_tx(hq_web.engine_of(request)) as conn:
            hq_auth.end_session(conn, found[0])
    elif found is not None:  # a forged post: the session stays, nothing else happens
        return RedirectResponse("/hq/", status_code=303)
    resp = RedirectResponse("/hq/login", status_code=303)
    hq_web.set_cookie(request, resp, hq_web.SESSION_COOKIE, None)
    return hq_web.with_headers(resp)


@router.get("/static/hq.css")
def stylesheet() -> Response:
    return FileResponse(hq_web.TEMPLATES / "hq.css", media_type="text/css",
                        headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"})


# --- pages ----------------------------------------------------------------------------------------

@router.get("")
def hq_root() -> Response:
    return RedirectResponse("/hq/", status_code=307)


@router.get("/")
def board(request: Request, user: User, date_: Annotated[str | None, Query(alias="date", max_length=20)] = None) -> Response:
    day = _day(date_)
    if day is None:
        return render(request, "board.html", 400, user=user, day=hq_web.today_ist(), rows=[], totals=None,
                      error=f"“{date_}” is not a date; use the date picker (YYYY-MM-DD).")
    with db.read_tx(hq_web.engine_of(request), consistent=True) as conn:
        rows = reports.reconcile(conn, day)
        billing = billing_board.by_counter(conn)
        backup = ops_state.last_backup(conn)
    return render(request, "board.html", user=user, day=day, rows=rows, totals=reports.totals(rows),
                  billing=billing, billing_totals=billing_board.totals(billing), age=billing_board.age_label,
                  today=hq_web.today_ist(), error=None, backup=backup, prev_day=_shift(day, -1),
                  next_day=_shift(day, 1))


def _shift(day: str, days: int) -> str:
    return date.fromordinal(date.fromisoformat(day).toordinal() + days).isoformat()


@router.get("/counters/{code}")
def counter_page(request: Request, user: User, code: str,
                 date_: Annotated[str | None, Query(alias="date", max_length=20)] = None,
                 page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    day = _day(date_)
    with db.read_tx(hq_web.engine_of(request), consistent=True) as conn:
        if not hq_counter.exists(conn, code):
            return render(request, "message.html", 404, user=user, title="No such counter",
                          message=f"There is no counter “{code[:16]}”.")
        if day is None:
            return render(request, "message.html", 400, user=user, title="Not a date",
                          message=f"“{date_}” is not a date; use the date picker (YYYY-MM-DD).")
        data = hq_counter.counter_day(conn, code, day, page)
    return render(request, "counter.html", user=user, day=day, code=code, today=hq_web.today_ist(),
                  prev_day=_shift(day, -1), next_day=_shift(day, 1), **data)


@router.get("/counters/{code}/receipts.csv")
def receipts_csv(request: Request, user: User, code: str,
                 date_: Annotated[str | None, Query(alias="date", max_length=20)] = None) -> Response:
    day = _day(date_)
    with db.read_tx(hq_web.engine_of(request), consistent=True) as conn:
        if not hq_counter.exists(conn, code) or day is None:
            return render(request, "message.html", 404, user=user, title="Not found",
                          message="No such counter or date.")
        text = hq_counter.receipts_csv(conn, code, day)
    # a BOM so that Excel reads the names as UTF-8
    return hq_web.with_headers(Response(
        "\ufeff" + text, media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="receipts-{code}-{day}.csv"'}))
