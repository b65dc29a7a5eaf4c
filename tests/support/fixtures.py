"""Pytest fixtures for any test that needs the central server's database, on SQLite and on a
throwaway PostgreSQL. Bind them in a conftest.py:

    from tests.support import fixtures

    pg_server = fixtures.pg_server
    database_url = fixtures.database_url

- `pg_server` (session): one PostgresServer for the whole run; skips loudly without PostgreSQL
  binaries, fails under CI=true.
- `database_url` (function, parametrised): "sqlite" -> a file in tmp_path; "postgres" -> a fresh
  database on `pg_server` (dropped afterwards), marked `postgres` so `-m "not postgres"` deselects it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pg import PostgresServer, pg_binaries_or_skip


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    bindir = pg_binaries_or_skip()
    with PostgresServer(bindir=bindir) as pg:
        yield pg


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.sqlite3'}"
        return
    pg: PostgresServer = request.getfixturevalue("pg_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = pg.create_database(name)
    yield url
    pg.drop_database(name)
