"""First-run setup against the real central server on loopback (token to a token store, never to
a file), and a restore followed by a re-sync that stores nothing twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from central_server import db as server_db
from central_server.config import Settings
from central_server.models import alarms, receipts, records
from counter_app.app import open_application
from counter_app.config import Config
from counter_app.domain.errors import ValidationError
from counter_app.ops.backup import make_backup
from counter_app.ops.restore import restore
from counter_app.ops.setup import apply_setup, needs_setup
from counter_app.sync.keyring_store import MemoryTokenStore
from counter_app.sync.setup import make_engine
from kesco_demo.load import load_demo_consumers
from tests.conftest import CLERK
from tests.ops.conftest import issue, receipt_rows
from tests.support.live_server import LiveServer, register_counter


@pytest.fixture
def server(tmp_path):
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    with LiveServer(url) as srv:
        srv.database_url = url
        yield srv


def _server_counts(database_url: str, code: str) -> dict[str, int]:
    engine = server_db.make_engine(Settings(database_url=database_url))
    try:
        with server_db.read_tx(engine) as conn:
            def n(table, col):
                return int(conn.execute(select(func.count()).select_from(table).where(col == code)).scalar_one())

            return {"receipts": n(receipts, receipts.c.counter_code), "records": n(records, records.c.counter_code),
                    "alarms": int(conn.execute(select(func.count()).select_from(alarms)).scalar_one())}
    finally:
        engine.dispose()


def _set_up(d: Path, server, tokens: MemoryTokenStore, code: str = "K07") -> None:
    enrollment = register_counter(server.database_url, code)
    result = apply_setup(d, code, server.url, enrollment, counter_name="Kidwai Nagar", tokens=tokens)
    assert result.enrolled and result.counter_code == code
    with open_application(d) as c:
        c.service.add_user(CLERK[0], "Clerk", "clerk", CLERK[1])
        load_demo_consumers(c.store, 200)


def _sync(d: Path, tokens: MemoryTokenStore) -> None:
    with open_application(d) as c:
        st = make_engine(c, tokens=tokens, pull=False).drain()
        assert st.last_error is None and st.pending == 0, st


def test_setup_enrols_and_keeps_the_token_out_of_files(tmp_path, server):
    d = tmp_path / "counter"
    assert needs_setup(d)
    tokens = MemoryTokenStore()
    _set_up(d, server, tokens)
    assert not needs_setup(d)
    cfg = Config.load(d)
    assert (cfg.counter_code, cfg.counter_name, cfg.server_url) == ("K07", "Kidwai Nagar", server.url)
    token = tokens.get(server.url, "K07")
    assert token
    for f in d.rglob("*"):
        if f.is_file() and f.suffix in (".toml", ".log", ".json"):
            assert token not in f.read_text(encoding="utf-8", errors="replace"), f


def test_setup_refuses_bad_input_before_spending_the_code(tmp_path, server):
    d = tmp_path / "counter"
    tokens = MemoryTokenStore()
    enrollment = register_counter(server.database_url, "K07")
    for code, url, enrol, key in [
        ("k 07!", server.url, enrollment, "counter.bad_code"),
        ("K07", "ftp://kesco", enrollment, "ops.bad_server_url"),
        ("K07", "http://counters.kesco.example", enrollment, "ops.bad_server_url"),  # token in clear text
        ("K07", server.url, "  ", "ops.enrollment_code_required"),
    ]:
        with pytest.raises(ValidationError) as e:
            apply_setup(d, code, url, enrol, tokens=tokens)
        assert e.value.key == key
    assert tokens.get(server.url, "K07") is None
    # the code was not spent: it still enrols
    apply_setup(d, "K07", server.url, enrollment, tokens=tokens)
    assert tokens.get(server.url, "K07")


def test_restore_then_resync_stores_nothing_twice(tmp_path, server):
    d = tmp_path / "counter"
    tokens = MemoryTokenStore()
    _set_up(d, server, tokens)
    with open_application(d) as c:
        issue(c, 4)
    _sync(d, tokens)                               # 1-4 on the server
    with open_application(d) as c:
        issue(c, 3, start=10)                      # 5-7 pending
        bk = make_backup(c.store.path, tmp_path / "bk")
    assert bk.outbox_pending > 0
    _sync(d, tokens)                               # 5-7 reach the server after the backup was taken
    with open_application(d) as c:
        issue(c, 2, start=20)                      # 8-9 ...
    _sync(d, tokens)                               # ... acknowledged too, then the disk fails
    before = _server_counts(server.database_url, "K07")
    assert before["receipts"] == 9

    result = restore(d, Path(bk.path))             # allowed: everything missing is on the server
    assert [r["seq"] for r in result.plan.acknowledged_missing if r["kind"] == "receipt"] == [8, 9]
    assert [r[0] for r in receipt_rows(d / "counter.sqlite3")] == list(range(1, 8))
    _sync(d, tokens)                               # the backup's pending 5-7 go again
    after = _server_counts(server.database_url, "K07")
    assert after == before                         # answered 'duplicate': nothing stored twice
    with open_application(d) as c:
        from counter_app.storage import outbox

        with c.store.db.read() as conn:
            assert outbox.summary(conn).by_state().get("pending", 0) == 0
    # and the doctor warns IT that numbers 8-9 exist on the server, not here
    from counter_app.ops.doctor import run_doctor

    behind = [f for f in run_doctor(d, server=False) if f.key == "doctor.restored_behind"]
    assert behind and behind[0].params == {"local": 7, "server": 9}
