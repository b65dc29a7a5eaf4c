"""What "exactly once, nothing lost" means, checked against the real stores on both sides:
the counter's SQLite file and the central server's database (read with SQL, not through the API
under test). Used by the end-to-end, fault-proxy, simulation and month-end tests.

    local = LocalView.read(counter)
    server = ServerView.read(server_engine, "K07")
    check_safe(local, server)        # at any moment: nothing foreign/duplicated on the server
    check_consistent(local, server)  # after a successful sync: what the counter marked is there
    check_delivered(local, server)   # at the end: both sides hold the same receipts
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select, text

from central_server import counters as counters_mod
from central_server import db
from central_server.models import alarms, receipts, records


class InvariantError(AssertionError):
    pass


@dataclass
class LocalView:
    code: str
    receipts: dict[str, tuple[int, int, str]]  # receipt_id -> (seq, amount, outbox payload)
    states: dict[str, str]  # record_id -> outbox state
    others: dict[str, str]  # non-receipt record_id -> outbox payload
    verify_ok: bool

    @classmethod
    def read(cls, counter: Any, verify: bool = True) -> LocalView:
        with counter.store.db.read() as conn:
            rows = conn.execute(text(
                "SELECT r.receipt_id, r.seq, r.amount_paise, o.payload FROM receipts r "
                "LEFT JOIN outbox o ON o.record_id = r.receipt_id")).all()
            states = dict(conn.execute(text("SELECT record_id, state FROM outbox")).all())
            others = dict(conn.execute(text("SELECT record_id, payload FROM outbox WHERE kind <> 'receipt'")).all())
        ok = counter.service.verify()["ok"] if verify else True
        return cls(counter.service.counter_code, {r[0]: (int(r[1]), int(r[2]), r[3]) for r in rows}, states,
                   others, ok)

    def seqs(self, *states: str) -> set[int]:
        return {seq for rid, (seq, _, _) in self.receipts.items() if not states or self.states.get(rid) in states}

    @property
    def total(self) -> int:
        return sum(a for _, a, _ in self.receipts.values())


@dataclass
class ServerView:
    code: str
    receipts: dict[str, tuple[int, int, str]]  # receipt_id -> (seq, amount, payload as stored)
    others: dict[str, str]
    alarms: list[dict[str, Any]]
    status: dict[str, Any]

    @classmethod
    def read(cls, engine: Engine, code: str) -> ServerView:
        with db.read_tx(engine) as conn:
            rows = conn.execute(select(receipts.c.receipt_id, receipts.c.seq, receipts.c.amount_paise,
                                       receipts.c.payload).where(receipts.c.counter_code == code)).all()
            others = dict(conn.execute(select(records.c.record_id, records.c.payload)
                                       .where(records.c.counter_code == code)).all())
            al = [dict(r) for r in conn.execute(select(alarms.c.kind, alarms.c.record_id, alarms.c.seq, alarms.c.detail)
                                                .where(alarms.c.counter_code == code)).mappings()]
            st = counters_mod.status(conn, code)
        return cls(code, {r[0]: (int(r[1]), int(r[2]), r[3]) for r in rows}, others, al, st)

    @property
    def seqs(self) -> set[int]:
        return {seq for seq, _, _ in self.receipts.values()}

    def reported_missing(self, local_max: int) -> set[int]:
        """What the status API says is missing up to the counter's last receipt."""
        out: set[int] = set()
        for lo, hi in self.status["gaps"]:
            out.update(range(lo, hi + 1))
        out.update(range(self.status["max_seq"] + 1, local_max + 1))
        return out


def _same_payload(a: str, b: str) -> bool:
    return a == b or json.loads(a) == json.loads(b)


def check_safe(local: LocalView, server: ServerView) -> None:
    """True at every moment: every receipt on the server is one of the counter's, byte for byte,
    at its own sequence number; nothing the server holds is a second version of anything; the
    counter's own store is intact (every receipt has its outbox row, the chain verifies)."""
    problems: list[str] = []
    if not local.verify_ok:
        problems.append("the counter's own store fails verification")
    for rid, (seq, _amount, payload) in server.receipts.items():
        mine = local.receipts.get(rid)
        if mine is None:
            problems.append(f"server holds receipt {rid} (seq {seq}) that the counter never issued: duplicated")
        elif mine[0] != seq or not _same_payload(mine[2], payload):
            problems.append(f"server's receipt {rid} differs from the counter's")
    for rid, payload in server.others.items():
        mine_p = local.others.get(rid)
        if mine_p is None or not _same_payload(mine_p, payload):
            problems.append(f"server holds record {rid} that the counter does not have as such")
    if server.alarms:
        problems.append(f"server raised alarms: {server.alarms[:3]}")
    if any(payload is None for _, _, payload in local.receipts.values()):
        problems.append("a receipt has no outbox row")
    if problems:
        raise InvariantError("; ".join(problems[:10]))


def check_consistent(local: LocalView, server: ServerView) -> None:
    """After a sync that ended well: what the counter marked delivered is on the server, what the
    server lacks is still queued here, and the server's reported gaps are exactly what it lacks."""
    check_safe(local, server)
    local_max = max(local.seqs(), default=0)
    have = server.seqs
    marked = local.seqs("synced", "parked")
    if not marked <= have:
        raise InvariantError(f"counter marked seqs {sorted(marked - have)[:10]} delivered; the server lacks them")
    missing = set(range(1, local_max + 1)) - have
    pending = local.seqs("pending")
    if not missing <= pending:
        raise InvariantError(f"server lacks seqs {sorted(missing - pending)[:10]} that the counter no longer queues")
    reported = server.reported_missing(local_max)
    if reported != missing:
        raise InvariantError(f"server reports gaps {sorted(reported)[:10]} but lacks {sorted(missing)[:10]}")


def check_delivered(local: LocalView, server: ServerView) -> None:
    """The end state: both sides hold exactly the same receipts and records, every outbox row is
    synced, and the server's count, total and high-water mark equal the counter's."""
    check_consistent(local, server)
    problems = []
    if set(server.receipts) != set(local.receipts):
        problems.append(f"server has {len(server.receipts)} receipts, counter {len(local.receipts)}")
    if set(server.others) != set(local.others):
        problems.append(f"server has {len(server.others)} other records, counter {len(local.others)}")
    not_synced = {s for s in local.states.values() if s not in ("synced", "parked")}
    if not_synced:
        problems.append(f"outbox states left: {sorted(not_synced)}")
    st = server.status
    local_max = max(local.seqs(), default=0)
    if (st["receipts"], st["total_paise"], st["high_water_seq"], st["gaps"]) != (
            len(local.receipts), local.total, local_max, []):
        problems.append(f"server status {st['receipts']}/{st['total_paise']}/hw {st['high_water_seq']}/"
                        f"gaps {st['gaps']} vs counter {len(local.receipts)}/{local.total}/{local_max}")
    if problems:
        raise InvariantError("; ".join(problems))
