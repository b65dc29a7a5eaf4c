"""Acceptance: the shipped nginx site (TLS, a test CA) in front of the server started as the
systemd unit starts it (two workers, PostgreSQL, not demo mode); a real counter enrols, pushes
its receipts and loads the consumer snapshot through it over TLS; the same counter refuses the
proxy once it shows a certificate of another CA, and keeps its receipts."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import httpx
import pytest

from central_server import db as sdb
from central_server import master
from central_server.config import Settings
from counter_app.app import open_application
from counter_app.sync.client import ServerClient
from counter_app.sync.engine import SyncEngine
from counter_app.sync.errors import TlsFailure
from counter_app.sync.keyring_store import MemoryTokenStore
from counter_app.sync.setup import enroll, make_client
from kesco_demo.consumers import generate_consumers
from tests.conftest import CLERK, make_counter
from tests.deploy.conftest import binary_or_skip
from tests.deploy.nginx_runner import Nginx, rewrite_site
from tests.deploy.tls_ca import CertAuthority
from tests.deploy.unit_file import UnitServer
from tests.support.live_server import free_port, register_counter
from tests.support.pg import PostgresServer
from tests.sync.harness import Clock, CounterUnderTest
from tests.sync.invariants import LocalView, ServerView, check_delivered

CONSUMERS = 300


@pytest.fixture
def nginx_binary() -> str:
    return binary_or_skip("nginx", "nginx", "/usr/sbin/nginx")


def test_counter_syncs_through_the_shipped_proxy_over_tls(nginx_binary: str, pg_server: PostgresServer,
                                                          tmp_path: Path) -> None:
    url = pg_server.create_database("tls_proxy")
    server_engine = sdb.make_engine(Settings(database_url=url))
    ours, theirs = CertAuthority(tmp_path / "ca", "KESCO test CA"), CertAuthority(tmp_path / "other-ca", "Someone else")
    http_port, https_port = free_port(), free_port()
    proxy_url = f"https://127.0.0.1:{https_port}"
    with UnitServer(url, tmp_path / "server") as srv:
        with sdb.write_tx(server_engine) as conn:
            master.load_consumers(conn, generate_consumers(CONSUMERS))
        site = rewrite_site(srv.port, http_port, https_port, ours.issue_server())
        proxy = Nginx(nginx_binary, tmp_path / "nginx", site, https_port).start()
        try:
            # the proxy: TLS with our CA, plain HTTP redirected, /metrics not served
            h = httpx.get(f"{proxy_url}/api/v1/health", verify=ours.context(), timeout=10)
            assert h.status_code == 200 and h.json()["status"] == "ok"
            assert h.headers["strict-transport-security"].startswith("max-age=")
            r = httpx.get(f"http://127.0.0.1:{http_port}/api/v1/health", timeout=10, follow_redirects=False)
            assert r.status_code == 301 and r.headers["location"].startswith("https://")
            assert httpx.get(f"{proxy_url}/metrics", verify=ours.context(), timeout=10).status_code == 404
            assert httpx.get(f"{proxy_url}/api/v1/ready", verify=ours.context(), timeout=10).status_code == 200

            tokens = MemoryTokenStore()
            k = _counter(tmp_path, "K07", url, proxy_url, str(ours.bundle), tokens)
            st = k.engine.drain()  # the consumer snapshot (gzip, streamed) through the proxy
            assert st.snapshot.complete and st.last_error is None, st.last_error
            k.issue(25)
            st = k.engine.drain()
            assert st.pending == 0 and st.last_error is None, st.last_error
            check_delivered(LocalView.read(k.counter), ServerView.read(server_engine, "K07"))

            # the proxy now shows a certificate of another CA: refused, the receipt stays pending
            proxy.stop()
            proxy = Nginx(nginx_binary, tmp_path / "nginx2",
                          rewrite_site(srv.port, http_port, https_port, theirs.issue_server()), https_port).start()
            k.issue(1)
            st = k.engine.run_once(force=True)
            assert st.pending == 1 and st.last_error is not None
            with pytest.raises(TlsFailure):
                ServerClient(proxy_url, "K07", "t", ca_bundle=str(ours.bundle)).health()
            # negative control: the other CA's bundle does trust it (the refusal is the CA, not the proxy)
            assert httpx.get(f"{proxy_url}/api/v1/health", verify=theirs.context(), timeout=10).status_code == 200
            k.close()
        finally:
            proxy.stop()
    server_engine.dispose()


def _counter(root: Path, code: str, database_url: str, proxy_url: str, ca_bundle: str,
             tokens: MemoryTokenStore) -> CounterUnderTest:
    tpl = root / "counter-template"
    c = make_counter(tpl, consumers=0, code="T0", clock=Clock())
    c.service.open_shift(c.service.login(*CLERK), 1000_00)
    c.close()
    d = root / f"counter-{code}"
    shutil.copytree(tpl, d)
    for f in d.glob("counter.lock"):
        f.unlink()
    app = open_application(d, clock=Clock())
    app.config.clock_max_skew_minutes = 0  # the test clock is days from the real server's
    app.service.initialise(code, f"Counter {code}")
    enroll(app, proxy_url, register_counter(database_url, code), tokens=tokens, ca_bundle=ca_bundle)
    assert app.config.ca_bundle == ca_bundle
    client = make_client(app, tokens=tokens, timeouts=(3.0, 30.0))
    accounts = [r[0] for r in generate_consumers(CONSUMERS) if r[8] == "active"]
    return CounterUnderTest(code, app, SyncEngine(app, client, pull=True, poll_s=0.2), random.Random(code), accounts)
