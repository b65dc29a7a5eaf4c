"""What `/api/v1/health` and `/api/v1/ready` check: the database answers, takes a write, and is
at the migration head this code expects. The proxy sends traffic only to a ready worker."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from central_server import db, migrate


@dataclass(frozen=True, slots=True)
class DatabaseHealth:
    reachable: bool
    writable: bool
    revision: str | None
    head: str | None
    error: str | None = None

    @property
    def migrations_current(self) -> bool:
        return self.revision is not None and self.revision == self.head

    @property
    def ready(self) -> bool:
        return self.reachable and self.writable and self.migrations_current

    def to_dict(self) -> dict[str, object]:
        return {"reachable": self.reachable, "writable": self.writable, "revision": self.revision,
                "head": self.head, "migrations_current": self.migrations_current, "error": self.error}


@lru_cache(maxsize=1)
def expected_head() -> str | None:
    return migrate.head_revision()


def _probe_write(engine: Engine) -> None:
    """A write that leaves nothing behind. PostgreSQL refuses an UPDATE in a read-only transaction
    or on a hot standby before looking at a row (so `WHERE false` is enough and makes no dead
    row); SQLite: rewriting one row takes the write lock and needs a writable file."""
    with db.write_tx(engine) as conn:
        if db.is_sqlite(conn):
            conn.execute(text("UPDATE master_version SET value = value WHERE id = 1"))
        else:
            conn.execute(text("UPDATE master_version SET value = value WHERE false"))


def check_database(engine: Engine) -> DatabaseHealth:
    head = expected_head()
    try:
        revision = migrate.current_revision(engine)
    except SQLAlchemyError as e:
        return DatabaseHealth(False, False, None, head, _short(e))
    try:
        _probe_write(engine)
    except SQLAlchemyError as e:
        return DatabaseHealth(True, False, revision, head, _short(e))
    return DatabaseHealth(True, True, revision, head)


def _short(e: SQLAlchemyError) -> str:
    return str(getattr(e, "orig", None) or e).strip().splitlines()[0][:200]
