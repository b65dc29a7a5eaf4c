"""Server test fixtures: every test that takes `database_url` runs on SQLite and on a
throwaway PostgreSQL (one cluster per test session, a fresh database per test)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from central_server import db, master
from central_server.app import create_app
from central_server.config import Settings
from kesco_demo.consumers import generate_consumers
from tests.server.util import N_CONSUMERS
from tests.support import fixtures

pg_server = fixtures.pg_server
database_url = fixtures.database_url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
def app(settings: Settings) -> Iterator[Any]:
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def engine(app: Any) -> Engine:
    return app.state.engine  # type: ignore[no-any-return]


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def accounts(engine: Engine) -> list[str]:
    """N_CONSUMERS demo consumers loaded; their account numbers (all active ones)."""
    with db.write_tx(engine) as conn:
        master.load_consumers(conn, generate_consumers(N_CONSUMERS))
    rows = list(generate_consumers(N_CONSUMERS))
    return [r[0] for r in rows if r[8] == "active"]
