"""Server settings: defaults, then environment variables (CENTRAL_*), then explicit arguments."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_SQLITE = "sqlite:///" + str(Path("central-server.sqlite3").resolve())


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = field(default_factory=lambda: os.environ.get("CENTRAL_DATABASE_URL", DEFAULT_SQLITE))
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

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
