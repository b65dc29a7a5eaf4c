"""Server settings: defaults, then environment variables (CENTRAL_*), then explicit arguments."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from central_server import credentials
from central_server import part_payment as part_payment_config
from central_server.consumer_side import notify_config
from kesco_protocol.part_payment import Policy

DEFAULT_SQLITE = "sqlite:///" + str(Path("central-server.sqlite3").resolve())
KB, MB = 1024, 1024 * 1024


def _env_num(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _env_list(name: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in os.environ.get(name, "").split(",") if x.strip())


def _env_flag(name: str) -> bool | None:
    value = os.environ.get(name, "").strip().lower()
    return None if value in ("", "auto") else value in ("1", "true", "yes", "on")


@dataclass(frozen=True, slots=True)
class Settings:
    # CENTRAL_DATABASE_URL or _FILE, plus CENTRAL_DATABASE_PASSWORD or _FILE (central_server.credentials)
    database_url: str = field(default_factory=lambda: credentials.database_url(default=DEFAULT_SQLITE))
    # A request carries at most this many records (the counter sends 500 at a time).
    max_batch: int = 5000
    # A receipt above this amount is stored but parked for review (Rs 50 lakh).
    sanity_limit_paise: int = 50_00_000_00
    # Consumers per database page while streaming the snapshot, and gzip level of the stream.
    snapshot_page: int = 5000
    snapshot_gzip_level: int = 1
    changes_max_limit: int = 50_000
    # Connection pool per server process (PostgreSQL). 44 counters sync at once at month end, but
    # two cores do not go faster with more than a few dozen transactions in flight; keep
    # workers x (pool_size + max_overflow) below PostgreSQL's max_connections (100 by default).
    pool_size: int = 10
    max_overflow: int = 20
    # Admission control of record pushes (central_server/push_gate.py, docs/SCALE.md): at most
    # this many pushes are read and stored at once per process (0: no limit). A push that finds
    # no slot within push_wait_s is answered 503 busy before its body is read, with a Retry-After
    # that is its appointment: the next moment a slot frees after those already given out (at
    # most push_retry_cap_s), and the counter comes back then. 2 a worker by default, from the
    # soak (docs/SCALE.md, "2026-12-02, evening"): 440 counters at once, two workers, PostgreSQL,
    # 1 to 3 slots a worker gave 8,069-10,537 receipts/s with an admitted push's p99 at 0.74-1.02 s;
    # without the gate, 8,780/s and a p99 of 24.9 s, near the counter's 30-s read timeout.
    # 0 turns it off.
    max_concurrent_pushes: int = field(default_factory=lambda: int(_env_num("CENTRAL_MAX_CONCURRENT_PUSHES", 2)))
    push_wait_s: float = field(default_factory=lambda: _env_num("CENTRAL_PUSH_WAIT_S", 0.3))
    push_retry_cap_s: float = field(default_factory=lambda: _env_num("CENTRAL_PUSH_RETRY_CAP_S", 30))
    # Run pending migrations when the app starts (the CLI's serve does; tests may too).
    migrate_on_start: bool = field(default_factory=lambda: os.environ.get("CENTRAL_MIGRATE_ON_START", "1") != "0")
    log_level: str = field(default_factory=lambda: os.environ.get("CENTRAL_LOG_LEVEL", "INFO"))
    # Demo mode (CENTRAL_DEMO=1 or `serve --demo`): serves without configured secrets (SQLite,
    # a session key made in the database). Outside it, `serve` refuses a missing or default secret.
    demo: bool = field(default_factory=lambda: os.environ.get("CENTRAL_DEMO", "0") not in ("", "0"))
    # The key that signs HQ cookies; None: one made at random and kept in the database (demo).
    session_key: str | None = field(default_factory=lambda: credentials.read_secret("CENTRAL_SESSION_KEY"))
    gateway_keys: dict[str, str] = field(default_factory=credentials.gateway_keys)
    # the gateway of the consumers' payment confirmations (CENTRAL_NOTIFY_*; None: they only queue)
    notify: Any = field(default_factory=notify_config.from_env)
    # Who may scrape /metrics (addresses or networks, comma-separated in CENTRAL_METRICS_ALLOW).
    # Requests that came through the reverse proxy (X-Forwarded-For) are refused whatever the peer.
    metrics_allow: tuple[str, ...] = field(default_factory=lambda: tuple(
        a.strip() for a in os.environ.get("CENTRAL_METRICS_ALLOW", "127.0.0.1,::1").split(",") if a.strip()))

    # --- request limits (docs/DEPLOY.md, "Request limits"; enforced by central_server.limits) ---
    # A 500-record batch (what the counter sends) is 0.4-1 MB: 8 MB takes a counter configured
    # with bigger batches or long Hindi names with room to spare, and bounds what one request can
    # make the server hold (an 8 MB JSON text is ~60 MB of Python objects while it is read). A
    # larger batch gets 413, and the counter halves it (counter_app/sync/push.py).
    max_records_body: int = field(default_factory=lambda: int(_env_num("CENTRAL_MAX_RECORDS_BODY", 8 * MB)))
    # enrolment is two short strings; the HQ login and logout forms a few fields
    max_enroll_body: int = 4 * KB
    max_form_body: int = 16 * KB
    # nothing else reads a body (GETs): anything more than this is refused unread
    max_other_body: int = 16 * KB
    # a body without Content-Length (chunked) takes at most this, whatever its endpoint's cap
    max_undeclared_body: int = 1 * MB
    # the request line and headers must arrive within this, and the body must keep coming: a gap
    # longer than the idle timeout, or a body that takes longer than the total, is cut (408)
    header_timeout_s: float = field(default_factory=lambda: _env_num("CENTRAL_HEADER_TIMEOUT_S", 10.0))
    body_idle_timeout_s: float = field(default_factory=lambda: _env_num("CENTRAL_BODY_IDLE_TIMEOUT_S", 15.0))
    body_total_timeout_s: float = field(default_factory=lambda: _env_num("CENTRAL_BODY_TOTAL_TIMEOUT_S", 120.0))
    # uvicorn: connections + requests in flight before it answers 503 (44 counters keep one
    # connection each, HQ browsers a few; the rest is headroom), idle keep-alive, header bytes
    limit_concurrency: int = field(default_factory=lambda: int(_env_num("CENTRAL_LIMIT_CONCURRENCY", 200)))
    # longer than nginx's upstream keepalive_timeout (60 s), so the proxy closes idle connections, not the app
    timeout_keep_alive_s: int = field(default_factory=lambda: int(_env_num("CENTRAL_TIMEOUT_KEEP_ALIVE_S", 75)))
    max_header_bytes: int = field(default_factory=lambda: int(_env_num("CENTRAL_MAX_HEADER_BYTES", 16 * KB)))

    # --- access ---------------------------------------------------------------------------------
    # seconds a counter token that the database confirmed is believed without a new lookup
    # (central_server/token_cache.py): a revocation by another process takes this long at most;
    # 0 looks every request's token up
    token_cache_s: float = field(default_factory=lambda: _env_num("CENTRAL_TOKEN_CACHE_S", 2.0))
    # proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or networks);
    # none by default: the connecting address is the client
    trusted_proxies: tuple[str, ...] = field(default_factory=lambda: _env_list("CENTRAL_TRUSTED_PROXIES"))
    # HQ cookies Secure and HSTS sent: True/False, or None = when the request came over HTTPS
    cookie_secure: bool | None = field(default_factory=lambda: _env_flag("CENTRAL_COOKIE_SECURE"))
    # enrolment tries per client address and per counter code in a sliding minute (central_server.throttle)
    enroll_tries_per_address: int = 10
    enroll_tries_per_counter: int = 5

    # --- collection policy ----------------------------------------------------------------------
    # the least part payment by consumer category, sent to the counters in their status
    # (docs/PROTOCOL.md, "Part payments"): CENTRAL_PART_PAYMENT_POLICY_FILE, else the UP rule
    part_payment_policy: Policy = field(default_factory=part_payment_config.from_env)

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
