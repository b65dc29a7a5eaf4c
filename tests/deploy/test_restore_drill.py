"""The restore drill of docs/DEPLOY.md on PostgreSQL: the server is restored from a `pg_dump`
taken earlier while counters go on collecting and trying to sync; after the restart every
receipt is on the server exactly once (the counters re-send what the restored server lost,
seeing its high-water mark below what they had marked synced)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from central_server import db as sdb
from central_server import ops_state
from central_server.config import Settings
from central_server.models import alarms, receipts
from tests.support.live_server import LiveServer, free_port
from tests.support.pg import PostgresServer
from tests.sync.harness import LiveEnv

REPO = Path(__file__).resolve().parents[2]


def _pg(pg: PostgresServer, tool: str, *args: str) -> None:
    cmd = [str(pg.bindir / tool), "-h", pg.socket_dir, "-p", str(pg.port), "-U", "postgres", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def _backup(pg: PostgresServer, name: str, url: str, backup_dir: Path) -> Path:
    env = {**os.environ, "PATH": f"{pg.bindir}:{os.environ['PATH']}", "PGHOST": pg.socket_dir,
           "PGPORT": str(pg.port), "PGUSER": "postgres", "PGDATABASE": name, "BACKUP_DIR": str(backup_dir),
           "CENTRAL_SERVER": f"{sys.executable} -m central_server", "CENTRAL_DATABASE_URL": url,
           "PYTHONPATH": str(REPO)}
    done = subprocess.run(["sh", str(REPO / "deploy" / "backup" / "kesco-backup.sh")], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    dumps = list(backup_dir.glob("kesco-*.dump"))
    assert len(dumps) == 1 and not list(backup_dir.glob("*.part")), dumps
    with sdb.read_tx(sdb.make_engine(Settings(database_url=url))) as conn:
        last = ops_state.last_backup(conn)
    assert last is not None and dumps[0].name in last["note"]
    return dumps[0]


def test_restore_from_an_older_dump_while_counters_keep_collecting(pg_server: PostgresServer, tmp_path: Path) -> None:
    name = "restore_drill"
    url = pg_server.create_database(name)
    env = LiveEnv(tmp_path, url).start(consumers=300)
    assert env.server is not None
    env.server.stop()
    # the server as production runs it: two workers, a fixed address the counters keep
    port = free_port()
    env.server = LiveServer(url, subprocess=True, workers=2, port=port).start()
    try:
        ks = [env.counter(code) for code in ("K01", "K02", "K03")]
        for k in ks:
            k.issue(20)
            assert k.engine.drain().pending == 0
        # the nightly backup job (deploy/backup/kesco-backup.sh), which records itself for HQ
        dump = _backup(pg_server, name, url, tmp_path / "backups")
        for k in ks:  # after the backup: these receipts exist only in the live database
            k.issue(15)
            assert k.engine.drain().pending == 0

        # the database is lost; stop the server, restore the dump, start again
        env.server.stop()
        env.server_engine.dispose()
        for k in ks:  # the counters go on collecting and trying to sync meanwhile
            k.issue(5)
            assert k.engine.run_once(force=True).pending == 5
        pg_server.drop_database(name)
        _pg(pg_server, "createdb", name)
        _pg(pg_server, "pg_restore", "--exit-on-error", "--no-owner", f"--dbname={name}", str(dump))
        with sdb.read_tx(env.server_engine) as conn:
            assert conn.execute(select(func.count()).select_from(receipts)).scalar_one() == 60  # the older state
        env.server = LiveServer(url, subprocess=True, workers=2, port=port).start()

        for k in ks:
            k.issue(3)  # and some more after the restart
            st = k.engine.drain()
            assert st.pending == 0 and st.last_error is None, st.last_error
            env.check_delivered(k)
        with sdb.read_tx(env.server_engine) as conn:
            per = {c: n for c, n in conn.execute(select(receipts.c.counter_code, func.count())
                                                 .group_by(receipts.c.counter_code))}
            dup = conn.execute(select(func.count()).select_from(
                select(receipts.c.counter_code, receipts.c.seq).group_by(receipts.c.counter_code, receipts.c.seq)
                .having(func.count() > 1).subquery())).scalar_one()
            open_alarms = conn.execute(select(func.count()).select_from(alarms)).scalar_one()
        assert per == {"K01": 43, "K02": 43, "K03": 43}  # 20 + 15 + 5 + 3 each, once
        assert dup == 0 and open_alarms == 0
    finally:
        env.stop()
