"""The HTTP client on its own, against small real HTTP(S) servers on loopback: explicit timeouts on
every call, TLS always verified (a custom CA bundle works, nothing turns it off), and every kind of
failure told apart: offline, closing, auth, server error, our own bug, an unreadable answer."""

from __future__ import annotations

import datetime as dt
import email.utils
import http.server
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from counter_app.sync.backoff import Backoff
from counter_app.sync.client import ServerClient, api_base, parse_retry_after
from counter_app.sync.errors import (
    AuthFailure,
    BatchTooLarge,
    Busy,
    ClientBug,
    Closing,
    NotEnrolled,
    Offline,
    ServerFailure,
    TlsFailure,
)
from kesco_protocol.busy import BUSY_DETAIL, RETRY_AFTER_MS

ROOT = Path(__file__).resolve().parents[2]


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers by the first path segment that names an entry of ANSWERS."""

    def log_message(self, *a: Any) -> None:
        pass

    def _answer(self) -> None:
        seen.append({"path": self.path, "auth": self.headers.get("Authorization")})
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        segments = self.path.split("?")[0].split("/")
        key = next((seg for seg in segments if seg in ANSWERS or seg == "hang"), "")
        if key == "hang":
            time.sleep(3)
        status, headers, body = ANSWERS.get(key, (200, {}, b'{"status":"ok"}'))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v() if callable(v) else v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer


seen: list[dict[str, Any]] = []


def _date() -> str:
    """90 s from the moment of the answer (not of collection: the whole suite runs in between)."""
    return email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=90), usegmt=True)


ANSWERS: dict[str, tuple[int, dict[str, Any], bytes]] = {
    "health": (200, {}, b'{"status":"ok","period":{"state":"open"}}'),
    "status": (200, {}, b'{"high_water_seq": 1}'),
    "records": (200, {}, b'{"results": [], "status": {"high_water_seq": 0}}'),
    "changes": (200, {}, b'{"version": 0, "rows": [], "more": false}'),
    "unauth": (401, {}, b'{"detail":"unknown or revoked token"}'),
    "forbidden": (403, {}, b'{"detail":"another counter"}'),
    "toolarge": (413, {}, b'{"detail":"at most 5000 records"}'),
    "unprocessable": (422, {}, b'{"detail":[{"msg":"bad"}]}'),
    "missing": (404, {}, b'{"detail":"Not Found"}'),
    "boom": (500, {}, b"Internal Server Error"),
    "badgateway": (502, {}, b"<html>bad gateway</html>"),
    "closing": (503, {"Retry-After": "120"}, b'{"detail":"month-end closing: the server takes no records now"}'),
    "busy": (503, {"Retry-After": "30"}, b'{"detail":"the server\'s database is busy; retry later"}'),
    "slowdown": (429, {"Retry-After": _date}, b'{"detail":"too many"}'),
    "gatebusy": (503, {"Retry-After": "2", RETRY_AFTER_MS: "1050"}, json.dumps({"detail": BUSY_DETAIL}).encode()),
    "gatebusy_odd_ms": (503, {"Retry-After": "2", RETRY_AFTER_MS: "1.05e3"}, json.dumps({"detail": BUSY_DETAIL}).encode()),
    "slowbody": (408, {"Connection": "close"}, b'{"detail":"the body stopped arriving"}'),
    "garbage": (200, {"Content-Type": "application/json"}, b'{"results": [1, 2'),
    "notobject": (200, {}, b"[1, 2, 3]"),
}


@pytest.fixture(scope="module")
def http_server() -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def _client(base: str, **kw: Any) -> ServerClient:
    kw.setdefault("connect_timeout", 1.0)
    kw.setdefault("read_timeout", 1.0)
    return ServerClient(base, "K07", "tok-123", **kw)


def _get(c: ServerClient, key: str) -> Any:
    return c._json(c._request("GET", f"/{key}"))


@pytest.mark.parametrize(("key", "exc", "status"), [
    ("unauth", AuthFailure, 401), ("forbidden", AuthFailure, 403), ("toolarge", BatchTooLarge, 413),
    ("unprocessable", ClientBug, 422), ("missing", ClientBug, 404), ("boom", ServerFailure, 500),
    ("badgateway", ServerFailure, 502), ("closing", Closing, 503), ("busy", ServerFailure, 503),
    ("slowdown", ServerFailure, 429),
])
def test_http_failures_are_told_apart(http_server: str, key: str, exc: type, status: int) -> None:
    with pytest.raises(exc) as info:
        _get(_client(http_server), key)
    assert type(info.value) is exc
    assert info.value.http_status == status


def test_a_body_cut_for_arriving_too_slowly_is_offline_not_a_bug(http_server: str) -> None:
    """408 (the server's body read timeout, docs/DEPLOY.md): the link was slow, nothing was
    stored; retried as a whole later, never split or set aside as if the records were bad."""
    with pytest.raises(Offline):
        _get(_client(http_server), "slowbody")


def test_retry_after_is_read_from_seconds_and_from_an_http_date(http_server: str) -> None:
    with pytest.raises(Closing) as a:
        _get(_client(http_server), "closing")
    assert a.value.retry_after == 120
    with pytest.raises(ServerFailure) as b:
        _get(_client(http_server), "slowdown")
    assert b.value.retry_after is not None and 80 <= b.value.retry_after <= 91
    assert parse_retry_after("junk") is None and parse_retry_after(None) is None
    assert parse_retry_after("999999") == 3600  # capped at an hour
    assert parse_retry_after("-5") == 0


def test_unreadable_or_wrong_answers_are_server_failures(http_server: str) -> None:
    c = _client(http_server)
    with pytest.raises(ServerFailure, match="unreadable"):
        _get(c, "garbage")  # a 200 whose JSON is cut off
    with pytest.raises(ServerFailure, match="not a JSON object"):
        ServerClient(http_server + "/notobject", "K07", "t").health()


def test_refused_connection_and_dns_failure_are_offline() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(Offline) as info:
        _client(f"http://127.0.0.1:{port}").health()
    assert type(info.value) is Offline
    with pytest.raises(Offline):
        _client("https://no-such-host.invalid").health()


def test_a_server_that_never_answers_times_out_as_offline(http_server: str) -> None:
    t0 = time.monotonic()
    with pytest.raises(Offline) as info:
        _get(_client(http_server, read_timeout=0.5), "hang")
    assert info.value.key == "sync.timeout"
    assert time.monotonic() - t0 < 2.5


def test_every_call_carries_explicit_timeouts_and_verification(http_server: str) -> None:
    calls: list[dict[str, Any]] = []

    class Recording(requests.Session):
        def request(self, method: str, url: str, **kw: Any) -> Any:  # type: ignore[override]
            calls.append(kw)
            return super().request(method, url, **kw)

    c = _client(http_server, session=Recording(), connect_timeout=2.5, read_timeout=7.0)
    c.health()
    c.status()
    c.push([])
    c.changes(0, None, 10)
    assert len(calls) == 4
    assert all(kw["timeout"] == (2.5, 7.0) and kw["verify"] is True for kw in calls)
    assert all(s["auth"] == "Bearer tok-123" for s in seen[-3:])


def test_no_token_is_not_enrolled_and_nothing_is_sent(http_server: str) -> None:
    n = len(seen)
    with pytest.raises(NotEnrolled):
        ServerClient(http_server, "K07", lambda: None).status()
    assert len(seen) == n


def test_tls_verification_is_never_turned_off_in_the_sync_code() -> None:
    for f in (ROOT / "counter_app" / "sync").rglob("*.py"):
        src = f.read_text(encoding="utf-8")
        assert "verify=False" not in src and "verify = False" not in src, f
    assert ServerClient("https://example.invalid", "K07", "t").session.verify is True
    assert ServerClient("https://example.invalid", "K07", "t", ca_bundle="/x/ca.pem").session.verify == "/x/ca.pem"


def test_server_address_forms() -> None:
    assert api_base("https://h.example/") == "https://h.example/api/v1"
    assert api_base("https://h.example/api/v1") == "https://h.example/api/v1"
    with pytest.raises(ClientBug):
        api_base("h.example")


# --- real TLS: a self-signed server certificate, refused by default, trusted through a CA bundle ---

def _self_signed(tmp: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kesco-test-ca")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "server.pem", tmp / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_tls_self_signed_is_refused_unless_its_ca_is_configured(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        url = f"https://localhost:{srv.server_address[1]}"
        with pytest.raises(TlsFailure) as info:
            _client(url).health()
        assert info.value.key == "sync.tls" and "CERTIFICATE" in info.value.detail.upper()
        assert _client(url, ca_bundle=str(cert)).health()["status"] == "ok"
    finally:
        srv.shutdown()
        srv.server_close()


def test_a_busy_answer_is_an_appointment_to_the_millisecond_where_it_says_one(http_server: str) -> None:
    with pytest.raises(Busy) as exact:
        _get(_client(http_server), "gatebusy")
    assert exact.value.retry_after == 1.05 and exact.value.appointment
    with pytest.raises(Busy) as odd:  # an unreadable one: Retry-After's whole seconds, as before
        _get(_client(http_server), "gatebusy_odd_ms")
    assert odd.value.retry_after == 2 and not odd.value.appointment


def test_an_appointment_is_kept_as_given_and_retry_after_gets_jitter() -> None:
    import random

    b = Backoff(rng=random.Random(3))
    kept = [b.next_delay(retry_after=27.35, appointment=True) for _ in range(50)]
    assert all(27.35 <= d <= 27.37 for d in kept)  # not 10 % (2.7 s) that would undo the server's order
    jittered = [b.next_delay(retry_after=27.35) for _ in range(50)]
    assert all(27.35 <= d <= 30.09 for d in jittered) and max(jittered) > 28


def test_backoff_grows_is_capped_has_jitter_and_takes_retry_after() -> None:
    import random

    b = Backoff(base_s=2, cap_s=60, rng=random.Random(1))
    delays = [b.next_delay() for _ in range(12)]
    assert 1 <= delays[0] <= 2 and 2 <= delays[1] <= 4 and 4 <= delays[2] <= 8
    assert all(30 <= d <= 60 for d in delays[6:])
    assert len(set(delays)) == len(delays)  # jitter: 44 counters never retry in lockstep
    assert 120 <= b.next_delay(retry_after=120) <= 132
    b.reset()
    assert b.next_delay() <= 2
