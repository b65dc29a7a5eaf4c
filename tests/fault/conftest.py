"""A real central server (uvicorn on loopback, SQLite) with the fault proxy in front of it, shared
by the tests of this directory; each test enrolls its own counters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fault.proxy import FaultProxy
from tests.sync.harness import LiveEnv


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveEnv]:
    root: Path = tmp_path_factory.mktemp("fault")
    e = LiveEnv(root, f"sqlite:///{root / 'central.sqlite3'}").start()
    yield e
    e.stop()


@pytest.fixture(scope="module")
def proxy(env: LiveEnv) -> Iterator[FaultProxy]:
    assert env.server is not None
    with FaultProxy("127.0.0.1", env.server.port) as p:
        yield p


@pytest.fixture(autouse=True)
def _proxy_passes(proxy: FaultProxy) -> Iterator[None]:
    proxy.mode = "pass"
    yield
    proxy.mode = "pass"
