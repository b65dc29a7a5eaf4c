"""End-to-end sync fixtures: a real central server on loopback per test, on SQLite and on a
throwaway PostgreSQL (one cluster per session, a fresh database per test)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pg import PostgresServer, pg_binaries_or_skip
from tests.sync.harness import LiveEnv


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresServer]:
    bindir = pg_binaries_or_skip()
    with PostgresServer(bindir=bindir) as pg:
        yield pg


def _url(request: pytest.FixtureRequest, kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.sqlite3'}"
        return
    pg: PostgresServer = request.getfixturevalue("pg_cluster")
    name = f"s_{uuid.uuid4().hex[:12]}"
    url = pg.create_database(name)
    yield url
    pg.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from _url(request, request.param, tmp_path)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'central.sqlite3'}"


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> Iterator[LiveEnv]:
    e = LiveEnv(tmp_path, database_url).start()
    yield e
    e.stop()


@pytest.fixture
def sqlite_env(tmp_path: Path, sqlite_url: str) -> Iterator[LiveEnv]:
    e = LiveEnv(tmp_path, sqlite_url).start()
    yield e
    e.stop()
