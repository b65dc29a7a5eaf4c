"""HTTP client for the central server (docs/PROTOCOL.md) on one requests.Session.

Every call has explicit connect and read timeouts (requests has none by default, and a call
without one can hang a counter for ever), TLS verification is always on (a custom CA bundle may
be given, verification can never be turned off), and every failure is turned into one of the
SyncFailure kinds in counter_app.sync.errors, so that the engine can react to each rightly."""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import requests

from counter_app.sync.address import check_server_url
from counter_app.sync.errors import (
    AuthFailure,
    BatchTooLarge,
    Busy,
    ClientBug,
    Closing,
    EnrollRefused,
    NotEnrolled,
    Offline,
    ServerFailure,
    SyncFailure,
    TlsFailure,
    WrongInstallation,
)
from kesco_protocol.busy import RETRY_AFTER_MS, is_busy, parse_retry_after_ms
from kesco_protocol.installation import HEADER as INSTALLATION_HEADER
from kesco_protocol.installation import MISMATCH

API_PREFIX = "/api/v1"
MAX_RETRY_AFTER_S = 3600.0
USER_AGENT = "kesco-counter-sync/1"


def api_base(server_url: str) -> str:
    """'https://host[:port][/prefix]' -> '.../api/v1' (an URL already ending in /api/v1 is kept)."""
    base = server_url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ClientBug("sync.bad_server_url", detail=f"not an http(s) URL: {server_url[:100]!r}")
    base = check_server_url(base)  # the one rule: https, or plain http to this machine only
    return base if base.endswith(API_PREFIX) else base + API_PREFIX


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After in seconds (delta-seconds or an HTTP date), capped at an hour; None if absent or
    unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        secs = float(int(value))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when is None:
            return None
        secs = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, min(secs, MAX_RETRY_AFTER_S))


@dataclass(frozen=True, slots=True)
class PushAnswer:
    results: list[dict[str, Any]]
    status: dict[str, Any]


class ServerClient:
    """One counter's connection to the central server.

    `token` is the bearer token or a callable returning it (read from the keyring when needed);
    `session` lets tests mount an in-process transport. Timeouts are (connect, read) seconds."""

    def __init__(self, server_url: str, counter_code: str, token: str | Callable[[], str | None] | None = None,
                 *, ca_bundle: str | None = None, connect_timeout: float = 5.0, read_timeout: float = 30.0,
                 session: requests.Session | None = None,
                 installation: str | Callable[[], str | None] | None = None) -> None:
        self.api = api_base(server_url)
        self.server_url = server_url
        self.counter_code = counter_code
        self._token = token
        # this PC's installation id (kesco_protocol.installation), sent with every request
        self._installation = installation
        self.timeout = (connect_timeout, read_timeout)
        self.session = session or requests.Session()
        # a path to extra CA certificates, or the default store; never False
        self.session.verify = ca_bundle if ca_bundle else True
        self.session.headers["User-Agent"] = USER_AGENT

    def close(self) -> None:
        self.session.close()

    # --- plumbing -------------------------------------------------------------------------------
    def _auth(self) -> dict[str, str]:
        token = self._token() if callable(self._token) else self._token
        if not token:
            raise NotEnrolled(detail="no token for this counter: run counter-app init --enroll")
        return {"Authorization": f"Bearer {token}"}

    def _request(self, method: str, path: str, *, auth: bool = True, stream: bool = False,
                 timeout: tuple[float, float] | None = None, **kw: Any) -> requests.Response:
        headers = dict(kw.pop("headers", None) or {})
        installation = self._installation() if callable(self._installation) else self._installation
        if installation:
            headers[INSTALLATION_HEADER] = installation
        if auth:
            headers.update(self._auth())
        verify = self.session.verify
        if verify is False:  # pragma: no cover - guarded in __init__; a test checks it is never off
            raise TlsFailure(detail="TLS verification may not be turned off")
        try:
            resp = self.session.request(method, self.api + path, headers=headers, stream=stream,
                                        timeout=timeout or self.timeout, verify=verify, **kw)
        except requests.exceptions.SSLError as e:
            raise TlsFailure(detail=_short(e)) from e
        except requests.exceptions.Timeout as e:
            raise Offline("sync.timeout", detail=_short(e)) from e
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as e:
            raise Offline(detail=_short(e)) from e
        self._check(resp)
        return resp

    def _check(self, resp: requests.Response) -> None:
        code = resp.status_code
        if code < 400:
            return
        detail = _detail(resp)
        retry = parse_retry_after(resp.headers.get("Retry-After"))
        resp.close()
        if code == 409 and MISMATCH in detail:
            raise WrongInstallation(detail=detail, http_status=code, counter=self.counter_code)
        if code in (401, 403):
            raise AuthFailure(detail=detail, http_status=code)
        if code == 413:
            raise BatchTooLarge(detail=detail, http_status=code)
        if code == 408:  # the body arrived too slowly for the server: a slow link, nothing stored
            raise Offline(detail=detail, http_status=code)
        if code == 503 and "clos" in detail.lower():
            raise Closing(detail=detail, http_status=code, retry_after=retry)
        if code == 503 and is_busy(detail):
            # the server's admission gate: come back after Retry-After (1 s if it gave none)
            # (to the millisecond where it says so: an appointment, kesco_protocol/busy.py)
            exact = parse_retry_after_ms(resp.headers.get(RETRY_AFTER_MS))
            raise Busy(detail=detail, http_status=code,
                       retry_after=exact if exact is not None else 1.0 if retry is None else retry,
                       appointment=exact is not None)
        if code >= 500 or code == 429:
            raise ServerFailure(detail=detail, http_status=code, retry_after=retry)
        raise ClientBug(detail=detail, http_status=code)

    def _json(self, resp: requests.Response) -> Any:
        try:
            return resp.json()
        except requests.exceptions.ChunkedEncodingError as e:  # cut off mid-body
            raise Offline(detail=_short(e)) from e
        except requests.exceptions.ConnectionError as e:
            raise Offline(detail=_short(e)) from e
        except ValueError as e:  # JSON that does not parse: cut off, or not our server
            raise ServerFailure("sync.bad_answer", detail=f"unreadable answer: {_short(e)}",
                                http_status=resp.status_code) from e

    # --- the protocol ---------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return _need_dict(self._json(self._request("GET", "/health", auth=False)), "health")

    def enroll(self, enrollment_code: str, public_key: str | None = None) -> str:
        """Exchange the one-time enrollment code for this counter's token, registering the public
        half of its new signing key."""
        body: dict[str, Any] = {"counter_code": self.counter_code, "enrollment_code": enrollment_code}
        if public_key is not None:
            body["public_key"] = public_key
        try:
            resp = self._request("POST", "/enroll", auth=False, json=body)
        except AuthFailure as e:
            raise EnrollRefused(detail=e.detail, http_status=e.http_status) from e
        body = _need_dict(self._json(resp), "enroll")
        token = body.get("token")
        if not isinstance(token, str) or not token or body.get("counter_code") != self.counter_code:
            raise ServerFailure("sync.bad_answer", detail="enrollment answer without a token for this counter")
        return token

    def push(self, records: list[dict[str, Any]]) -> PushAnswer:
        """POST a batch; the answer carries one result per record and the counter's status."""
        body = json.dumps({"records": records}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        resp = self._request("POST", f"/counters/{self.counter_code}/records", data=body,
                             headers={"Content-Type": "application/json"})
        answer = _need_dict(self._json(resp), "records")
        results, status = answer.get("results"), answer.get("status")
        if not isinstance(results, list) or not isinstance(status, dict):
            raise ServerFailure("sync.bad_answer", detail="records answer without results and status")
        return PushAnswer([r for r in results if isinstance(r, dict)], status)

    def report_anchor(self, seq: int, hash_hex: str) -> dict[str, Any]:
        """Hand the server the chain head before the receipts (docs/PROTOCOL.md, "Chain anchors")."""
        body = json.dumps({"seq": seq, "hash": hash_hex}).encode("ascii")
        resp = self._request("POST", f"/counters/{self.counter_code}/anchors", data=body,
                             headers={"Content-Type": "application/json"})
        return _need_dict(self._json(resp), "anchor")

    def status(self) -> dict[str, Any]:
        return _need_dict(self._json(self._request("GET", f"/counters/{self.counter_code}/status")), "status")

    def export_records(self, part: str, after: int, limit: int) -> dict[str, Any]:
        """One page of this counter's own stored records (GET .../records/export, for a recovery)."""
        resp = self._request("GET", f"/counters/{self.counter_code}/records/export",
                             params={"part": part, "after": after, "limit": limit})
        return _need_dict(self._json(resp), "export")

    def changes(self, since: int, after: str | None, limit: int) -> dict[str, Any]:
        params: dict[str, Any] = {"since": since, "limit": limit}
        if after:
            params["after"] = after
        return _need_dict(self._json(self._request("GET", "/consumers/changes", params=params)), "changes")

    def snapshot_bytes(self, after: str | None, limit: int | None) -> SnapshotBytes:
        """The same answer's bytes as they arrive (still compressed), for the loader process
        (sync/snapshot_load.py) to inflate and parse. Use as a context manager."""
        params: dict[str, Any] = {}
        if after:
            params["after"] = after
        if limit:
            params["limit"] = limit
        resp = self._request("GET", "/consumers/snapshot", params=params, stream=True,
                             headers={"Accept-Encoding": "gzip"})
        return SnapshotBytes(resp)


class SnapshotBytes:
    """The snapshot answer as wire blocks: `blocks()` yields them, `gzip` says whether they are
    compressed, `bytes_read` counts them. A stream that breaks raises Offline."""

    # small blocks: the engine looks at its stop flag between them (64 KiB is about 900 rows)
    def __init__(self, resp: requests.Response, read_size: int = 64 * 1024) -> None:
        self.resp = resp
        self.read_size = read_size
        self.gzip = resp.headers.get("Content-Encoding", "").lower() == "gzip"
        self.bytes_read = 0

    def blocks(self) -> Iterator[bytes]:
        try:
            for raw in self.resp.raw.stream(self.read_size, decode_content=False):
                self.bytes_read += len(raw)
                yield raw
        except requests.exceptions.RequestException as e:
            raise Offline("sync.snapshot_cut", detail=_short(e)) from e
        except Exception as e:  # urllib3 protocol errors, a reset mid-stream
            raise Offline("sync.snapshot_cut", detail=_short(e)) from e

    def close(self) -> None:
        self.resp.close()

    def __enter__(self) -> SnapshotBytes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _need_dict(v: Any, what: str) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise ServerFailure("sync.bad_answer", detail=f"the {what} answer is not a JSON object")
    return v


def _detail(resp: requests.Response) -> str:
    try:
        body = resp.json()
    except Exception:
        try:
            return f"HTTP {resp.status_code}: {resp.text[:200]}"
        except Exception:
            return f"HTTP {resp.status_code}"
    d = body.get("detail") if isinstance(body, dict) else body
    return f"HTTP {resp.status_code}: {json.dumps(d, ensure_ascii=False)[:300] if not isinstance(d, str) else d[:300]}"


def _short(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}"[:300]


__all__ = ["PushAnswer", "ServerClient", "SnapshotBytes", "SyncFailure", "api_base", "parse_retry_after"]
