"""Cash leaving the drawer: a supervisor's pickup during an open shift (it lowers the shift's
expected cash), the cash-limit state the status line shows, and the day's deposit (pay-in slip)
with its cash by denomination and its cheques and DDs. Every record is append-only and goes to
the central server through the outbox in the transaction that stores it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from counter_app.domain.cash import DrawerCash, wire_denominations, wire_total_paise
from counter_app.domain.closes import business_date as parse_business_date
from counter_app.domain.closes import counted_total, denomination_label
from counter_app.domain.errors import AmountError, PermissionDenied, StateError, ValidationError
from counter_app.domain.receipt import new_id
from counter_app.services.clock import iso
from counter_app.services.closes import CloseService
from counter_app.services.collection import CollectionService, Session
from counter_app.storage import cash as cash_repo
from counter_app.storage import closes as closes_repo
from counter_app.storage import receipts as receipts_repo
from counter_app.storage import users as users_repo
from kesco_protocol import limits
from kesco_protocol.digits import to_ascii_digits
from kesco_protocol.money import format_inr
from kesco_protocol.records import Deposit, Pickup, PickupDestination, RecordKind


@dataclass(frozen=True, slots=True)
class DepositLine:
    """One cheque or DD on the pay-in slip; a multi-account instrument (one group_id) is one line
    listing all its receipts."""

    receipt_ids: tuple[str, ...]
    receipt_nos: tuple[str, ...]
    mode: str
    number: str
    bank: str
    amount_paise: int

    def wire(self) -> dict[str, Any]:
        return {"receipt_ids": list(self.receipt_ids), "mode": self.mode, "number": self.number,
                "bank": self.bank, "amount_paise": self.amount_paise}


@dataclass(frozen=True, slots=True)
class DepositDraft:
    """What the deposit screen starts from for a business day: the cash the shift closes counted
    plus what pickups put in the safe (a pickup straight to the bank is deposited by the cash van),
    and the day's cheques and DDs not cancelled or dishonoured."""

    business_date: str
    counts: dict[str, int]
    cash_paise: int
    lines: list[DepositLine]
    picked_up_to_bank_paise: int = 0
    already: list[Deposit] = field(default_factory=list)  # deposits recorded for the day so far


def _text(value: str, limit: int, key: str) -> str:
    s = " ".join(str(value).split())
    if len(s) > limit:
        raise ValidationError("cash.text_too_long", field=key, limit=limit)
    return s


class CashService:
    def __init__(self, counter: CollectionService) -> None:
        self.counter = counter
        self.db = counter.db
        self.config = counter.config
        self.closing = CloseService(counter)

    @property
    def denominations(self) -> Sequence[tuple[str, int]]:
        return self.closing.denominations

    def parse_counts(self, texts: Mapping[str, str | int]) -> dict[str, int]:
        """Pieces per denomination as typed (empty is none; Devanagari digits are digits); anything
        else is refused, naming the denomination."""
        out: dict[str, int] = {}
        labels = dict(self.denominations)
        for key, value in texts.items():
            if key not in labels:
                raise ValidationError("close.bad_denomination", denomination=str(key)[:10])
            if isinstance(value, bool):
                raise ValidationError("cash.count_not_number", denomination=denomination_label(key))
            if isinstance(value, int):
                n = value
            else:
                s = to_ascii_digits(str(value)).strip()
                if not s:
                    continue
                if not s.isascii() or not s.isdigit():
                    raise ValidationError("cash.count_not_number", denomination=denomination_label(key))
                n = int(s)
            if n:
                out[key] = n
        counted_total(out, self.denominations)  # impossible counts refused by the shift close's rule
        return out

    # ------------------------------------------------------------------ the drawer
    def _drawer(self, conn: Any, shift: users_repo.ShiftRow) -> DrawerCash:
        cash_in, cancelled, _n = cash_repo.shift_cash_receipts(conn, shift.shift_id)
        return DrawerCash(shift.opening_float_paise, cash_in, cancelled,
                          cash_repo.picked_up_paise(conn, shift.shift_id),
                          self.config.cash_limit_paise, self.config.cash_hard_limit_paise)

    def drawer(self, session: Session) -> DrawerCash | None:
        """The cash in the open shift's drawer now, with the limits (None without an open shift)."""
        with self.db.read() as conn:
            shift = users_repo.open_shift_of(conn, session.username)
            return None if shift is None else self._drawer(conn, shift)

    # ------------------------------------------------------------------ pickups
    def record_pickup(self, session: Session, counts: Mapping[str, str | int], destination: str,
                      supervisor: str, supervisor_pin: str, remark: str = "") -> Pickup:
        """A supervisor takes cash out of the logged-in user's open drawer. The supervisor signs it
        with their own name and PIN on this screen (as for a cancellation). Refused: nothing
        counted, more than the drawer holds, an unknown destination."""
        pieces = self.parse_counts(counts)
        amount = counted_total(pieces, self.denominations)
        if amount <= 0:
            raise AmountError("cash.pickup_zero")
        try:
            dest = PickupDestination(destination)
        except ValueError:
            raise ValidationError("cash.bad_destination") from None
        remark = _text(remark, limits.REMARK, "remark")
        approver = self.counter.authorise_supervisor(supervisor, supervisor_pin)
        now = iso(self.counter.clock())
        with self.db.write() as conn:
            shift = users_repo.open_shift_of(conn, session.username)
            if shift is None:
                raise StateError("shift.none_open")
            drawer = self._drawer(conn, shift)
            if amount > drawer.in_drawer_paise:
                raise AmountError("cash.pickup_too_much", amount=format_inr(amount),
                                  drawer=format_inr(drawer.in_drawer_paise))
            p = Pickup(new_id(), shift.counter_code, shift.shift_id, shift.business_date, shift.clerk,
                       approver.username, dest.value, amount, wire_denominations(pieces, self.denominations),
                       now, remark)
            assert wire_total_paise(p.denominations) == amount
            cash_repo.insert_pickup(conn, p, pieces)
            receipts_repo.insert_outbox(conn, p.pickup_id, RecordKind.PICKUP, p.body(), now)
            receipts_repo.audit(conn, now, session.username, "pickup", shift.shift_id,
                                {"pickup_id": p.pickup_id, "amount_paise": amount, "taken_by": approver.username,
                                 "destination": dest.value})
        return p

    def shift_pickups(self, shift_id: str) -> list[cash_repo.PickupRow]:
        with self.db.read() as conn:
            return cash_repo.shift_pickups(conn, shift_id)

    def day_pickups(self, business_date: str) -> list[cash_repo.PickupRow]:
        day = parse_business_date(business_date)
        with self.db.read() as conn:
            return cash_repo.day_pickups(conn, day)

    # ------------------------------------------------------------------ deposits
    def deposit_draft(self, business_date: str) -> DepositDraft:
        day = parse_business_date(business_date)
        with self.db.read() as conn:
            closes = closes_repo.shift_closes_on(conn, day)
            pickups = cash_repo.day_pickups(conn, day)
            lines = closes_repo.day_lines(conn, day)
            already = [d.deposit for d in cash_repo.day_deposits(conn, day)]
        counts: dict[str, int] = {}
        for c in closes:
            for k, n in c.counts.items():
                counts[k] = counts.get(k, 0) + int(n)
        to_bank = 0
        for row in pickups:
            if row.pickup.destination == PickupDestination.SAFE:
                for k, n in row.counts.items():
                    counts[k] = counts.get(k, 0) + int(n)
            else:
                to_bank += row.pickup.amount_paise
        known = dict(self.denominations)
        counts = {k: n for k, n in counts.items() if k in known and n}
        return DepositDraft(day, counts, counted_total(counts, self.denominations), _instrument_lines(lines),
                            to_bank, already)

    def record_deposit(self, session: Session, business_date: str, bank: str, branch: str, slip_no: str,
                       deposit_date: str, counts: Mapping[str, str | int],
                       instruments: Sequence[DepositLine]) -> Deposit:
        """The day's pay-in slip as a Deposit record. A supervisor's; bank, branch and slip number
        are needed; the slip number is used once; amount = cash + the instruments' amounts."""
        if not session.is_supervisor:
            raise PermissionDenied("auth.supervisor_required")
        day = parse_business_date(business_date)
        on = parse_business_date(deposit_date)
        if on < day:
            raise ValidationError("cash.deposit_before_day")
        bank = _text(bank, limits.DEPOSIT["bank"], "bank")
        branch = _text(branch, limits.DEPOSIT["branch"], "branch")
        slip = _text(slip_no, limits.DEPOSIT["slip_no"], "slip_no")
        if not bank or not branch or not slip:
            raise ValidationError("cash.deposit_fields_required")
        pieces = self.parse_counts(counts)
        cash = counted_total(pieces, self.denominations)
        if len(instruments) > limits.DEPOSIT_INSTRUMENTS:
            raise ValidationError("cash.deposit_too_many")
        with self.db.read() as conn:
            day_instruments = {ln.receipt_ids: ln for ln in _instrument_lines(closes_repo.day_lines(conn, day))}
        for ln in instruments:
            if day_instruments.get(ln.receipt_ids) != ln:
                raise ValidationError("cash.deposit_instrument_unknown", number=ln.number[:20])
        total = cash + sum(ln.amount_paise for ln in instruments)
        if total <= 0:
            raise AmountError("cash.deposit_zero")
        now = iso(self.counter.clock())
        d = Deposit(new_id(), self.counter.counter_code, day, bank, branch, slip, on, cash,
                    wire_denominations(pieces, self.denominations), [ln.wire() for ln in instruments], total,
                    session.username, now)
        with self.db.write() as conn:
            if cash_repo.slip_used(conn, slip):
                raise StateError("cash.slip_used", slip=slip)
            cash_repo.insert_deposit(conn, d, pieces)
            receipts_repo.insert_outbox(conn, d.deposit_id, RecordKind.DEPOSIT, d.body(), now)
            receipts_repo.audit(conn, now, session.username, "deposit", day,
                                {"deposit_id": d.deposit_id, "slip_no": slip, "amount_paise": total})
        return d


def _instrument_lines(lines: Sequence[closes_repo.ReceiptLine]) -> list[DepositLine]:
    """The day's cheques and DDs (not cancelled, not dishonoured), one line per instrument: the
    receipts of one multi-account cheque (the same instrument.group_id) are one line."""
    groups: dict[str, list[closes_repo.ReceiptLine]] = {}
    for ln in lines:
        if ln.mode not in ("cheque", "dd") or ln.voided or ln.dishonoured:
            continue
        inst = ln.instrument or {}
        key = str(inst.get("group_id") or "") or ln.receipt_id
        groups.setdefault(key, []).append(ln)
    out = []
    for members in groups.values():
        first = members[0].instrument or {}
        out.append(DepositLine(tuple(m.receipt_id for m in members), tuple(m.receipt_no for m in members),
                               members[0].mode, str(first.get("number", "")), str(first.get("bank", "")),
                               sum(m.amount_paise for m in members)))
    return out
