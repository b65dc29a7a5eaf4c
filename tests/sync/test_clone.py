"""Two PCs with one counter code (issue 11 item 13): a copy of a counter's data folder (a cloned
disk, or a restore onto another PC), with its token, against the real server on loopback. The
server notices the copy at its first request, raises one alarm, keeps accepting the enrolled PC,
holds what the copy sent, and a person's `resolve-clone` posts every rupee of it."""

from __future__ import annotations

import json
import random
import shutil

from sqlalchemy import select

from central_server import cli as server_cli
from central_server import db as sdb
from central_server import installations
from central_server.models import alarms, consumers, suspense_records
from counter_app.app import open_application
from counter_app.ops.doctor import run_doctor
from counter_app.sync.engine import SyncEngine
from counter_app.sync.setup import make_client
from counter_app.sync.state import Link
from tests.sync.harness import Clock, CounterUnderTest


def _open(env, code, path, machine=None):
    for f in path.glob("counter.lock"):
        f.unlink()
    c = open_application(path, clock=Clock())
    client = make_client(c, tokens=env.tokens, timeouts=(1.0, 3.0), machine=machine)
    k = CounterUnderTest(code, c, SyncEngine(c, client, pull=False, poll_s=0.2), random.Random(str(path)), env.accounts)
    env.counters.append(k)
    return k


def _clone(env, k):
    """Copy the counter's whole data folder to another PC (its machine id differs): the token
    store comes along too (the worst case: a cloned disk with its credential store)."""
    k.engine.stop()
    k.counter.close()
    env.counters.remove(k)
    src = k.counter.data_dir
    dst = src.with_name(src.name + "-clone")
    shutil.copytree(src, dst)
    return _open(env, k.code, src), _open(env, k.code, dst, machine="another-pc")


def _balances(env, accounts):
    with sdb.read_tx(env.server_engine) as conn:
        return dict(conn.execute(select(consumers.c.account_no, consumers.c.balance_paise)
                                 .where(consumers.c.account_no.in_(accounts))).all())


def _findings(path):
    return {f.key: f for f in run_doctor(path, server=False)}


def test_a_copied_counter_is_refused_at_its_first_request_and_its_money_kept(sqlite_env):
    env = sqlite_env
    k = env.counter("K07")
    k.issue(3)
    k.engine.drain()
    env.check_delivered(k)

    genuine, clone = _clone(env, k)
    from_clone = clone.issue(2)      # the same receipt numbers the genuine PC will also use
    st = clone.engine.drain()
    assert st.link is Link.AUTH_ERROR and st.last_error is not None and st.last_error.kind == "installation"
    clone.engine.sync_now()
    clone.engine.drain()             # trying again raises no second alarm
    with sdb.read_tx(env.server_engine) as conn:
        raised = conn.execute(select(alarms.c.kind, alarms.c.detail).where(alarms.c.counter_code == "K07")).all()
        held = conn.execute(select(suspense_records.c.record_id, suspense_records.c.installation_id)).all()
    assert [a.kind for a in raised] == ["second_installation"]
    assert "two PCs use counter K07" in json.loads(raised[0].detail)["reason"]
    assert {h.record_id for h in held} == {r.receipt_id for r in from_clone}
    states = env.views(clone)[0].states
    assert all(states[r.receipt_id] == "pending" for r in from_clone)  # and kept at the clone too

    # the enrolled PC is not hindered: its own receipts 4 and 5 are accepted, nothing collides
    genuine.issue(2)
    st = genuine.engine.drain()
    assert st.link is Link.ONLINE and st.last_error is None
    local, server = env.views(genuine)
    assert set(server.receipts) == set(local.receipts) and set(local.states.values()) == {"synced"}
    assert [a["kind"] for a in server.alarms] == ["second_installation"]  # no conflict, ever

    # the clone's doctor says what happened (not a restore); the genuine one is fine
    found = _findings(clone.counter.data_dir)
    assert found["doctor.not_enrolled_installation"].status == "fail"
    assert "doctor.restored_behind" not in found
    assert found["doctor.not_enrolled_installation"].params["counter"] == "K07"
    assert _findings(genuine.counter.data_dir)["doctor.installation_ok"].status == "ok"

    # a person decides: every rupee the clone collected reaches the consumers' balances once
    accounts = [r.account_no for r in from_clone]
    before = _balances(env, accounts)
    other = held[0].installation_id
    argv = ["counters", "resolve-clone", "K07", "--installation", other, "--by", "accounts1",
            "--database-url", env.database_url]
    assert server_cli.main(argv) == 0
    after = _balances(env, accounts)
    for acct in set(accounts):
        paid = sum(r.amount_paise for r in from_clone if r.account_no == acct)
        assert before[acct] - after[acct] == paid
    with sdb.read_tx(env.server_engine) as conn:
        assert {r.receipt_id for r in installations.released_receipts(conn, "K07")} == {r.receipt_id for r in from_clone}
        assert conn.execute(select(alarms.c.resolved_at).where(alarms.c.kind == "second_installation")).scalar_one()
    assert server_cli.main(argv) == 1  # released once only


def test_the_enrolled_pc_reopened_in_its_own_folder_is_still_itself(sqlite_env):
    """Negative control: closing and reopening the counter (a restart, a restore onto the same
    PC and folder) presents the same installation and is accepted."""
    env = sqlite_env
    k = env.counter("K08")
    k.issue(2)
    k.engine.drain()
    k.engine.stop()
    k.counter.close()
    env.counters.remove(k)
    again = _open(env, "K08", k.counter.data_dir)
    again.issue(2)
    st = again.engine.drain()
    assert st.link is Link.ONLINE and st.last_error is None
    env.check_delivered(again)
    with sdb.read_tx(env.server_engine) as conn:
        assert not conn.execute(select(alarms.c.id).where(alarms.c.kind == "second_installation")).all()
