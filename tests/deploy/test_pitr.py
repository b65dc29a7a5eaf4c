"""Point-in-time recovery as docs/DEPLOY.md describes it: WAL archiving plus a base backup
(`pg_basebackup`), restored to a moment between two pushes; what came after that moment is
gone from the server, the counters' re-send brings it back, and every receipt is there once."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy import func, select

from central_server import db as sdb
from central_server.config import Settings
from central_server.models import receipts
from kesco_demo.consumers import generate_consumers
from tests.support.live_server import LiveServer, enroll, load_demo_consumers, register_counter
from tests.support.pg import PostgresServer, pg_binaries_or_skip
from tests.support.receipts import ReceiptChain, wire


class ArchivingServer(PostgresServer):
    """A cluster that archives every WAL segment into `wal_dir` (the archive_command of DEPLOY.md)."""

    def __init__(self, wal_dir: Path, **kw: Any) -> None:
        archive = f"'test ! -f {wal_dir}/%f && cp %p {wal_dir}/%f'"
        super().__init__(fast=False, settings={"wal_level": "replica", "archive_mode": "on", "fsync": "off",
                                               "archive_command": archive, "archive_timeout": "0"}, **kw)
        self.wal_dir = wal_dir


def _chown(path: Path) -> None:
    if os.geteuid() == 0:
        for p in [path, *path.rglob("*")]:
            shutil.chown(p, "postgres", "postgres")


def _push(api: str, code: str, token: str, records: list[dict[str, Any]]) -> list[str]:
    r = httpx.post(f"{api}/counters/{code}/records", json={"records": records},
                   headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert r.status_code == 200, r.text
    return [x["status"] for x in r.json()["results"]]


def _count(url: str) -> int:
    engine = sdb.make_engine(Settings(database_url=url))
    with sdb.read_tx(engine) as conn:
        n = int(conn.execute(select(func.count()).select_from(receipts)).scalar_one())
    engine.dispose()
    return n


def test_point_in_time_recovery_then_counters_resend(tmp_path: Path) -> None:
    bindir = pg_binaries_or_skip()
    work = Path(tempfile.mkdtemp(prefix="kpitr-", dir="/tmp"))  # short paths: unix sockets
    wal = work / "wal"
    wal.mkdir()
    _chown(work)
    pg = ArchivingServer(wal, bindir=bindir).start()
    restored: PostgresServer | None = None
    try:
        url = pg.create_database("kesco")
        load_demo_consumers(url, 200)
        accounts = [r[0] for r in generate_consumers(200) if r[8] == "active"]
        chain = ReceiptChain("K07", accounts)
        first, second, third = chain.take(20), chain.take(15), chain.take(10)
        with LiveServer(url) as srv:
            token = enroll(srv.api, "K07", register_counter(url, "K07"))
            assert set(_push(srv.api, "K07", token, [wire(r) for r in first])) == {"accepted"}
            base = work / "base"
            pg._run("pg_basebackup", "-h", pg.socket_dir, "-p", str(pg.port), "-U", "postgres",
                    "-D", str(base), "-X", "none", "-c", "fast")
            assert set(_push(srv.api, "K07", token, [wire(r) for r in second])) == {"accepted"}
            time.sleep(1.1)
            target = datetime.now(UTC)  # recover to here: after `second`, before `third`
            time.sleep(1.1)
            assert set(_push(srv.api, "K07", token, [wire(r) for r in third])) == {"accepted"}
            with psycopg.connect(pg.dsn("kesco"), autocommit=True) as c:
                c.execute("SELECT pg_switch_wal()")
                c.execute("CHECKPOINT")
            deadline = time.monotonic() + 30
            while not any(wal.iterdir()) and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1.0)  # let the archiver copy the switched segment
        pg.stop()

        # the machine is lost: a new cluster from the base backup, replaying the archive up to `target`
        restored = PostgresServer(bindir=bindir, port=pg.port)
        restored.dir = Path(tempfile.mkdtemp(prefix="kpgr-", dir="/tmp"))
        data = restored.dir / "data"
        shutil.copytree(base, data)
        (data / "recovery.signal").touch()
        with (data / "postgresql.auto.conf").open("a") as f:
            f.write(f"restore_command = 'cp {wal}/%f %p'\n")
            f.write(f"recovery_target_time = '{target.isoformat()}'\n")
            f.write("recovery_target_action = 'promote'\n")
            f.write("archive_mode = off\n")
        _chown(restored.dir)
        data.chmod(0o700)
        try:
            restored._run("pg_ctl", "-D", str(data), "-l", str(restored.dir / "server.log"), "-o",
                          f"-c listen_addresses='' -c max_connections=200 -k {restored.dir} -p {restored.port}", "-w", "-t", "60", "start")
        except RuntimeError as e:
            raise AssertionError((restored.dir / "server.log").read_text()[-3000:]) from e
        deadline = time.monotonic() + 60
        while True:
            with psycopg.connect(restored.dsn("postgres"), autocommit=True) as c:
                if not c.execute("SELECT pg_is_in_recovery()").fetchone()[0]:  # type: ignore[index]
                    break
            assert time.monotonic() < deadline, (restored.dir / "server.log").read_text()[-2000:]
            time.sleep(0.2)
        url2 = restored.url("kesco")
        assert _count(url2) == 35  # first + second, not third

        with LiveServer(url2) as srv:
            status = httpx.get(f"{srv.api}/counters/K07/status", headers={"Authorization": f"Bearer {token}"},
                               timeout=30).json()
            assert status["high_water_seq"] == 35  # the counter sees this and queues 36..45 again
            assert set(_push(srv.api, "K07", token, [wire(r) for r in third])) == {"accepted"}
            assert set(_push(srv.api, "K07", token, [wire(r) for r in [*first, *second]])) == {"duplicate"}
        assert _count(url2) == 45
    finally:
        pg.stop()
        if restored is not None:
            restored.stop()
        shutil.rmtree(work, ignore_errors=True)
