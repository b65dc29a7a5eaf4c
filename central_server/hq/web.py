"""What every headquarters page shares: the Jinja2 templates (autoescaped, strings marked for
translation), money and time formatting, the signed session and login-form cookies, the
current-user check, and the security headers."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine

from central_server import db, proxy, security
from central_server.hq import auth as hq_auth
from kesco_protocol.money import format_inr

IST = timezone(timedelta(hours=5, minutes=30), "IST")
SESSION_COOKIE = "hq_session"
LOGIN_COOKIE = "hq_login"  # the login form's anti-forgery nonce (there is no session yet)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# No script anywhere; styles only from our own stylesheet; forms post only to us; no framing.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class LoginRequired(Exception):
    """Raised by `current_user`; the app answers with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def _when(value: Any) -> datetime | None:
    """A datetime from the database or an ISO text from a counter's record; None if unreadable
    (records are stored as received, and one odd field must not take the page down)."""
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _ist(value: Any, fmt: str = "%d %b %Y, %H:%M") -> str:
    if not value:
        return "—"
    dt = _when(value)
    try:
        return dt.astimezone(IST).strftime(fmt) + " IST" if dt else str(value)[:40]
    except (OverflowError, ValueError):  # year 9999 with an offset: out of datetime's range in IST
        return str(value)[:40]


def _ago(value: Any) -> str:
    dt = _when(value) if value else None
    if dt is None:
        return "never"
    try:
        s = int((datetime.now(UTC) - dt).total_seconds())
    except OverflowError:
        return str(value)[:40]
    if s < 90:
        return "just now"
    if s < 90 * 60:
        return f"{s // 60} min ago"
    if s < 48 * 3600:
        return f"{s // 3600} h ago"
    return f"{s // 86400} days ago"


def _day_label(value: str) -> str:
    return date.fromisoformat(value).strftime("%A %d %B %Y")


def _inr(paise: Any) -> str:
    if isinstance(paise, int) and not isinstance(paise, bool):
        return format_inr(paise)
    return "—" if paise is None else str(paise)[:40]


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    # every string is marked {{ _("...") }}: a catalogue can be installed here for Hindi
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(inr=_inr, ist=_ist, ago=_ago, day_label=_day_label,
                       time_ist=lambda v: _ist(v, "%H:%M:%S"))
    return env


templates = _environment()


def today_ist() -> str:
    return datetime.now(IST).date().isoformat()


def render(request: Request, template: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    html = templates.get_template(template).render(request=request, now=datetime.now(UTC), **ctx)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def with_headers(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


# --- cookies and the current user --------------------------------------------------------------

def signing_key(request: Request) -> bytes:
    key: bytes | None = getattr(request.app.state, "hq_key", None)
    configured = request.app.state.settings.session_key
    if key is None and configured:
        # CENTRAL_SESSION_KEY(_FILE): the operator's secret, the same in every worker process
        key = hashlib.sha256(configured.encode("utf-8")).digest()
    if key is None:
        with db.write_tx(engine_of(request)) as conn:
            key = hq_auth.signing_key(conn)
        request.app.state.hq_key = key
    return key


def engine_of(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def set_cookie(request: Request, response: Response, name: str, value: str | None) -> None:
    """HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure on
    HTTPS (seen directly or through a trusted proxy) or when configured, only for /hq; a session cookie (gone when the browser closes; the server ends it after
    a working day anyway)."""
    if value is None:
        response.delete_cookie(name, path="/hq", httponly=True, samesite="strict")
        return
    response.set_cookie(name, security.sign(signing_key(request), value), path="/hq", httponly=True,
                        samesite="strict", secure=proxy.secure(request.app.state.settings, request.url.scheme))


def cookie_value(request: Request, name: str) -> str | None:
    return security.unsign(signing_key(request), request.cookies.get(name))


def session_of(request: Request) -> tuple[str, hq_auth.HqUser] | None:
    token = cookie_value(request, SESSION_COOKIE)
    if token is None:
        return None
    with db.read_tx(engine_of(request)) as conn:
        user = hq_auth.session_user(conn, token)
    return (token, user) if user else None


def current_user(request: Request) -> hq_auth.HqUser:
    """Dependency of every HQ page: the logged-in user, or off to the login page."""
    found = session_of(request)
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return found[1]


def login_redirect_url(next_path: str) -> str:
    return "/hq/login?next=" + quote(next_path, safe="")


def safe_next(value: str | None) -> str:
    """Only a path on our own HQ pages (no open redirect to another site)."""
    if value and value.startswith("/hq/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/hq/"


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def same_origin(request: Request) -> bool:
    """A browser's form post names where it came from; refuse one from another site."""
    origin = request.headers.get("origin")
    if origin is None:  # older browsers and tools send none; SameSite and the nonce still hold
        return True
    # the host only: behind a proxy that ends TLS the browser says https and we see http
    return urlsplit(origin).netloc == request.headers.get("host", "")
