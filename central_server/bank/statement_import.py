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

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from central_server import db
from central_server.bank import returns
from central_server.bank.statement import Line, StatementMapping, read_statement
from central_server.bank.tables import bank_imports, bank_lines, bank_review, deposits, instruments
from central_server.billing import import_run
from central_server.billing.import_run import DryRunRollback, ImportRefused, write_rejects

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


class StatementRefused(ImportRefused):
    """Nothing was applied; the report says why (every fault is in the rejects file)."""

    report: BankReport


def import_statement(engine: Engine, path: str | Path, mapping: StatementMapping, *, dry_run: bool = False,
                     loaded_by: str | None = None, rejects_path: str | Path | None = None) -> BankReport:
    path = Path(path)
    started = datetime.now(UTC)
    by = import_run.loaded_by(loaded_by)
    rep = BankReport()
    st = read_statement(path, mapping)
    rep.file_sha256, rep.lines_read = st.sha256, len(st.lines)
    if st.problems:
        rej = import_run.rejects_path(path, rejects_path)
        write_rejects(rej, st.problems)
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
        _apply_lines(conn, _Book(conn, st.lines), rep, st.lines, now)
        if dry_run:
            raise DryRunRollback
        conn.execute(update(bank_imports).where(bank_imports.c.id == rep.import_id).values(**_counts(rep)))

    try:
        db.with_retry(engine, work)
    except DryRunRollback:
        rep.import_id = None
        _record(engine, rep, path, by, started)
    return rep


class _Book:
    """What the lines are matched against, read once per import (a statement of a month is
    thousands of lines: one look-up each would be most of the time): the fingerprints already
    imported, the slips not yet matched by number, the instruments whose number a line names.
    Kept current as lines match; the database is written as each line decides."""

    CHUNK = 500

    def __init__(self, conn: Connection, lines: list[Line]) -> None:
        fps = [ln.fingerprint for ln in lines]
        self.seen: set[str] = set()
        for i in range(0, len(fps), self.CHUNK):
            self.seen.update(conn.execute(select(bank_lines.c.fingerprint).where(
                db.member_of(bank_lines.c.fingerprint, fps[i:i + self.CHUNK], conn))).scalars())
        self.slips: dict[str, list[dict[str, Any]]] = {}
        self.deposit_by_id: dict[str, dict[str, Any]] = {}
        for d in conn.execute(select(deposits).where(deposits.c.state != "matched")).mappings():
            row = self.deposit_by_id[d["deposit_id"]] = dict(d)
            self.slips.setdefault(d["slip_no"], []).append(row)
        words = sorted(set().union(*(ln.tokens() for ln in lines if ln.fingerprint not in self.seen)))
        self.by_number: dict[str, list[dict[str, Any]]] = {}
        self.by_deposit: dict[str, list[dict[str, Any]]] = {}
        cols = (instruments.c.receipt_id, instruments.c.group_id, instruments.c.number, instruments.c.amount_paise,
                instruments.c.state, instruments.c.deposit_id)
        rows: dict[str, dict[str, Any]] = {}
        # the instruments the lines name, and every one on a slip not yet matched (whether a slip
        # is settled is then told without asking the database at each cheque)
        open_slips = sorted(self.deposit_by_id)
        for col, keys in ((instruments.c.number, words), (instruments.c.deposit_id, open_slips)):
            for i in range(0, len(keys), self.CHUNK):
                for r in conn.execute(select(*cols).where(db.member_of(col, keys[i:i + self.CHUNK], conn))).mappings():
                    if r["receipt_id"] in rows:
                        continue
                    row = rows[r["receipt_id"]] = dict(r)
                    self.by_number.setdefault(row["number"], []).append(row)
                    if row["deposit_id"]:
                        self.by_deposit.setdefault(row["deposit_id"], []).append(row)

    def deposits_named(self, tokens: set[str]) -> list[dict[str, Any]]:
        found = {d["deposit_id"]: d for t in tokens for d in self.slips.get(t, ()) if d["state"] != "matched"}
        return [found[k] for k in sorted(found)]

    def instruments_named(self, tokens: set[str]) -> list[dict[str, Any]]:
        found = {r["receipt_id"]: r for t in tokens for r in self.by_number.get(t, ())}
        return list(found.values())

    def set_group(self, group: str, tokens: set[str], state: str) -> None:
        for r in self.instruments_named(tokens):
            if r["group_id"] == group:
                r["state"] = state


def _apply_lines(conn: Connection, book: _Book, rep: BankReport, lines: list[Line], now: datetime) -> None:
    """Every new line stored at once (one statement), then decided in order; the outcomes and
    the review items written in bulk at the end."""
    new = [ln for ln in lines if ln.fingerprint not in book.seen]
    rep.lines_seen = len(lines) - len(new)
    if not new:
        return
    conn.execute(insert(bank_lines), [{
        "import_id": rep.import_id, "line_no": ln.line_no, "fingerprint": ln.fingerprint, "txn_date": ln.txn_date,
        "value_date": ln.value_date, "description": ln.description, "reference": ln.reference,
        "debit_paise": ln.debit_paise, "credit_paise": ln.credit_paise, "balance_paise": ln.balance_paise,
        "outcome": "unmatched", "matched": None} for ln in new])
    ids = dict(conn.execute(select(bank_lines.c.fingerprint, bank_lines.c.id)
                            .where(bank_lines.c.import_id == rep.import_id)).all())
    outcomes: list[dict[str, Any]] = []
    review: list[dict[str, Any]] = []
    for line in new:
        line_id = int(ids[line.fingerprint])
        tokens = line.tokens()
        if line.credit_paise:
            outcome, matched, reason = _credit(conn, book, rep, line, tokens, line_id, now)
        else:
            outcome, matched, reason = _debit(conn, book, rep, line, tokens, line_id, now)
        if outcome == "unmatched":
            review.append({"line_id": line_id, "reason": reason[:200], "opened_at": now})
        else:
            outcomes.append({"lid": line_id, "o": outcome, "m": matched})
    rep.lines_unmatched = len(review)
    if review:
        conn.execute(insert(bank_review), review)
    if outcomes:
        conn.execute(update(bank_lines).where(bank_lines.c.id == bindparam("lid"))
                     .values(outcome=bindparam("o"), matched=bindparam("m")), outcomes)


def _credit(conn: Connection, book: _Book, rep: BankReport, line: Line, tokens: set[str], line_id: int,
            now: datetime) -> tuple[str, str | None, str]:
    amount = line.credit_paise
    slips = book.deposits_named(tokens)
    whole = [d for d in slips if (d["state"] == "recorded" and d["amount_paise"] == amount)
             or (d["state"] == "cash" and d["instruments_paise"] == amount)]
    cash = [d for d in slips if d["state"] == "recorded" and d["instruments_paise"] > 0 and d["cash_paise"] == amount]
    if len(whole) + len(cash) > 1:
        return "unmatched", None, f"ambiguous: {len(whole) + len(cash)} deposits have this slip number and amount"
    if whole:
        dep = whole[0]
        conn.execute(update(deposits).where(deposits.c.deposit_id == dep["deposit_id"])
                     .values(state="matched", matched_line_id=line_id))
        dep["state"] = "matched"
        for r in book.by_deposit.get(dep["deposit_id"], ()):
            if r["state"] in _OPEN_FOR_CREDIT:
                r["state"] = "realised"
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
        cash[0]["state"] = "cash"
        rep.deposits_matched += 1
        return "cash", cash[0]["deposit_id"], ""
    groups = _groups(book, tokens, amount, _OPEN_FOR_CREDIT)
    if len(groups) == 1:
        carried = conn.execute(update(instruments).where(instruments.c.group_id == groups[0])
                               .values(state="realised", statement_line_id=line_id, changed_at=now)
                               .returning(instruments.c.deposit_id)).scalars().all()
        rep.instruments_realised += 1
        book.set_group(groups[0], tokens, "realised")
        _settle_slips(conn, book, {s for s in carried if s})
        return "realised", groups[0], ""
    if groups:
        return "unmatched", None, f"ambiguous: {len(groups)} cheques/DDs have this number and amount"
    return "unmatched", None, "a credit with no deposit slip or cheque/DD of ours for this number and amount"


def _settle_slips(conn: Connection, book: _Book, slip_ids: set[str]) -> None:
    """A slip whose cash was credited is matched once none of its cheques or DDs is still clearing."""
    for dep in sorted(slip_ids):
        d = book.deposit_by_id.get(dep)
        if d is None or d["state"] != "cash":
            continue
        if not any(r["state"] in _OPEN_FOR_CREDIT for r in book.by_deposit.get(dep, ())):
            conn.execute(update(deposits).where(deposits.c.deposit_id == dep, deposits.c.state == "cash")
                         .values(state="matched"))
            d["state"] = "matched"


def _debit(conn: Connection, book: _Book, rep: BankReport, line: Line, tokens: set[str], line_id: int,
           now: datetime) -> tuple[str, str | None, str]:
    groups = _groups(book, tokens, line.debit_paise, _OPEN_FOR_RETURN)
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
    book.set_group(group, tokens, "returned")
    _settle_slips(conn, book, {s for s in slips if s})
    rep.instruments_returned += 1
    rep.receipts_dishonoured += sum(1 for d in done if d["applied"])
    return "returned", group, ""


def _groups(book: _Book, tokens: set[str], amount: int, states: tuple[str, ...]) -> list[str]:
    """The instrument groups whose number is among the line's words, whose receipts are all in
    `states` and whose amounts add up to `amount`."""
    sums: dict[str, int] = {}
    ok: dict[str, bool] = {}
    for r in book.instruments_named(tokens):
        g, paise, state = r["group_id"], r["amount_paise"], r["state"]
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


def recent_imports(conn: Connection, limit: int = 20) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(bank_imports).order_by(bank_imports.c.id.desc()).limit(limit))
            .mappings()]
