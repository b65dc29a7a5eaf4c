"""`counter-app recover --from-server`: rebuild a lost ledger on a new or restored PC from what the
central server holds of this counter (GET .../records/export), plus what a backup or the mirror
holds beyond it (receipts not yet synced), so the counter goes on numbering where it stopped
instead of being enrolled under a new counter code.

Everything is fetched (page by page into a staging file, so memory stays at one page: see
recover_stage.py) and checked before anything is written: every receipt is this counter's,
its hash matches its content, the chain links from genesis without a gap up to the last receipt,
the server's own chain head agrees, and every page the server announced arrived. A backup or
mirror must agree with the server where both hold a receipt and must link on from the server's
head. Any failure refuses the whole recovery with a message key, and the ledger is unchanged."""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app.domain.chain import verify_chain
from counter_app.domain.errors import CounterError
from counter_app.ops.mirror_restore import JournalCheck, _good_frames, apply_record, find_journal
from counter_app.ops.recover_stage import Stage
from counter_app.services.clock import iso, system_clock
from counter_app.storage import receipts as receipts_repo
from counter_app.storage.db import raw
from counter_app.storage.dbfile import connect_read_only
from counter_app.storage.mirror import SHIFT_COLS, USER_COLS
from counter_app.storage.store import Store, get_meta, set_kv
from kesco_protocol.records import Receipt, RecordKind

log = logging.getLogger(__name__)

PAGE = 500  # receipts a request: parsed, one page is about 1.5 MB of Python objects
# where a record's own time is, for the outbox order of records the server sent back
_TIME_FIELD: dict[str, str] = {RecordKind.VOID: "voided_at", RecordKind.DISHONOUR: "recorded_at",
               RecordKind.SHIFT_CLOSE: "closed_at", RecordKind.DAY_CLOSE: "closed_at"}


class RecoverRefused(CounterError):
    key = "recover.refused"


@dataclass
class People:
    """Users and shifts from a backup or mirror (a few hundred rows a year: kept in memory)."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    shifts: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class RecoverResult:
    from_server_receipts: int
    from_server_records: int
    from_source_receipts: int
    from_source_records: int
    last_seq: int
    head_hash: str
    source: str | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _canonical(d: dict[str, Any]) -> str:
    from kesco_protocol.records import canonical_json

    return canonical_json(d)


def _time_of(kind: str, payload: dict[str, Any]) -> str:
    return str(payload.get(_TIME_FIELD.get(kind, "closed_at")) or payload.get("business_date") or "")


def fetch_server(client: Any, code: str, stage: Stage, page: int = PAGE) -> dict[str, Any]:
    """Every receipt and record the server holds for `code`, checked item by item and put into the
    staging file a page at a time; the server's status (max_seq, high_water_seq,
    chain_head_hash) from the last page."""
    status: dict[str, Any] = {}
    for part in ("receipts", "records"):
        after, total, got = 0, None, 0
        while True:
            ans = client.export_records(part, after, page)
            if ans.get("counter_code") != code or ans.get("part") != part:
                raise RecoverRefused("recover.wrong_counter", found=str(ans.get("counter_code"))[:16], counter=code)
            items = ans.get("items")
            if not isinstance(items, list):
                raise RecoverRefused("recover.incomplete", detail="an answer without items")
            total = int(ans.get("total") or 0)
            for it in items:
                _take(stage, part, it, code)
            got += len(items)
            status = {k: v for k, v in ans.items() if k != "items"}
            if not ans.get("more"):
                break
            if not items or int(ans["next_after"]) <= after:
                raise RecoverRefused("recover.incomplete", detail=f"{part}: the pages stopped at {after}")
            after = int(ans["next_after"])
            del ans, items  # let this page go before the next one is read (else two are held)
        if got != total:
            raise RecoverRefused("recover.incomplete", detail=f"{part}: {got} of {total} arrived")
    return status


def _take(stage: Stage, part: str, it: dict[str, Any], code: str) -> None:
    payload = it.get("payload")
    if not isinstance(payload, dict) or payload.get("counter_code") != code:
        raise RecoverRefused("recover.wrong_counter", found=str((payload or {}).get("counter_code"))[:16]
                             if isinstance(payload, dict) else "?", counter=code)
    state = "parked" if it.get("parked_reason") else "synced"
    if part == "receipts":
        try:
            r = Receipt.from_wire(payload)
        except (ValueError, KeyError, TypeError) as e:
            raise RecoverRefused("recover.tampered", seq=it.get("seq"), detail=str(e)[:200]) from None
        if r.seq != it.get("seq") or r.receipt_id != it.get("record_id") or \
                not stage.add_receipt(r, _canonical(r.wire()), r.issued_at, state):
            raise RecoverRefused("recover.tampered", seq=it.get("seq"), detail="sequence or id does not match")
    else:
        kind = str(it.get("kind"))
        stage.add_record(kind, str(it.get("record_id")), _canonical(payload), _time_of(kind, payload), state)


def read_source(path: Path, code: str, stage: Stage) -> tuple[People, str]:
    """What a backup file (.sqlite3) or a mirror folder holds: every record into the staging file,
    all marked pending (the server answers duplicate for any it has after all); users and shifts."""
    people = People()
    if path.is_dir():
        journal = find_journal(path, code)
        check = JournalCheck(journal)
        for frame in _good_frames(journal, check):
            t = frame.get("t")
            if t == "user":
                people.users[frame["user"]["username"]] = {k: frame["user"][k] for k in USER_COLS}
            elif t == "shift":
                old = people.shifts.get(frame["shift"]["shift_id"])
                if old is None or old["closed_at"] is None:
                    people.shifts[frame["shift"]["shift_id"]] = {k: frame["shift"][k] for k in SHIFT_COLS}
            elif t == "record":
                _source_record(stage, frame["kind"], frame["record_id"], frame["payload"], frame["created_at"])
        if check.counter_code not in (None, code):
            raise RecoverRefused("recover.wrong_counter", found=str(check.counter_code), counter=code)
        return people, f"mirror:{journal}"
    con = connect_read_only(path)
    try:
        found = con.execute("SELECT value FROM meta WHERE key = 'counter_code'").fetchone()
        if found is None or found[0] != code:
            raise RecoverRefused("recover.wrong_counter", found=str(found[0] if found else None), counter=code)
        for row in con.execute(f"SELECT {', '.join(USER_COLS)} FROM users"):
            people.users[row[0]] = dict(zip(USER_COLS, row, strict=True))
        for row in con.execute(f"SELECT {', '.join(SHIFT_COLS)} FROM shifts"):
            people.shifts[row[0]] = dict(zip(SHIFT_COLS, row, strict=True))
        for kind, rid, payload, created in con.execute(
                "SELECT kind, record_id, payload, created_at FROM outbox ORDER BY outbox_id"):
            _source_record(stage, kind, rid, payload, created)
    except sqlite3.DatabaseError as e:
        raise RecoverRefused("recover.source_unreadable", path=str(path), detail=str(e)) from None
    finally:
        con.close()
    return people, f"backup:{path}"


def _source_record(stage: Stage, kind: str, rid: str, payload: str, created: str) -> None:
    if kind == RecordKind.RECEIPT:
        stage.add_receipt(Receipt.from_wire(json.loads(payload)), payload, created, "pending", source=True)
    else:
        stage.add_record(kind, rid, payload, created, "pending", source=True)


def merge(stage: Stage, status: dict[str, Any], source: bool) -> None:
    """The server's copy, checked from genesis, with what the source adds beyond it: both walks of
    the chain read the staging file one receipt at a time."""
    hw = int(status.get("high_water_seq") or 0)
    report = verify_chain(stage.receipts(upto=hw))
    if report.gaps or (report.ok and report.checked != hw):
        raise RecoverRefused("recover.incomplete", detail=f"receipts missing below the server's high-water mark {hw}")
    if not report.ok:
        raise RecoverRefused("recover.tampered", seq=report.broken_at_seq or report.checked + 1,
                             detail=report.reason or "receipts missing below the server's high-water mark")
    if hw and report.head_hash != status.get("chain_head_hash"):
        raise RecoverRefused("recover.tampered", seq=hw, detail="the chain head does not match the server's")
    if source:
        disagree = stage.merge_source()
        if disagree is not None:
            raise RecoverRefused("recover.source_disagrees", seq=disagree)
    # the whole chain, server's and source's together, from genesis: no gap, no broken link
    whole = verify_chain(stage.receipts())
    if not whole.ok:
        raise RecoverRefused("recover.incomplete", detail=f"receipt {whole.broken_at_seq}: {whole.reason}; "
                             "give the backup or mirror that holds the receipts not yet synced")
    if stage.head()[0] < int(status.get("max_seq") or 0):
        raise RecoverRefused("recover.incomplete", detail="the server announced receipts it did not send")


def recover(store: Store, client: Any, *, source: Path | None = None, now: datetime | None = None) -> RecoverResult:
    """Rebuild the empty ledger of `store` (enrolled with its counter code) from the server and
    `source` (a backup file or a mirror folder). Refused, with nothing changed, on any doubt: all
    is fetched into a staging file beside the ledger and verified there before the ledger is
    written, in one transaction."""
    now = now or system_clock()
    with store.db.read() as conn:
        code = get_meta(conn, "counter_code")
        held = int(conn.exec_driver_sql("SELECT COUNT(*) FROM outbox").scalar() or 0)
    if not code:
        raise RecoverRefused("recover.not_enrolled")
    if held:
        raise RecoverRefused("recover.target_not_empty", count=held)
    with Stage(Path(store.db.path).parent) as stage:
        status = fetch_server(client, code, stage)
        people, src_name = read_source(Path(source), code, stage) if source is not None else (People(), None)
        merge(stage, status, source is not None)
        _add_missing_shifts(stage, people)
        return _write(store, stage, people, code, src_name, now)


def _write(store: Store, stage: Stage, people: People, code: str, src_name: str | None,
           now: datetime) -> RecoverResult:
    with store.db.write() as conn:
        con = raw(conn)
        for u in people.users.values():
            con.execute(f"INSERT INTO users ({', '.join(USER_COLS)}) VALUES ({', '.join('?' for _ in USER_COLS)}) "
                        "ON CONFLICT(username) DO NOTHING", tuple(u[k] for k in USER_COLS))
        for s in people.shifts.values():
            con.execute(f"INSERT INTO shifts ({', '.join(SHIFT_COLS)}) VALUES ({', '.join('?' for _ in SHIFT_COLS)})",
                        tuple(s[k] for k in SHIFT_COLS))
        kept_only: dict[str, int] = {}
        for kind, record_id, payload, created_at, state in stage.in_outbox_order():
            apply_record(conn, kind, payload, kept_only)
            con.execute("INSERT INTO outbox (record_id, kind, payload, created_at, state, server_detail) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (record_id, kind, payload, created_at or iso(now), state,
                         "recovered from the server" if state != "pending" else "recovered from " + str(src_name)))
        set_kv(conn, "recovered_at", iso(now))
        last, head = stage.head()
        result = RecoverResult(
            stage.count("receipts", pending=False), stage.count("records", pending=False),
            stage.count("receipts", pending=True), stage.count("records", pending=True), last, head, src_name)
        receipts_repo.audit(conn, iso(now), "it", "recover_from_server", code, result.to_dict())
    log.warning("recovered the ledger of %s: %s", code, result.to_dict())
    return result


def _add_missing_shifts(stage: Stage, people: People) -> None:
    """A shift the receipts name but no source described (the server alone knows no shifts): made
    from its receipts and its shift close, closed when the close is there, else left open."""
    closes = {d["shift_id"]: d for d in stage.shift_closes()}
    for shift_id, counter_code, clerk, business_date, issued_at in stage.first_receipt_of_each_shift():
        if shift_id in people.shifts:
            continue
        sc = closes.get(shift_id, {})
        people.shifts[shift_id] = {"shift_id": shift_id, "counter_code": counter_code, "clerk": clerk,
                                   "business_date": business_date, "opened_at": issued_at,
                                   "opening_float_paise": int(sc.get("opening_float_paise", 0)),
                                   "closed_at": sc.get("closed_at")}
    for shift_id, sc in closes.items():  # a shift without a receipt
        if shift_id not in people.shifts:
            people.shifts[shift_id] = {"shift_id": shift_id, "counter_code": sc["counter_code"], "clerk": sc["clerk"],
                                       "business_date": sc["business_date"], "opened_at": sc["closed_at"],
                                       "opening_float_paise": int(sc.get("opening_float_paise", 0)),
                                       "closed_at": sc["closed_at"]}
