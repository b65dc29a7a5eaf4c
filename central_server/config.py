"""Server settings: defaults, then environment variables (CENTRAL_*), then explicit arguments."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from central_server import credentials

DEFAULT_SQLITE = "sqlite:///" + str(Path("central-server.sqlite3").resolve())


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
    # Run pending migrations when the app starts (the CLI's serve does; tests may too).
    migrate_on_start: bool = field(default_factory=lambda: os.environ.get("CENTRAL_MIGRATE_ON_START", "1") != "0")
    log_level: str = field(default_factory=lambda: os.environ.get("CENTRAL_LOG_LEVEL", "INFO"))
    # Demo mode (CENTRAL_DEMO=1 or `serve --demo`): serves without configured secrets (SQLite,
    # a session key made in the database). Outside it, `serve` refuses a missing or default secret.
    demo: bool = field(default_factory=lambda: os.environ.get("CENTRAL_DEMO", "0") not in ("", "0"))
    # The key that signs HQ cookies; None: one made at random and kept in the database (demo).
    session_key: str | None = field(default_factory=lambda: credentials.read_secret("CENTRAL_SESSION_KEY"))
    gateway_keys: dict[str, str] = field(default_factory=credentials.gateway_keys)
    # Who may scrape /metrics (addresses or networks, comma-separated in CENTRAL_METRICS_ALLOW).
    # Requests that came through the reverse proxy (X-Forwarded-For) are refused whatever the peer.
    metrics_allow: tuple[str, ...] = field(default_factory=lambda: tuple(
        a.strip() for a in os.environ.get("CENTRAL_METRICS_ALLOW", "127.0.0.1,::1").split(",") if a.strip()))

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
