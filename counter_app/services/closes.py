"""Shift close (the clerk's blind cash count) and day close (the supervisor's Z), with every rupee
accounted for: expected cash = opening float + cash receipts - cancelled cash receipts + their
cash round-off (cash is taken to the rupee, docs/PROTOCOL.md). Change handed back is never
collection: receipts record the amount paid, not the cash tendered."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter as Tally
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from counter_app.domain.closes import DEFAULT_DENOMINATIONS, InstrumentLine, counted_total
from counter_app.domain.closes import business_date as parse_business_date
from counter_app.domain.errors import PermissionDenied, StateError, ValidationError
from counter_app.domain.receipt import new_id
from counter_app.services.clock import iso
from counter_app.services.collection import CollectionService, Session
from counter_app.storage import cash as cash_repo
from counter_app.storage import closes as closes_repo
from counter_app.storage import outbox as outbox_repo
from counter_app.storage import receipts as receipts_repo
from counter_app.storage import users as users_repo
from counter_app.storage.closes import ReceiptLine
from kesco_protocol.money import format_inr
from kesco_protocol.records import DayClose, RecordKind, ShiftClose


@dataclass(frozen=True, slots=True)
class ClosePreview:
    """What the system expected against what was counted: shown only after the blind count."""

    counted_cash_paise: int
    expected_cash_paise: int
    variance_paise: int
    instruments_missing: list[str]
    needs_remark: bool
    needs_approval: bool
    picked_up_paise: int = 0  # taken out by supervisors during the shift: expected cash is lower by it


@dataclass(frozen=True, slots=True)
class DayReport:
    business_date: str
    counter_code: str
    lines: list[ReceiptLine]
    shifts: list[users_repo.ShiftRow]
    shift_closes: list[ShiftClose]
    by_mode: dict[str, int]
    by_category: dict[str, int]
    receipt_count: int
    total_paise: int  # gross, cancelled receipts included (as the server counts)
    void_count: int
    void_total_paise: int
    net_total_paise: int
    reprints: int
    variance_total_paise: int
    acknowledged: int  # receipts the server has confirmed
    pending: int
    open_shifts: list[str] = field(default_factory=list)
    round_off_total_paise: int = 0  # cash round-off of the receipts not cancelled
    picked_up_paise: int = 0  # the day's pickups: cash that left the drawers before the shift closes

    @property
    def cash_in_drawer_paise(self) -> int:
        """Cash the day's receipts brought in: cash credited (not cancelled) plus the round-off."""
        return self.by_mode.get("cash", 0) + self.round_off_total_paise

    @property
    def voids(self) -> list[ReceiptLine]:
        return [ln for ln in self.lines if ln.voided]

    @property
    def instruments(self) -> list[ReceiptLine]:
        return [ln for ln in self.lines if ln.mode in ("cheque", "dd") and not ln.voided]


@dataclass(frozen=True, slots=True)
class DayCloseStatus:
    """A day close and the central server's answer to it."""

    day_close: DayClose
    sync_state: str  # the outbox state of the day close record
    confirmed: bool  # the server's count and total match, and nothing is missing there
    server: dict[str, Any] | None  # the server's answer as it sent it (wire fields), if any
    missing_receipts: list[str] = field(default_factory=list)  # receipt numbers the server lacks
    missing_states: dict[str, str] = field(default_factory=dict)  # receipt no. -> its state here

    @property
    def answered(self) -> bool:
        """The server has counted this counter-day (so the figures below mean something)."""
        return bool(self.server) and "server_count" in (self.server or {})

    @property
    def server_count(self) -> int | None:
        v = (self.server or {}).get("server_count")
        return None if v is None else int(v)

    @property
    def server_total_paise(self) -> int:
        return int((self.server or {}).get("server_total_paise") or 0)


class CloseService:
    def __init__(self, counter: CollectionService) -> None:
        self.counter = counter
        self.db = counter.db
        self.config = counter.config

    @property
    def denominations(self) -> Sequence[tuple[str, int]]:
        custom = self.config.extra.get("denominations")
        if custom:
            return tuple((str(k), int(v)) for k, v in custom)
        return DEFAULT_DENOMINATIONS

    # ------------------------------------------------------------------ shift close
    def _open_shift(self, session: Session) -> users_repo.ShiftRow:
        shift = self.counter.current_shift(session)
        if shift is None:
            raise StateError("shift.none_open")
        return shift

    def instruments_to_tick(self, session: Session) -> list[InstrumentLine]:
        """The cheques and DDs of the open shift, for the clerk to tick off against the drawer."""
        shift = self._open_shift(session)
        with self.db.read() as conn:
            lines = closes_repo.shift_lines(conn, shift.shift_id)
        return [_instrument(ln) for ln in lines if ln.mode in ("cheque", "dd") and not ln.voided]

    def _expected(self, shift: users_repo.ShiftRow, lines: list[ReceiptLine],
                  picked_up: int = 0) -> tuple[int, int, int, int, int]:
        """Expected cash, cash receipts, their credited total, the cancelled part of it, and the
        round-off of the receipts not cancelled (a cancelled receipt's cash went back whole).
        Pickups (`picked_up`) left the drawer before the count."""
        cash = [ln for ln in lines if ln.mode == "cash"]
        collected = sum(ln.amount_paise for ln in cash)
        voided = sum(ln.amount_paise for ln in cash if ln.voided)
        round_off = sum(ln.round_off_paise for ln in cash if not ln.voided)
        expected = shift.opening_float_paise + collected - voided + round_off - picked_up
        return expected, len(cash), collected, voided, round_off

    def preview_shift_close(self, session: Session, counts: Mapping[str, int],
                            ticked: Sequence[str]) -> ClosePreview:
        """Records the blind count (the first one is kept as evidence) and only then says what the
        system expected."""
        shift = self._open_shift(session)
        counted = counted_total(counts, self.denominations)
        with self.db.read() as conn:
            lines = closes_repo.shift_lines(conn, shift.shift_id)
            picked_up = cash_repo.picked_up_paise(conn, shift.shift_id)
        expected, *_ = self._expected(shift, lines, picked_up)
        missing = self._missing_instruments(lines, ticked)
        variance = counted - expected
        with self.db.write() as conn:
            receipts_repo.audit(conn, iso(self.counter.clock()), session.username, "cash_count", shift.shift_id,
                                {"counted_cash_paise": counted, "counts": dict(counts)})
        return ClosePreview(counted, expected, variance, missing, bool(variance or missing),
                            abs(variance) > self.config.variance_approval_paise, picked_up)

    def _missing_instruments(self, lines: list[ReceiptLine], ticked: Sequence[str]) -> list[str]:
        instruments = {ln.receipt_id: ln for ln in lines if ln.mode in ("cheque", "dd") and not ln.voided}
        for rid in ticked:
            if rid not in instruments:
                raise ValidationError("close.instrument_unknown", receipt=str(rid)[:40])
        return [ln.receipt_no for rid, ln in instruments.items() if rid not in set(ticked)]

    def close_shift(self, session: Session, counts: Mapping[str, int], ticked: Sequence[str], remark: str = "",
                    supervisor: str | None = None, supervisor_pin: str | None = None) -> ShiftClose:
        """Close the clerk's open shift. A variance (or a cheque not in the drawer) needs a remark; a
        variance above the configured limit needs a supervisor's approval. The shift is locked."""
        shift = self._open_shift(session)
        counted = counted_total(counts, self.denominations)
        remark = " ".join(remark.split())[:300]
        with self.db.read() as conn:
            lines = closes_repo.shift_lines(conn, shift.shift_id)
            first = closes_repo.first_cash_count(conn, shift.shift_id)
            picked_up = cash_repo.picked_up_paise(conn, shift.shift_id)
        expected, n_cash, collected, voided, round_off = self._expected(shift, lines, picked_up)
        missing = self._missing_instruments(lines, ticked)
        variance = counted - expected
        if (variance or missing) and len(remark) < 3:
            raise ValidationError("close.remark_required", variance=format_inr(abs(variance)),
                                  direction="short" if variance < 0 else "excess")
        approver: str | None = None
        if abs(variance) > self.config.variance_approval_paise:
            if not supervisor or supervisor_pin is None:
                raise PermissionDenied("close.approval_required", variance=format_inr(abs(variance)),
                                       limit=format_inr(self.config.variance_approval_paise))
            approver = self.counter.authorise_supervisor(supervisor, supervisor_pin).username
        other: Tally[str] = Tally()
        for ln in lines:
            if ln.mode not in ("cash", "cheque", "dd") and not ln.voided:
                other[ln.mode] += ln.amount_paise
        now = iso(self.counter.clock())
        sc = ShiftClose(
            new_id(), shift.counter_code, shift.shift_id, shift.business_date, shift.clerk,
            shift.opening_float_paise, {k: int(v) for k, v in counts.items() if v}, counted,
            counted if first is None else first, expected, variance, n_cash, collected, voided,
            [_instrument(ln).to_dict() | {"ticked": ln.receipt_id in set(ticked)}
             for ln in lines if ln.mode in ("cheque", "dd") and not ln.voided],
            missing, dict(other), remark, approver, session.username, now, round_off, picked_up_paise=picked_up,
        )
        with self.db.write() as conn:
            current = users_repo.get_shift(conn, shift.shift_id)
            if current is None or not current.is_open:
                raise StateError("shift.closed")
            if cash_repo.picked_up_paise(conn, shift.shift_id) != picked_up:
                raise StateError("cash.pickup_during_close")  # the count was made against other figures
            head_seq, head_hash = receipts_repo.chain_head(conn)  # in the close's transaction
            if head_seq:
                sc = dataclasses.replace(sc, chain_head_seq=head_seq, chain_head_hash=head_hash)
            closes_repo.insert_shift_close(conn, sc)
            users_repo.close_shift(conn, shift.shift_id, now)
            receipts_repo.insert_outbox(conn, sc.shift_close_id, RecordKind.SHIFT_CLOSE, sc.body(), now)
            receipts_repo.audit(conn, now, session.username, "shift_close", shift.shift_id,
                                {"variance_paise": variance, "approved_by": approver})
        return sc

    # ------------------------------------------------------------------ day close
    def day_report(self, business_date: str) -> DayReport:
        day = parse_business_date(business_date)
        with self.db.read() as conn:
            lines = closes_repo.day_lines(conn, day)
            shifts = users_repo.shifts_on(conn, day)
            closes = closes_repo.shift_closes_on(conn, day)
            picked_up = sum(p.pickup.amount_paise for p in cash_repo.day_pickups(conn, day))
        by_mode: Tally[str] = Tally()
        by_category: Tally[str] = Tally()
        for ln in lines:
            if not ln.voided:
                by_mode[ln.mode] += ln.amount_paise
                by_category[ln.category or "unknown"] += ln.amount_paise
        total = sum(ln.amount_paise for ln in lines)
        void_total = sum(ln.amount_paise for ln in lines if ln.voided)
        return DayReport(
            day, self.counter.counter_code, lines, shifts, closes, dict(by_mode), dict(by_category), len(lines),
            total, sum(1 for ln in lines if ln.voided), void_total, total - void_total,
            sum(ln.reprints for ln in lines), sum(c.variance_paise for c in closes),
            sum(1 for ln in lines if ln.sync_state in ("synced", "parked")),
            sum(1 for ln in lines if ln.sync_state == "pending"),
            [s.clerk for s in shifts if s.is_open],
            sum(ln.round_off_paise for ln in lines if not ln.voided and ln.mode == "cash"),
            picked_up,
        )

    def close_day(self, session: Session, business_date: str) -> DayClose:
        if not session.is_supervisor:
            raise PermissionDenied("auth.supervisor_required")
        rep = self.day_report(business_date)
        if rep.open_shifts:
            raise StateError("close.shifts_open", shifts=", ".join(rep.open_shifts))
        if not rep.shifts:
            raise StateError("close.nothing_to_close", date=rep.business_date)
        now = iso(self.counter.clock())
        dc = DayClose(
            new_id(), rep.counter_code, rep.business_date, rep.receipt_count, rep.total_paise, rep.void_count,
            rep.void_total_paise, rep.net_total_paise, rep.by_mode, rep.by_category,
            [s.shift_id for s in rep.shifts], rep.variance_total_paise,
            [ln.receipt_id for ln in rep.lines], session.username, now, rep.round_off_total_paise,
        )
        with self.db.write() as conn:
            if closes_repo.day_close_of(conn, rep.business_date) is not None:
                raise StateError("close.day_already_closed", date=rep.business_date)
            closes_repo.insert_day_close(conn, dc)
            receipts_repo.insert_outbox(conn, dc.day_close_id, RecordKind.DAY_CLOSE, dc.body(), now)
            receipts_repo.audit(conn, now, session.username, "day_close", rep.business_date,
                                {"receipts": rep.receipt_count, "total_paise": rep.total_paise})
        return dc

    def day_close_status(self, business_date: str) -> DayCloseStatus | None:
        """The day close and the server's confirmation: its count and total for this counter-day,
        and the receipts it lacks, named by receipt number."""
        day = parse_business_date(business_date)
        with self.db.read() as conn:
            got = closes_repo.day_close_of(conn, day)
            if got is None:
                return None
            dc, state, detail_text = got
            lines = {ln.receipt_id: ln for ln in closes_repo.day_lines(conn, day)}
        detail = _server_answer(detail_text)
        if not (detail and "server_count" in detail):
            return DayCloseStatus(dc, state, False, detail)
        missing = [lines[r].receipt_no if r in lines else r for r in detail.get("missing", [])]
        # where each missing receipt stands here: pending (still on its way), or refused/conflict
        # (it needs a supervisor), or synced (the server lost it; the engine sends it again)
        states = {lines[r].receipt_no: lines[r].sync_state for r in detail.get("missing", []) if r in lines}
        return DayCloseStatus(dc, state, bool(detail.get("matches")) and not missing, detail, missing, states)

    def resend_day_close(self, session: Session, business_date: str) -> int:
        """A supervisor sends the day close again (after the missing receipts went): the server
        answers a re-sent day close with its current count. Also puts back in the queue the day's
        receipts the server refused or found conflicting, so they are tried once more. Returns how
        many receipts were put back."""
        if not session.is_supervisor:
            raise PermissionDenied("auth.supervisor_required")
        day = parse_business_date(business_date)
        now = iso(self.counter.clock())
        with self.db.write() as conn:
            got = closes_repo.day_close_of(conn, day)
            if got is None:
                raise StateError("close.day_not_closed", date=day)
            dc = got[0]
            requeued = outbox_repo.resend_day_close(conn, dc.day_close_id, list(dc.receipt_ids))
            receipts_repo.audit(conn, now, session.username, "day_close_resend", day, {"receipts": requeued})
        return requeued


def _server_answer(text: str | None) -> dict[str, Any] | None:
    """The server's answer as the outbox keeps it: `accepted: {...}` / `duplicate: {...}` (the
    per-record status, then its detail as JSON)."""
    if not text:
        return None
    brace = text.find("{")
    if brace < 0:
        return None
    try:
        got = json.loads(text[brace:])
    except ValueError:
        return None
    return got if isinstance(got, dict) else None


def _instrument(ln: ReceiptLine) -> InstrumentLine:
    inst = ln.instrument or {}
    return InstrumentLine(ln.receipt_id, ln.receipt_no, ln.mode, str(inst.get("number", "")),
                          str(inst.get("bank", "")), str(inst.get("date", "")), ln.amount_paise)
