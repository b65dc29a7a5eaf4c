"""/api/v1/health and /api/v1/ready on SQLite and PostgreSQL: ready only when the database takes
writes and is at the migration head; a database left behind, read-only or gone is reported."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from central_server import db, migrate
from central_server.app import create_app
from central_server.config import Settings


@pytest.fixture
def client_for() -> Iterator[Any]:
    made: list[Any] = []

    def make(url: str, migrate_first: bool = True) -> TestClient:
        app = create_app(Settings(database_url=url, migrate_on_start=migrate_first))
        c = TestClient(app)
        made.append((c, app))
        return c

    yield make
    for c, app in made:
        c.close()
        app.state.engine.dispose()


def test_ready_when_writable_and_migrated(database_url: str, client_for: Any) -> None:
    c = client_for(database_url)
    h = c.get("/api/v1/health").json()
    assert h["status"] == "ok"
    assert h["database"]["writable"] is True and h["database"]["migrations_current"] is True
    assert h["database"]["revision"] == migrate.head_revision()
    r = c.get("/api/v1/ready")
    assert r.status_code == 200 and r.json()["ready"] is True


def test_not_ready_when_migrations_are_behind(database_url: str, client_for: Any) -> None:
    engine = db.make_engine(Settings(database_url=database_url))
    migrate.upgrade(engine, "0002")
    engine.dispose()
    c = client_for(database_url, migrate_first=False)
    h = c.get("/api/v1/health").json()
    assert h["status"] == "degraded"
    assert h["database"]["revision"] == "0002" and h["database"]["migrations_current"] is False
    r = c.get("/api/v1/ready")
    assert r.status_code == 503 and r.json()["ready"] is False


def test_not_ready_when_the_database_refuses_writes(database_url: str, client_for: Any, tmp_path: Any) -> None:
    client_for(database_url)  # migrated to head
    if database_url.startswith("sqlite"):
        path = make_url(database_url).database
        url = f"sqlite:///file:{path}?mode=ro&uri=true"
    else:
        u = make_url(database_url)
        dsn = f"host={u.query['host']} port={u.query['port']} user=postgres dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{u.database}" SET default_transaction_read_only = on')
        url = database_url
    c = client_for(url, migrate_first=False)
    h = c.get("/api/v1/health")
    assert h.status_code == 200 and h.json()["status"] == "degraded"
    assert h.json()["database"]["writable"] is False and h.json()["database"]["migrations_current"] is True
    assert c.get("/api/v1/ready").status_code == 503


def test_down_when_the_database_is_gone(tmp_path: Any, client_for: Any) -> None:
    url = f"postgresql+psycopg://postgres@/nowhere?host={tmp_path}&port=5999"
    c = client_for(url, migrate_first=False)
    h = c.get("/api/v1/health")
    assert h.status_code == 503 and h.json()["status"] == "down"
    assert h.json()["database"]["reachable"] is False
    assert c.get("/api/v1/ready").status_code == 503
