"""`central-server master import`: a full consumer master or a bills delta from the billing
system, applied set-based in one write transaction or not at all.

The file is streamed into a temporary staging table first (its own transaction, which on SQLite
holds no lock on the database, so counters keep syncing while a big file is parsed); the merge
then runs as a few statements: changed rows updated and stamped with one new master version (so
the changes feed carries exactly them to the counters), new ones inserted, absent ones closed
(full load), bills kept in billing_bills. A consumer's balance is the billed outstanding less
every posting we hold with a value date after the bill's cut-off (docs/INTEGRATION.md)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.exc import DBAPIError

from central_server import db
from central_server.billing import import_run
from central_server.billing.import_run import DryRunRollback, ImportRefused, RejectsFile
from central_server.billing.mapping import Mapping
from central_server.billing.master_file import (
    STAGE_COLUMNS,
    Limits,
    MasterFile,
    Progress,
    Reject,
    Structural,
    file_digest,
)
from central_server.models import billing_loads

KINDS = ("full", "bills")


@dataclass
class LoadReport:
    kind: str
    outcome: str  # applied | dry_run | duplicate | refused
    file_sha256: str = ""
    file_bytes: int = 0
    load_id: int | None = None
    rows_read: int = 0
    rows_rejected: int = 0
    rows_new: int = 0
    rows_changed: int = 0
    rows_unchanged: int = 0
    rows_closed: int = 0
    bills_new: int = 0
    message: str = ""
    rejects_path: str | None = None
    rejects: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        return (f"{self.kind} load {self.outcome}: {self.rows_read} rows read, {self.rows_rejected} rejected, "
                f"{self.rows_new} new, {self.rows_changed} changed, {self.rows_unchanged} unchanged, "
                f"{self.rows_closed} closed, {self.bills_new} new bills" + (f". {self.message}" if self.message else ""))


class LoadRefused(ImportRefused):
    """Nothing was applied; the report says why (structural fault, too many closures)."""

    report: LoadReport


def import_master(engine: Engine, path: str | Path, mapping: Mapping, *, kind: str = "full", dry_run: bool = False,
                  force: bool = False, loaded_by: str | None = None, rejects_path: str | Path | None = None,
                  limits: Limits | None = None, progress: Progress | None = None) -> LoadReport:
    """Load one export; returns the report (outcome applied, dry_run or duplicate), raises
    LoadRefused when nothing could be applied. Every attempt is recorded in billing_loads."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    path = Path(path)
    limits = limits or Limits()
    started = datetime.now(UTC)
    by = import_run.loaded_by(loaded_by)
    rep = LoadReport(kind, "refused")
    rej_path = import_run.rejects_path(path, rejects_path)
    try:
        rep.file_sha256, rep.file_bytes = file_digest(path, limits)
    except (OSError, Structural) as e:
        rep.message = f"structural fault, nothing applied: {e}"
        _record(engine, rep, path, by, started)
        raise LoadRefused(rep) from None
    with db.read_tx(engine) as conn:
        prior = conn.execute(select(billing_loads.c.id, billing_loads.c.finished_at).where(
            billing_loads.c.file_sha256 == rep.file_sha256, billing_loads.c.kind == kind,
            billing_loads.c.outcome == "applied").order_by(billing_loads.c.id).limit(1)).first()
    if prior is not None:
        rep.outcome = "duplicate"
        rep.message = f"this file (SHA-256 {rep.file_sha256[:12]}…) was applied as load #{prior.id}; nothing changed"
        if not dry_run:
            _record(engine, rep, path, by, started)
        return rep
    src = MasterFile(path, mapping, kind, limits, progress)
    writer = RejectsFile(rej_path)
    try:
        with engine.connect() as conn:
            try:
                _stage(conn, src, writer)
                conn.execution_options(write=True)
                for attempt in range(3):
                    try:
                        _apply(conn, rep, mapping, kind, force, writer, dry_run, path, by, started, src)
                        break
                    except DBAPIError as e:
                        # PostgreSQL chose the load as a deadlock victim against a counter's
                        # balance update: the staged file is still there, merge it again
                        if getattr(e.orig, "sqlstate", None) not in ("40P01", "40001") or attempt == 2:
                            raise
            except DryRunRollback:
                pass
            finally:
                _drop_stage(conn)
    except Structural as e:
        rep.rows_read, rep.rows_rejected, rep.rejects = src.rows_read, src.rejected_rows, writer.count
        rep.outcome, rep.message = "refused", f"structural fault, nothing applied: {e}"
        writer.add(Reject(e.line or 0, e.column or "*", f"structural: {e.reason}"))
        writer.close()
        rep.rejects_path = str(rej_path)
        _record(engine, rep, path, by, started)
        raise LoadRefused(rep) from None
    except LoadRefused:
        writer.close()
        rep.rejects_path = str(rej_path) if writer.count else None
        _record(engine, rep, path, by, started)
        raise
    writer.close()
    rep.rejects_path = str(rej_path) if writer.count else None
    if rep.outcome == "dry_run":
        _record(engine, rep, path, by, started)
    return rep


def _apply(conn: Connection, rep: LoadReport, mapping: Mapping, kind: str, force: bool, writer: RejectsFile,
           dry_run: bool, path: Path, by: str, started: datetime, src: MasterFile) -> None:
    """The merge transaction: applied and recorded, or (dry run) rolled back by DryRunRollback."""
    with conn.begin():
        _merge(conn, rep, mapping, kind, force, writer)
        rep.rows_read, rep.rows_rejected = src.rows_read, src.rejected_rows + rep.details.get("late", 0)
        rep.rejects = writer.count
        if dry_run:
            rep.outcome = "dry_run"
            raise DryRunRollback
        rep.outcome = "applied"
        rep.load_id = _insert_load(conn, rep, path, by, started)
        _bills(conn, rep)
        conn.execute(update_load_bills(rep))


# --- staging ------------------------------------------------------------------------------------

_STAGE_TYPES = {"line": "INTEGER", "account_no": "VARCHAR(32) NOT NULL", "rejected": "BOOLEAN",
                "has_bill": "BOOLEAN", "bill_amount": "BIGINT", "arrears": "BIGINT", "amount_after_due": "BIGINT",
                "balance": "BIGINT"}


def _stage(conn: Connection, src: MasterFile, writer: RejectsFile, chunk: int = 20_000) -> None:
    """Parse the file into a temporary table (committed on its own: temp tables survive it)."""
    _drop_stage(conn)
    cols = ", ".join(f"{c} {_STAGE_TYPES.get(c, 'VARCHAR(400)')}" for c in STAGE_COLUMNS)
    with conn.begin():
        conn.exec_driver_sql(f"CREATE TEMP TABLE billing_stage ({cols})")
        sqlite = db.is_sqlite(conn)
        if not sqlite:  # COPY; the unique index comes after the load (cheaper than kept up during it)
            raw = conn.connection.driver_connection
            assert raw is not None
            with raw.cursor() as cur, cur.copy(f"COPY billing_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as cp:
                for rec in src.records():
                    if isinstance(rec, Reject):
                        writer.add(rec)
                    else:
                        cp.write_row(rec)
        else:
            _stage_sqlite(conn, src, writer, chunk)
        dup = conn.execute(text(
            "SELECT account_no, MIN(line), MAX(line) FROM billing_stage GROUP BY account_no HAVING COUNT(*) > 1 "
            "ORDER BY MIN(line) LIMIT 1")).first()
        if dup is not None:
            raise Structural(f"account {dup[0]} appears twice (lines {dup[1]} and {dup[2]})", int(dup[2]),
                             src.mapping.columns["account_no"])
        conn.exec_driver_sql("CREATE UNIQUE INDEX billing_stage_account ON billing_stage (account_no)")
        if not sqlite:
            # autovacuum never analyses a temporary table: without statistics the merge's joins
            # are planned for an empty table (nested loops over 5.3 lakh rows)
            conn.exec_driver_sql("ANALYZE billing_stage")


def _stage_sqlite(conn: Connection, src: MasterFile, writer: RejectsFile, chunk: int) -> None:
    sql = f"INSERT INTO billing_stage VALUES ({', '.join('?' * len(STAGE_COLUMNS))})"
    dbapi = conn.connection.driver_connection
    assert dbapi is not None

    def staged() -> Iterator[tuple[Any, ...]]:
        for rec in src.records():
            if isinstance(rec, Reject):
                writer.add(rec)  # as the rows come, so a rejects file is written in file order
            else:
                yield rec

    db.insert_in_chunks(dbapi, sql, staged(), chunk)


def _drop_stage(conn: Connection) -> None:
    if conn.in_transaction():
        conn.rollback()
    with conn.begin():
        for t in ("billing_stage", "billing_after"):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {t}")


# --- merge --------------------------------------------------------------------------------------

_BALANCE = "CASE WHEN s.has_bill THEN COALESCE(s.balance, s.bill_amount) - COALESCE(a.paid, 0) ELSE {old} END"
# the bill fields move only for a bill at least as new as the one held (a late old bill is history)
_NEWER = "(s.has_bill AND (c.last_bill_date IS NULL OR s.bill_date >= c.last_bill_date))"


def _new_values() -> dict[str, str]:
    """consumer column -> its value from the staged row s, the old row c and the after-cut-off sum a."""
    keep = {f: f"COALESCE(s.{f}, c.{f})" for f in ("name", "address", "locality", "category", "meter_no", "status")}
    return {
        **keep,
        "relation_name": "COALESCE(s.relation_name, c.relation_name)",
        "mobile": "CASE WHEN s.mobile IS NOT NULL THEN s.mobile ELSE c.mobile END",
        "last_bill_no": f"CASE WHEN {_NEWER} THEN s.bill_no ELSE c.last_bill_no END",
        "last_bill_date": f"CASE WHEN {_NEWER} THEN s.bill_date ELSE c.last_bill_date END",
        "last_bill_due_date": f"CASE WHEN {_NEWER} THEN s.due_date ELSE c.last_bill_due_date END",
        "last_bill_amount_paise": f"CASE WHEN {_NEWER} THEN s.bill_amount ELSE c.last_bill_amount_paise END",
        "arrears_paise": f"CASE WHEN {_NEWER} THEN s.arrears ELSE c.arrears_paise END",
        "balance_paise": f"CASE WHEN {_NEWER} THEN COALESCE(s.balance, s.bill_amount) - COALESCE(a.paid, 0) "
                         "ELSE c.balance_paise END",
    }


def _merge(conn: Connection, rep: LoadReport, mapping: Mapping, kind: str, force: bool, writer: RejectsFile) -> None:
    sqlite = db.is_sqlite(conn)
    distinct = "IS NOT" if sqlite else "IS DISTINCT FROM"
    if kind == "bills":
        # a bill for an account we do not hold needs the whole connection on its row
        late = conn.execute(text(
            "SELECT s.line, s.account_no FROM billing_stage s WHERE NOT s.rejected AND s.name IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM consumers c WHERE c.account_no = s.account_no) ORDER BY s.line")).all()
        for line, acct in late:
            writer.add(Reject(int(line), mapping.columns["account_no"],
                              "account not in the master, and the row does not carry its connection", acct))
        if late:
            conn.execute(text("UPDATE billing_stage SET rejected = TRUE WHERE NOT rejected AND name IS NULL "
                              "AND NOT EXISTS (SELECT 1 FROM consumers c WHERE c.account_no = billing_stage.account_no)"))
        rep.details["late"] = len(late)
    if kind == "full":
        total, closing = conn.execute(text(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM billing_stage s WHERE "
            "s.account_no = c.account_no) THEN 1 ELSE 0 END), 0) FROM consumers c WHERE c.status <> 'closed'")).one()
        share = closing / total if total else 0.0
        if share > mapping.max_close_share and not force:
            rep.outcome, rep.rows_closed = "refused", int(closing)
            rep.message = (f"refused: it would close {closing} of {total} open connections ({share:.1%}), above "
                           f"the limit of {mapping.max_close_share:.1%}; is the export truncated? Nothing applied "
                           "(--force applies it)")
            raise LoadRefused(rep)
    version = db.new_master_version(conn)
    conn.exec_driver_sql(
        "CREATE TEMP TABLE billing_after AS SELECT p.account_no AS account_no, SUM(p.amount_paise) AS paid "
        "FROM billing_postings p JOIN billing_stage s ON s.account_no = p.account_no "
        "WHERE s.has_bill AND NOT s.rejected AND p.value_date > s.payments_upto GROUP BY p.account_no")
    if not sqlite:
        conn.exec_driver_sql("ANALYZE billing_after")
    vals = _new_values()
    sets = ", ".join(f"{col} = {expr}" for col, expr in vals.items())
    differs = " OR ".join(f"({expr}) {distinct} c.{col}" for col, expr in vals.items())
    # `c` is the target row: in SET and WHERE it holds the values from before this statement
    upd = conn.execute(text(
        f"UPDATE consumers AS c SET {sets}, version = :ver "  # noqa: S608 - fixed text
        "FROM billing_stage s LEFT JOIN billing_after a ON a.account_no = s.account_no "
        f"WHERE c.account_no = s.account_no AND NOT s.rejected AND ({differs})"), {"ver": version})
    rep.rows_changed = int(upd.rowcount)
    fields = ("account_no", "name", "relation_name", "address", "locality", "category", "meter_no", "mobile",
              "status", "last_bill_no", "last_bill_date", "last_bill_due_date", "last_bill_amount_paise",
              "arrears_paise", "balance_paise", "last_payment_date", "last_payment_paise", "dishonoured_cheques",
              "version")
    ins = conn.execute(text(
        f"INSERT INTO consumers ({', '.join(fields)}) SELECT s.account_no, s.name, "  # noqa: S608 - fixed text
        "COALESCE(s.relation_name, ''), s.address, s.locality, s.category, s.meter_no, s.mobile, s.status, "
        "s.bill_no, s.bill_date, s.due_date, COALESCE(s.bill_amount, 0), COALESCE(s.arrears, 0), "
        f"{_BALANCE.format(old='0')}, NULL, NULL, 0, :ver "
        "FROM billing_stage s LEFT JOIN billing_after a ON a.account_no = s.account_no "
        "WHERE NOT s.rejected AND NOT EXISTS (SELECT 1 FROM consumers c WHERE c.account_no = s.account_no)"),
        {"ver": version})
    rep.rows_new = int(ins.rowcount)
    staged = int(conn.execute(text("SELECT COUNT(*) FROM billing_stage WHERE NOT rejected")).scalar_one())
    rep.rows_unchanged = staged - rep.rows_new - rep.rows_changed
    if kind == "full":
        closed = conn.execute(text(
            "UPDATE consumers SET status = 'closed', version = :ver WHERE status <> 'closed' AND NOT EXISTS "
            "(SELECT 1 FROM billing_stage s WHERE s.account_no = consumers.account_no)"), {"ver": version})
        rep.rows_closed = int(closed.rowcount)
        if not sqlite:
            # the next load's joins are planned from these statistics; autovacuum may not have
            # looked at a table that just grew from nothing to 5.3 lakh rows
            conn.exec_driver_sql("ANALYZE consumers")


def _bills(conn: Connection, rep: LoadReport) -> None:
    res = conn.execute(text(
        "INSERT INTO billing_bills (account_no, bill_no, bill_date, due_date, amount_paise, arrears_paise, "
        "amount_after_due_paise, payments_upto, load_id) SELECT s.account_no, s.bill_no, s.bill_date, s.due_date, "
        "s.bill_amount, s.arrears, s.amount_after_due, s.payments_upto, :load FROM billing_stage s "
        "WHERE s.has_bill AND NOT s.rejected ON CONFLICT DO NOTHING"), {"load": rep.load_id})
    rep.bills_new = int(res.rowcount)


def update_load_bills(rep: LoadReport) -> Any:
    return billing_loads.update().where(billing_loads.c.id == rep.load_id).values(bills_new=rep.bills_new)


def _load_row(rep: LoadReport, path: Path, by: str, started: datetime) -> dict[str, Any]:
    return {"kind": rep.kind, "outcome": rep.outcome, "file_name": str(path)[-400:], "file_sha256": rep.file_sha256,
            "file_bytes": rep.file_bytes, "loaded_by": by, "started_at": started, "finished_at": datetime.now(UTC),
            "rows_read": rep.rows_read, "rows_rejected": rep.rows_rejected, "rows_new": rep.rows_new,
            "rows_changed": rep.rows_changed, "rows_unchanged": rep.rows_unchanged, "rows_closed": rep.rows_closed,
            "bills_new": rep.bills_new, "message": rep.message or None}


def _insert_load(conn: Connection, rep: LoadReport, path: Path, by: str, started: datetime) -> int:
    return int(conn.execute(insert(billing_loads).values(**_load_row(rep, path, by, started))
                            .returning(billing_loads.c.id)).scalar_one())


def _record(engine: Engine, rep: LoadReport, path: Path, by: str, started: datetime) -> None:
    """A load that applied nothing is still on record (its own transaction)."""
    with db.write_tx(engine) as conn:
        rep.load_id = _insert_load(conn, rep, path, by, started)


def recent_loads(conn: Connection, limit: int = 50) -> list[dict[str, Any]]:
    rows = conn.execute(select(billing_loads).order_by(billing_loads.c.id.desc()).limit(limit)).mappings()
    return [dict(r) for r in rows]
