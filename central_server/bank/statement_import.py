"""`central-server bank import STATEMENT`: a bank statement matched against what the counters
deposited, in one write transaction or not at all.

The file is read and checked whole first (central_server.bank.statement): a wrong column, an
unreadable amount or date, a duplicate line refuses it, with every fault in a rejects file, and
nothing changes. Then each line, oldest first:
- a credit naming a pay-in slip (its number in the reference or description) for the slip's
  amount matches the deposit, and the cheques and DDs on it are realised; for the slip's cash
  only, the deposit's cash is matched and its cheques wait for their own credit;
- a credit naming a cheque or DD number for its (group's) amount realises it;
- a debit naming a cheque or DD number for its amount is a return: every receipt it paid is
  dishonoured at the server (central_server.bank.returns);
- anything else goes to the review list on the HQ pages.
A line seen in an earlier statement (same fingerprint) is skipped, and the same file (SHA-256)
applied twice changes nothing."""

from __future__ import annotations

import csv
import getpass
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from central_server import db
from central_server.bank import returns
from central_server.bank.statement import Line, StatementMapping, read_statement
from central_server.bank.tables import bank_imports, bank_lines, bank_review, deposits, instruments
from central_server.billing.master_file import Reject

_OPEN_FOR_CREDIT = ("received", "deposited")
_OPEN_FOR_RETURN = ("received", "deposited", "realised")


@dataclass
class BankReport:
    outcome: str = "refused"  # applied | dry_run | duplicate | refused
    file_sha256: str = ""
    import_id: int | None = None
    lines_read: int = 0
    lines_seen: int = 0
    deposits_matched: int = 0
    instruments_realised: int = 0
    instruments_returned: int = 0
    receipts_dishonoured: int = 0
    lines_unmatched: int = 0
    message: str = ""
    rejects_path: str | None = None

    def summary(self) -> str:
        return (f"bank statement {self.outcome}: {self.lines_read} lines read, {self.lines_seen} seen before, "
                f"{self.deposits_matched} deposits matched, {self.instruments_realised} cheques/DDs realised, "
                f"{self.instruments_returned} returned ({self.receipts_dishonoured} receipts dishonoured), "
                f"{self.lines_unmatched} unmatched for review" + (f". {self.message}" if self.message else ""))


class StatementRefused(Exception):
    def __init__(self, report: BankReport) -> None:
        super().__init__(report.message)
        self.report = report


class _Rollback(Exception):
    pass


def import_statement(engine: Engine, path: str | Path, mapping: StatementMapping, *, dry_run: bool = False,
                     loaded_by: str | None = None, rejects_path: str | Path | None = None) -> BankReport:
    path = Path(path)
    started = datetime.now(UTC)
    by = (loaded_by or _whoami())[:64]
    rep = BankReport()
    st = read_statement(path, mapping)
    rep.file_sha256, rep.lines_read = st.sha256, len(st.lines)
    if st.problems:
        rej = Path(rejects_path) if rejects_path else path.with_name(path.name + ".rejects.csv")
        _write_rejects(rej, st.problems)
        first = st.problems[0]
        where = (f"line {first.line}: " if first.line else "") + (f"column {first.column}: " if first.column != "*" else "")
        rep.message = (f"refused, nothing applied: {where}{first.reason}"
                       + (f" (and {len(st.problems) - 1} more)" if len(st.problems) > 1 else ""))
        rep.rejects_path = str(rej)
        _record(engine, rep, path, by, started)
        raise StatementRefused(rep)
    with db.read_tx(engine) as conn:
        prior = conn.execute(select(bank_imports.c.id).where(bank_imports.c.file_sha256 == st.sha256,
                                                             bank_imports.c.outcome == "applied")
                             .order_by(bank_imports.c.id).limit(1)).scalar_one_or_none()
    if prior is not None:
        rep.outcome = "duplicate"
        rep.message = f"this statement (SHA-256 {st.sha256[:12]}…) was applied as import #{prior}; nothing changed"
        if not dry_run:
            _record(engine, rep, path, by, started)
        return rep

    def work(conn: Connection) -> None:
        for k in ("lines_seen", "deposits_matched", "instruments_realised", "instruments_returned",
                  "receipts_dishonoured", "lines_unmatched"):
            setattr(rep, k, 0)
        now = datetime.now(UTC)
        rep.outcome = "dry_run" if dry_run else "applied"
        rep.import_id = _insert_import(conn, rep, path, by, started)
        for line in st.lines:
            _apply_line(conn, rep, line, now)
        if dry_run:
            raise _Rollback
        conn.execute(update(bank_imports).where(bank_imports.c.id == rep.import_id).values(**_counts(rep)))

    try:
        db.with_retry(engine, work)
    except _Rollback:
        rep.import_id = None
        _record(engine, rep, path, by, started)
    return rep


def _apply_line(conn: Connection, rep: BankReport, line: Line, now: datetime) -> None:
    fp = line.fingerprint
    if conn.execute(select(bank_lines.c.id).where(bank_lines.c.fingerprint == fp)).first() is not None:
        rep.lines_seen += 1
        return
    line_id = int(conn.execute(insert(bank_lines).values(
        import_id=rep.import_id, line_no=line.line_no, fingerprint=fp, txn_date=line.txn_date,
        value_date=line.value_date, description=line.description, reference=line.reference,
        debit_paise=line.debit_paise, credit_paise=line.credit_paise, balance_paise=line.balance_paise,
        outcome="unmatched", matched=None).returning(bank_lines.c.id)).scalar_one())
    tokens = line.tokens()
    if line.credit_paise:
        outcome, matched, reason = _credit(conn, rep, line, tokens, line_id, now)
    else:
        outcome, matched, reason = _debit(conn, rep, line, tokens, line_id, now)
    if outcome == "unmatched":
        rep.lines_unmatched += 1
        conn.execute(insert(bank_review).values(line_id=line_id, reason=reason[:200], opened_at=now))
    else:
        conn.execute(update(bank_lines).where(bank_lines.c.id == line_id).values(outcome=outcome, matched=matched))


def _credit(conn: Connection, rep: BankReport, line: Line, tokens: set[str], line_id: int,
            now: datetime) -> tuple[str, str | None, str]:
    amount = line.credit_paise
    slips = conn.execute(select(deposits).where(db.member_of(deposits.c.slip_no, tokens, conn),
                                                deposits.c.state != "matched")).mappings().all()
    whole = [d for d in slips if (d["state"] == "recorded" and d["amount_paise"] == amount)
             or (d["state"] == "cash" and d["instruments_paise"] == amount)]
    cash = [d for d in slips if d["state"] == "recorded" and d["instruments_paise"] > 0 and d["cash_paise"] == amount]
    if len(whole) + len(cash) > 1:
        return "unmatched", None, f"ambiguous: {len(whole) + len(cash)} deposits have this slip number and amount"
    if whole:
        dep = whole[0]
        conn.execute(update(deposits).where(deposits.c.deposit_id == dep["deposit_id"])
                     .values(state="matched", matched_line_id=line_id))
        rep.deposits_matched += 1
        realised = conn.execute(update(instruments).where(
            instruments.c.deposit_id == dep["deposit_id"], instruments.c.state.in_(_OPEN_FOR_CREDIT))
            .values(state="realised", statement_line_id=line_id, changed_at=now)
            .returning(instruments.c.group_id)).scalars().all()
        rep.instruments_realised += len(set(realised))
        return "deposit", dep["deposit_id"], ""
    if cash:
        conn.execute(update(deposits).where(deposits.c.deposit_id == cash[0]["deposit_id"])
                     .values(state="cash", matched_line_id=line_id))
        rep.deposits_matched += 1
        return "cash", cash[0]["deposit_id"], ""
    groups = _groups(conn, tokens, amount, _OPEN_FOR_CREDIT)
    if len(groups) == 1:
        carried = conn.execute(update(instruments).where(instruments.c.group_id == groups[0])
                               .values(state="realised", statement_line_id=line_id, changed_at=now)
                               .returning(instruments.c.deposit_id)).scalars().all()
        rep.instruments_realised += 1
        _settle_slips(conn, {s for s in carried if s})
        return "realised", groups[0], ""
    if groups:
        return "unmatched", None, f"ambiguous: {len(groups)} cheques/DDs have this number and amount"
    return "unmatched", None, "a credit with no deposit slip or cheque/DD of ours for this number and amount"


def _settle_slips(conn: Connection, slip_ids: set[str]) -> None:
    """A slip whose cash was credited is matched once none of its cheques or DDs is still clearing."""
    for dep in sorted(slip_ids):
        clearing = conn.execute(select(instruments.c.receipt_id).where(
            instruments.c.deposit_id == dep, instruments.c.state.in_(_OPEN_FOR_CREDIT)).limit(1)).first()
        if clearing is None:
            conn.execute(update(deposits).where(deposits.c.deposit_id == dep, deposits.c.state == "cash")
                         .values(state="matched"))


def _debit(conn: Connection, rep: BankReport, line: Line, tokens: set[str], line_id: int,
           now: datetime) -> tuple[str, str | None, str]:
    groups = _groups(conn, tokens, line.debit_paise, _OPEN_FOR_RETURN)
    if len(groups) > 1:
        return "unmatched", None, f"ambiguous: {len(groups)} cheques/DDs have this number and amount"
    if not groups:
        return "unmatched", None, "a debit that is no returned cheque/DD of ours (number and amount)"
    group = groups[0]
    ids = list(conn.execute(select(instruments.c.receipt_id).where(instruments.c.group_id == group)
                            .order_by(instruments.c.receipt_id)).scalars())
    reason = f"returned by the bank: {line.description}".strip()
    done = returns.dishonour_receipts(conn, ids, fingerprint=line.fingerprint, reason=reason, day=line.txn_date,
                                      now=now)
    slips = conn.execute(update(instruments).where(instruments.c.group_id == group)
                         .values(state="returned", statement_line_id=line_id, changed_at=now)
                         .returning(instruments.c.deposit_id)).scalars().all()
    _settle_slips(conn, {s for s in slips if s})
    rep.instruments_returned += 1
    rep.receipts_dishonoured += sum(1 for d in done if d["applied"])
    return "returned", group, ""


def _groups(conn: Connection, tokens: set[str], amount: int, states: tuple[str, ...]) -> list[str]:
    """The instrument groups whose number is among the line's words, whose receipts are all in
    `states` and whose amounts add up to `amount`."""
    rows = conn.execute(select(instruments.c.group_id, instruments.c.amount_paise, instruments.c.state)
                        .where(db.member_of(instruments.c.number, tokens, conn))).all()
    sums: dict[str, int] = {}
    ok: dict[str, bool] = {}
    for g, paise, state in rows:
        sums[g] = sums.get(g, 0) + int(paise)
        ok[g] = ok.get(g, True) and state in states
    return sorted(g for g, s in sums.items() if s == amount and ok[g])


def _counts(rep: BankReport) -> dict[str, Any]:
    return {"lines_read": rep.lines_read, "lines_seen": rep.lines_seen, "deposits_matched": rep.deposits_matched,
            "instruments_realised": rep.instruments_realised, "instruments_returned": rep.instruments_returned,
            "lines_unmatched": rep.lines_unmatched, "message": rep.message[:2000] or None}


def _insert_import(conn: Connection, rep: BankReport, path: Path, by: str, started: datetime) -> int:
    return int(conn.execute(insert(bank_imports).values(
        outcome=rep.outcome, file_name=str(path)[-400:], file_sha256=rep.file_sha256 or "-", loaded_by=by,
        started_at=started, finished_at=datetime.now(UTC), **_counts(rep)).returning(bank_imports.c.id)).scalar_one())


def _record(engine: Engine, rep: BankReport, path: Path, by: str, started: datetime) -> None:
    """An import that applied nothing is still on record (its own transaction)."""
    with db.write_tx(engine) as conn:
        rep.import_id = _insert_import(conn, rep, path, by, started)


def _write_rejects(path: Path, problems: list[Reject]) -> None:
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["line", "column", "reason", "value"])
        for p in problems:
            w.writerow([p.line, p.column, p.reason, p.value])
    os.replace(tmp, path)


def _whoami() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def recent_imports(conn: Connection, limit: int = 20) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(bank_imports).order_by(bank_imports.c.id.desc()).limit(limit))
            .mappings()]
