"""A throwaway PostgreSQL server for tests and benchmarks: initdb + pg_ctl into a temporary
directory, listening only on a unix socket in that directory (no TCP port, nothing shared).

    from tests.support.pg import PostgresServer

    with PostgresServer() as pg:               # ~2 s: initdb, start
        url = pg.create_database("t1")         # SQLAlchemy URL (postgresql+psycopg, unix socket)
        ...                                    # server stopped and directory removed on exit

Binaries: $PG_BIN, else the newest /usr/lib/postgresql/*/bin, else `pg_config --bindir`, else
PATH. initdb refuses to run as root, so as root the commands run as the `postgres` user (made
by Debian's package) via runuser. `pg_binaries_or_skip()` is for pytest: when the binaries are
missing it fails under CI=true (CI must run these tests) and skips with a loud reason elsewhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import psycopg

# Durability is not what tests measure; these make a test cluster several times faster.
FAST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def find_pg_bin() -> Path | None:
    candidates: list[Path] = []
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                         key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    if shutil.which("initdb"):
        candidates.append(Path(shutil.which("initdb") or "").parent)
    for c in candidates:
        if (c / "initdb").exists() and (c / "pg_ctl").exists():
            return c
    return None


def pg_binaries_or_skip() -> Path:
    """For tests: the binaries, or a loud skip (a failure when CI=true)."""
    import pytest

    found = find_pg_bin()
    if found is None:
        msg = ("PostgreSQL server binaries (initdb, pg_ctl) not found: PostgreSQL tests NOT RUN. "
               "Install postgresql (apt-get install postgresql) or set PG_BIN.")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    return found


class PostgresServer:
    """One private PostgreSQL cluster. Use as a context manager, or start()/stop()."""

    def __init__(self, *, bindir: Path | None = None, fast: bool = True, settings: dict[str, str] | None = None,
                 port: int = 5432) -> None:
        found = bindir or find_pg_bin()
        if found is None:
            raise RuntimeError("PostgreSQL server binaries not found (set PG_BIN)")
        self.bindir = found
        self.port = port
        self.settings = {"max_connections": "200", "shared_buffers": "128MB", "listen_addresses": "''",
                         **(FAST_SETTINGS if fast else {}), **(settings or {})}
        self.dir: Path | None = None
        self._user = "postgres" if os.geteuid() == 0 else None

    # --- paths and URLs ---
    @property
    def socket_dir(self) -> str:
        assert self.dir is not None, "not started"
        return str(self.dir)

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL of a database of this server (psycopg 3, unix socket)."""
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def dsn(self, database: str = "postgres") -> str:
        """libpq connection string, for psycopg.connect()."""
        return f"host={self.socket_dir} port={self.port} user=postgres dbname={database}"

    # --- life cycle ---
    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._user:
            cmd = ["runuser", "-u", self._user, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")

    def start(self) -> PostgresServer:
        # short path: a unix socket path must stay under ~100 characters
        self.dir = Path(tempfile.mkdtemp(prefix="kpg-", dir="/tmp"))
        if self._user:
            shutil.chown(self.dir, self._user, self._user)
        data = self.dir / "data"
        self._run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync",
                  "--locale=C")
        opts = " ".join(f"-c {k}={v}" for k, v in self.settings.items())
        opts += f" -k {self.dir} -p {self.port}"
        self._run("pg_ctl", "-D", str(data), "-l", str(self.dir / "server.log"), "-o", opts, "-w", "-t", "60",
                  "start")
        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(self.dsn(), connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        return self

    def create_database(self, name: str) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.dir is None:
            return
        try:
            self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop")
        except RuntimeError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
