"""The counter's service API: the one entry point for the window and the CLI.

Every method validates its input completely before it writes, and every write is one
transaction: a receipt, its outbox row and its audit row are committed together or not at all."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError as SAIntegrityError

from counter_app.config import Config
from counter_app.domain import chain
from counter_app.domain.chain import format_ranges
from counter_app.domain.consumer import Consumer
from counter_app.domain.errors import (
    AmountError,
    AuthError,
    NotFoundError,
    PermissionDenied,
    StateError,
    StorageError,
    ValidationError,
)
from counter_app.domain.part_payment import shortfall
from counter_app.domain.receipt import Instrument, new_id, receipt_number, validate_instrument
from counter_app.domain.rounding import cash_round_off
from counter_app.services import clock_guard
from counter_app.services.clock import Clock, iso, system_clock
from counter_app.services.dues import RecentPayment, recent_payments, unreflected_paise
from counter_app.services.security import hash_pin, verify_pin
from counter_app.storage import account_activity
from counter_app.storage import anchors as anchors_repo
from counter_app.storage import cash as cash_repo
from counter_app.storage import closes as closes_repo
from counter_app.storage import consumers as consumers_repo
from counter_app.storage import part_payment as part_payment_repo
from counter_app.storage import receipts as receipts_repo
from counter_app.storage import reversals as reversals_repo
from counter_app.storage import users as users_repo
from counter_app.storage.db import raw
from counter_app.storage.store import Store, get_kv, get_kvs
from kesco_protocol import limits as protocol_limits
from kesco_protocol.digits import is_ascii_digits, to_ascii_digits
from kesco_protocol.part_payment import Minimum
from kesco_protocol.records import Dishonour, Mode, Receipt, RecordKind, Void
from kesco_protocol.signing import Signer, sign_receipt

MAX_FAILED_LOGINS = 5
LOCKOUT_MINUTES = 15
MIN_PIN_DIGITS = 4
ROLES = ("clerk", "supervisor", "admin")
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$")
_ACCOUNT = re.compile(r"^[0-9]{10}$")

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in user."""

    username: str
    full_name: str
    role: str

    @property
    def is_supervisor(self) -> bool:
        return self.role in ("supervisor", "admin")


@dataclass(frozen=True, slots=True)
class Payment:
    """What the clerk entered for one payment. Amounts already parsed to paise."""

    account_no: str
    amount_paise: int
    mode: Mode | str = Mode.CASH
    instrument: Instrument | None = None
    tendered_paise: int | None = None
    consumer_name: str | None = None  # only for an account not yet in the cache
    # (supervisor, PIN) given on the collect screen for an amount below the least part payment
    part_payment_approval: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class ConsumerView:
    """A consumer as the collect screen shows it, with today's warnings."""

    consumer: Consumer
    paid_today_paise: int
    balances_as_of: str | None
    # this counter's receipts, voids and dishonours that the cached balance does not count yet
    # (services/dues.py says exactly which): negative after a payment here
    unreflected_paise: int = 0
    recent: tuple[RecentPayment, ...] = ()  # payments within config.recent_payment_hours, newest first
    # the least part payment for this consumer's category (the policy the counter holds)
    part_payment_rule: Minimum | None = None

    @property
    def balance_paise(self) -> int:
        """The cached balance with this counter's own records applied: what is owed now."""
        return self.consumer.balance_paise + self.unreflected_paise

    @property
    def amount_due_paise(self) -> int:
        return max(self.balance_paise, 0)

    @property
    def warnings(self) -> list[str]:
        w: list[str] = []
        if self.paid_today_paise > 0:
            w.append("consumer.warn_paid_today")
        if self.consumer.status != "active":
            w.append("consumer.warn_" + self.consumer.status)
        if self.consumer.dishonoured_cheques > 0:
            w.append("consumer.warn_dishonoured")
        return w


def _check_text_limits(receipt: Receipt) -> None:
    """Refuse, before it is sealed, a receipt whose text the server would refuse as too long (the
    one shared table, kesco_protocol.limits): a typed name, or master data that does not fit."""
    body = receipt.body()
    fields = [(name, body.get(name), limit) for name, limit in protocol_limits.RECEIPT.items()]
    fields += [(f"instrument.{name}", (receipt.instrument or {}).get(name), limit)
               for name, limit in protocol_limits.INSTRUMENT.items()]
    for name, value, limit in fields:
        if isinstance(value, str) and len(value) > limit:
            raise ValidationError("receipt.text_too_long", field=name, limit=limit)


def clean_reason(reason: str) -> str:
    """A cancellation's, reversal's or dishonour's reason with its white space folded; refused when
    shorter than three characters. The caller cuts it to what it stores."""
    reason = " ".join(reason.split())
    if len(reason) < 3:
        raise ValidationError("receipt.reason_required")
    return reason


def normalise_account(text: str) -> str:
    """An account number as typed or scanned: Devanagari (any script's) digits allowed, spaces and dashes ignored."""
    s = re.sub(r"[\s-]", "", to_ascii_digits(text))
    if not _ACCOUNT.match(s):
        raise ValidationError("consumer.bad_account")
    return s


class CollectionService:
    # The least part payment is refused here for every caller (issue 15). Always True in the
    # product; only the test suite, whose older tests pay small amounts on demo accounts with large
    # dues and predate the rule in the service, turns it off (tests/conftest.py) -- nothing in the
    # configuration can.
    enforce_part_payment: bool = True

    def __init__(self, store: Store, config: Config | None = None, clock: Clock = system_clock) -> None:
        self.store = store
        self.db = store.db
        self.config = config or Config()
        self.clock = clock
        # the counter's Ed25519 key (kesco_protocol.signing), set by the sync wiring from the
        # keyring once enrolled; None before enrolment, and receipts are then unsigned
        self.signer: Signer | None = None

    # ---------------------------------------------------------------- identity
    @property
    def counter_code(self) -> str:
        return self.store.counter_code

    def initialise(self, counter_code: str, counter_name: str = "") -> None:
        from kesco_protocol.records import valid_counter_code

        code = to_ascii_digits(counter_code).strip().upper()
        if not valid_counter_code(code):
            raise ValidationError("counter.bad_code")
        existing = self.store.get_meta("counter_code")
        if existing and existing != code:
            with self.db.read() as conn:
                has_receipts = receipts_repo.chain_head(conn)[0] > 0
            if has_receipts:
                raise StateError("counter.code_fixed", code=existing)
        self.store.set_meta("counter_code", code)
        if counter_name:
            self.store.set_meta("counter_name", counter_name)

    # ---------------------------------------------------------------- users
    def add_user(self, username: str, full_name: str, role: str, pin: str, *, actor: str | None = None) -> None:
        username = username.strip()
        if not _USERNAME.match(username):
            raise ValidationError("auth.bad_username")
        if role not in ROLES:
            raise ValidationError("auth.bad_role", role=role)
        pin = to_ascii_digits(pin)  # a Hindi keyboard's १२३४ is the PIN 1234, at login too
        if not is_ascii_digits(pin) or len(pin) < MIN_PIN_DIGITS or len(pin) > 12:
            raise ValidationError("auth.pin_too_short", min=MIN_PIN_DIGITS)
        full_name = " ".join(full_name.split()) or username
        now = iso(self.clock())
        pin_hash = hash_pin(pin)
        try:
            with self.db.write() as conn:
                if users_repo.get_user(conn, username) is not None:
                    raise ValidationError("auth.user_exists", username=username)
                users_repo.insert_user(conn, username, full_name, role, pin_hash, now)
                receipts_repo.audit(conn, now, actor, "user_add", username, {"role": role})
        except SAIntegrityError:
            raise ValidationError("auth.user_exists", username=username) from None

    def login(self, username: str, pin: str) -> Session:
        now = self.clock()
        with self.db.read() as conn:
            user = users_repo.get_user(conn, username.strip())
        if user is None or not user.active:
            self._audit(None, "login_failed", username.strip()[:32])
            raise AuthError("auth.failed")
        if user.locked_until and datetime.fromisoformat(user.locked_until) > now:
            minutes = max(1, int((datetime.fromisoformat(user.locked_until) - now).total_seconds() // 60) + 1)
            self._audit(user.username, "login_locked", user.username)
            raise AuthError("auth.locked", minutes=minutes)
        if not verify_pin(to_ascii_digits(pin), user.pin_hash):
            attempts = user.failed_attempts + 1
            locked = iso(now + timedelta(minutes=LOCKOUT_MINUTES)) if attempts >= MAX_FAILED_LOGINS else None
            try:
                with self.db.write() as conn:
                    users_repo.record_login_failure(conn, user.username, 0 if locked else attempts, locked)
                    receipts_repo.audit(conn, iso(now), user.username, "login_failed", user.username,
                                        {"attempts": attempts})
            except StorageError as e:  # the answer is still "wrong PIN"; the count is lost with the disk
                log.warning("failed login of %s not recorded: %s", user.username, e.key)
            if locked:
                raise AuthError("auth.locked", minutes=LOCKOUT_MINUTES)
            raise AuthError("auth.failed")
        try:
            with self.db.write() as conn:
                users_repo.reset_login_failures(conn, user.username)
                receipts_repo.audit(conn, iso(now), user.username, "login", user.username)
        except StorageError as e:
            # Login only needs to read: at a full disk the clerk must still get in (to see, print,
            # close); the lost audit line is logged instead of blocking the counter.
            log.warning("login of %s not audited: %s", user.username, e.key)
        return Session(user.username, user.full_name, user.role)

    def authorise_supervisor(self, username: str, pin: str) -> Session:
        """Checks a supervisor's approval given on the clerk's screen."""
        s = self.login(username, pin)
        if not s.is_supervisor:
            raise PermissionDenied("auth.supervisor_required")
        return s

    def list_users(self) -> list[tuple[str, str, str, bool]]:
        with self.db.read() as conn:
            return users_repo.list_users(conn)

    # ---------------------------------------------------------------- shifts
    def open_shift(self, session: Session, opening_float_paise: int) -> users_repo.ShiftRow:
        if isinstance(opening_float_paise, bool) or not isinstance(opening_float_paise, int):
            raise AmountError("amount.not_a_number")
        if opening_float_paise < 0:
            raise AmountError("amount.negative")
        if opening_float_paise > self.config.max_receipt_paise:
            raise AmountError("amount.over_limit", limit=self.config.max_receipt_paise)
        now = self.clock()
        code = self.counter_code
        with self.db.write() as conn:
            if users_repo.open_shift_of(conn, session.username) is not None:
                raise StateError("shift.already_open")
            today = now.date().isoformat()
            if closes_repo.is_day_closed(conn, today):
                raise StateError("close.day_closed", date=today)
            shift = users_repo.ShiftRow(new_id(), code, session.username, now.date().isoformat(), iso(now),
                                        opening_float_paise, None)
            users_repo.insert_shift(conn, shift)
            receipts_repo.audit(conn, iso(now), session.username, "shift_open", shift.shift_id,
                                {"opening_float_paise": opening_float_paise})
        return shift

    def current_shift(self, session: Session) -> users_repo.ShiftRow | None:
        with self.db.read() as conn:
            return users_repo.open_shift_of(conn, session.username)

    def get_shift(self, shift_id: str) -> users_repo.ShiftRow:
        with self.db.read() as conn:
            s = users_repo.get_shift(conn, shift_id)
        if s is None:
            raise NotFoundError("shift.not_found", shift_id=shift_id)
        return s

    # ---------------------------------------------------------------- consumers
    def lookup(self, text: str) -> ConsumerView:
        """Exact lookup by account number (typed or scanned), meter number or mobile."""
        raw = to_ascii_digits(text.strip())
        with self.db.read() as conn:
            found: Consumer | None = None
            if re.fullmatch(r"[\d\s-]{10,13}", raw) and len(re.sub(r"[\s-]", "", raw)) == 10:
                acct = re.sub(r"[\s-]", "", raw)
                found = consumers_repo.by_account(conn, acct)
                if found is None:
                    matches = consumers_repo.by_meter_or_mobile(conn, acct)
                    found = matches[0] if len(matches) == 1 else None
                if found is None:
                    raise NotFoundError("consumer.not_found", account=acct)
            else:
                if not raw or len(raw) > 20:
                    raise ValidationError("consumer.bad_account")
                matches = consumers_repo.by_meter_or_mobile(conn, raw.upper())
                if len(matches) != 1:
                    raise NotFoundError("consumer.not_found", account=raw)
                found = matches[0]
            return self._view(conn, found)

    def _view(self, conn: Connection, c: Consumer) -> ConsumerView:
        now = self.clock()
        as_of = get_kv(conn, "consumers_as_of")
        own = account_activity.own_receipts(conn, c.account_no)
        return ConsumerView(c, consumers_repo.paid_today(conn, c.account_no, now.date().isoformat()), as_of,
                            unreflected_paise(own, as_of),
                            tuple(recent_payments(c, own, now, self.config.recent_payment_hours)),
                            part_payment_repo.load(conn).policy.for_category(c.category))

    def search(self, text: str, limit: int = 20) -> list[Consumer]:
        """Prefix search over name, father's/husband's name, address and locality; digits look up
        account, meter or mobile."""
        q = text.strip()
        if len(q) > 100:
            raise ValidationError("consumer.query_too_long")
        digits = to_ascii_digits(q).replace(" ", "")
        with self.db.read() as conn:
            if digits.isdigit() and len(digits) >= 10:
                c = consumers_repo.by_account(conn, digits[:10])
                return [c] if c else consumers_repo.by_meter_or_mobile(conn, digits)
            if digits.isdigit() and len(digits) >= 4:
                return consumers_repo.by_mobile_end(conn, digits, limit)
            if len(q) < 2:
                return []
            return consumers_repo.search(conn, q, limit)

    def consumer_count(self) -> int:
        with self.db.read() as conn:
            return consumers_repo.count(conn)

    # ---------------------------------------------------------------- receipts
    def _check_amount(self, paise: int) -> None:
        if isinstance(paise, bool) or not isinstance(paise, int):
            raise AmountError("amount.not_a_number")
        if paise < 0:
            raise AmountError("amount.negative")
        if paise == 0:
            raise AmountError("amount.zero")
        if paise > self.config.max_receipt_paise:
            from kesco_protocol.money import format_inr

            raise AmountError("amount.over_limit", limit=format_inr(self.config.max_receipt_paise))

    def issue_receipt(self, session: Session, payment: Payment) -> Receipt:
        """See _issue_receipt; a full disk is reported as the receipt that was not saved."""
        try:
            return self._issue_receipt(session, payment)
        except StorageError as e:
            if e.key == "storage.disk_full_write":
                raise StorageError("storage.disk_full") from e
            raise

    def _issue_receipt(self, session: Session, payment: Payment) -> Receipt:
        """Validate, then in one transaction: allocate the next sequence number, chain the hash and
        insert receipt + outbox + audit. Returns the committed receipt (ready to print)."""
        account = normalise_account(payment.account_no)
        self._check_amount(payment.amount_paise)
        try:
            mode = Mode(payment.mode)
        except ValueError:
            raise ValidationError("receipt.mode_invalid", mode=str(payment.mode)[:20]) from None
        now = self.clock()
        instrument = validate_instrument(mode, payment.instrument, now.date())
        # the account is credited the amount; the drawer takes it rounded to the rupee (PROTOCOL.md)
        round_off = cash_round_off(payment.amount_paise, self.config.cash_rounding) if mode is Mode.CASH else 0
        tendered = payment.tendered_paise
        if tendered is not None:
            if mode is not Mode.CASH:
                tendered = None
            else:
                if isinstance(tendered, bool) or not isinstance(tendered, int):
                    raise AmountError("amount.not_a_number")
                if tendered < payment.amount_paise + round_off:
                    raise AmountError("amount.tendered_short")
                if tendered > payment.amount_paise + round_off + 2000_00:
                    raise AmountError("amount.tendered_too_much")
        # a supervisor who allows a payment below the least part payment: checked before the write
        # (a wrong PIN is a refused login, counted against that supervisor)
        approver = None if payment.part_payment_approval is None else \
            self.authorise_supervisor(*payment.part_payment_approval)
        with self.db.write() as conn:
            sealed = self._write_receipt(conn, session, payment, account, mode, instrument, round_off, tendered, now,
                                         approver=approver)
        return sealed

    def _write_receipt(self, conn: Connection, session: Session, payment: Payment, account: str, mode: Mode,
                       instrument: Instrument | None, round_off: int, tendered: int | None,
                       now: datetime, *, approver: Session | None = None) -> Receipt:
        """Inside the caller's write transaction: the shift and clock checks, the next sequence
        number, the chained hash, and receipt + outbox + audit rows. One receipt (issue_receipt)
        or several on one instrument (services/group_payment.py) share it."""
        code = self.counter_code
        shift = users_repo.open_shift_of(conn, session.username)
        if shift is None:
            raise StateError("shift.none_open")
        clock_guard.check(conn, now, self.config)
        today = now.date().isoformat()
        if shift.business_date != today:
            # A shift must not silently span days: the clerk closes it (a blind count of the cash,
            # which only the clerk can make, so it is never closed for them) and opens today's.
            raise StateError("shift.spans_days", opened=shift.business_date, today=today)
        if mode is Mode.CASH and self.config.cash_hard_limit_paise:
            # past the hard cash limit the drawer waits for a supervisor's pickup (issue 16)
            self._refuse_past_hard_limit(conn, shift)
        consumer = consumers_repo.by_account(conn, account)
        kv = get_kvs(conn, "server_period_state", "consumers_as_of", "server_status", "restored_behind_seq")
        balance_before: int | None = None
        if consumer is None:
            name = " ".join((payment.consumer_name or "").split())
            if not name:
                raise NotFoundError("consumer.not_found", account=account)
            category, bill_no = "", None
        else:
            name, category, bill_no = consumer.name, consumer.category, consumer.last_bill_no
            # the balance as the clerk saw it: negative is an advance already held
            balance_before = consumer.balance_paise + unreflected_paise(
                account_activity.own_receipts(conn, account), kv["consumers_as_of"])
        allowed_by = _part_payment_allowed_by(conn, approver, consumer, balance_before, payment.amount_paise,
                                              account, enforce=self.enforce_part_payment)
        seq, head = receipts_repo.chain_head(conn)
        issued_elsewhere = _highest_known_seq(kv)
        if issued_elsewhere > seq:
            # Restored from an older backup: numbers seq+1..issued_elsewhere were already given to
            # consumers. Issuing them again would print two receipts with one number.
            raise StateError("counter.behind_server", known=issued_elsewhere, local=seq)
        seq += 1
        receipt = Receipt(
            receipt_id=new_id(),
            counter_code=code,
            seq=seq,
            receipt_no=receipt_number(code, now.date(), seq),
            account_no=account,
            consumer_name=name,
            category=category,
            bill_no=bill_no,
            amount_paise=payment.amount_paise,
            mode=mode.value,
            instrument=None if instrument is None else instrument.to_dict(),
            tendered_paise=tendered,
            clerk=session.username,
            shift_id=shift.shift_id,
            issued_at=iso(now),
            business_date=today,  # the day the money was taken
            collected_in_closing=kv["server_period_state"] == "closing",
            balance_as_of=kv["consumers_as_of"],
            round_off_paise=round_off,
            balance_before_paise=balance_before,
            part_payment_allowed_by=allowed_by,
        )
        _check_text_limits(receipt)
        sealed = chain.seal(receipt, head)
        signer = self.signer
        if signer is not None:
            sealed = replace(sealed, key_id=signer.key_id, signature=sign_receipt(signer, sealed))
        receipts_repo.insert_receipt(conn, sealed)
        if sealed.signature is not None:
            receipts_repo.insert_signature(conn, sealed)
        receipts_repo.insert_outbox(conn, sealed.receipt_id, RecordKind.RECEIPT, sealed.wire(), sealed.issued_at)
        receipts_repo.audit(conn, sealed.issued_at, session.username, "receipt", sealed.receipt_id,
                            {"seq": seq, "amount_paise": sealed.amount_paise, "mode": sealed.mode}
                            | ({"part_payment_allowed_by": allowed_by} if allowed_by else {}))
        return sealed

    def _refuse_past_hard_limit(self, conn: Connection, shift: users_repo.ShiftRow) -> None:
        from kesco_protocol.money import format_inr

        limit = self.config.cash_hard_limit_paise
        if cash_repo.in_drawer_at_most(conn, shift.shift_id, shift.opening_float_paise) <= limit:
            return  # far from the limit: the exact sum (every receipt's round-off) is not needed
        in_drawer = cash_repo.in_drawer_paise(conn, shift.shift_id, shift.opening_float_paise)
        if in_drawer > limit:
            raise StateError("cash.hard_limit", drawer=format_inr(in_drawer),
                             limit=format_inr(self.config.cash_hard_limit_paise))

    def get_receipt(self, key: str) -> Receipt:
        with self.db.read() as conn:
            r = receipts_repo.get_receipt(conn, key.strip())
        if r is None:
            raise NotFoundError("receipt.not_found", receipt=key.strip()[:40])
        return r

    def shift_receipts(self, shift_id: str) -> list[tuple[Receipt, str | None]]:
        with self.db.read() as conn:
            return receipts_repo.shift_receipts(conn, shift_id)

    def record_print(self, session: Session, receipt_id: str, *, ok: bool, error: str | None = None) -> None:
        """The first print of a receipt (or its failure); a failed print never touches the receipt."""
        self._audit(session.username, "print" if ok else "print_failed", receipt_id,
                    None if error is None else {"error": error[:200]})

    def reprint(self, session: Session, receipt_key: str) -> tuple[Receipt, int]:
        """The receipt to print again, marked DUPLICATE, and how many reprints it has had (this one
        included)."""
        r = self.get_receipt(receipt_key)
        now = iso(self.clock())
        with self.db.write() as conn:
            receipts_repo.audit(conn, now, session.username, "reprint", r.receipt_id)
            n = receipts_repo.count_audit(conn, "reprint", r.receipt_id)
        return r, n

    def void_receipt(self, session: Session, receipt_key: str, reason: str, supervisor: str,
                     supervisor_pin: str) -> Void:
        reason = clean_reason(reason)
        if len(reason) > 200:
            reason = reason[:200]
        r = self.get_receipt(receipt_key)
        approver = self.authorise_supervisor(supervisor, supervisor_pin)
        now = iso(self.clock())
        with self.db.write() as conn:
            shift = users_repo.get_shift(conn, r.shift_id)
            if shift is None or not shift.is_open:
                raise StateError("shift.closed")
            if r.business_date != self.clock().date().isoformat():
                # the utilities' rule (issue 16): a void only on the receipt's own business day;
                # after that a supervisor's reversal (services/reversals.py), dated the day it is made
                raise StateError("receipt.reversal_needed", receipt=r.receipt_no,
                                 date=date.fromisoformat(r.business_date).strftime("%d-%m-%Y"))
            if shift.clerk != session.username and not session.is_supervisor:
                raise StateError("receipt.void_other_shift")
            if receipts_repo.void_of(conn, r.receipt_id) is not None:
                raise StateError("receipt.already_voided", receipt=r.receipt_no)
            if reversals_repo.reversal_of(conn, r.receipt_id) is not None:
                raise StateError("receipt.already_reversed", receipt=r.receipt_no)
            v = Void(new_id(), r.counter_code, r.receipt_id, r.receipt_no, r.amount_paise, r.mode, reason,
                     session.username, approver.username, r.shift_id, now)
            receipts_repo.insert_void(conn, v)
            receipts_repo.insert_outbox(conn, v.void_id, RecordKind.VOID, v.body(), now)
            receipts_repo.audit(conn, now, session.username, "void", r.receipt_id,
                                {"void_id": v.void_id, "approved_by": approver.username, "reason": reason})
        return v

    def dishonourable(self, session: Session, receipt_key: str, reason: str) -> tuple[Receipt, str]:
        """The receipt whose cheque or DD the bank returned and the reason folded; refused for a
        clerk, a reason too short or a receipt not paid by cheque or DD."""
        if not session.is_supervisor:
            raise PermissionDenied("auth.supervisor_required")
        reason = clean_reason(reason)
        r = self.get_receipt(receipt_key)
        if not Mode(r.mode).is_instrument:
            raise ValidationError("receipt.not_cheque", receipt=r.receipt_no)
        return r, reason

    @staticmethod
    def write_dishonour(conn: Connection, r: Receipt, reason: str, session: Session, now: str,
                        audit: dict[str, Any] | None = None) -> Dishonour:
        """The Dishonour of one receipt, its outbox copy and its audit line, in the caller's
        transaction (a single receipt here, each receipt of a group in group_payment.py)."""
        d = Dishonour(new_id(), r.counter_code, r.receipt_id, r.receipt_no, r.account_no, r.amount_paise,
                      reason[:protocol_limits.REASON], session.username, now)
        receipts_repo.insert_dishonour(conn, d)
        receipts_repo.insert_outbox(conn, d.dishonour_id, RecordKind.DISHONOUR, d.body(), now)
        receipts_repo.audit(conn, now, session.username, "dishonour", r.receipt_id,
                            {"reason": d.reason, **(audit or {})})
        return d

    def record_dishonour(self, session: Session, receipt_key: str, reason: str) -> Dishonour:
        r, reason = self.dishonourable(session, receipt_key, reason)
        now = iso(self.clock())
        with self.db.write() as conn:
            if receipts_repo.dishonour_of(conn, r.receipt_id) is not None:
                raise StateError("receipt.already_dishonoured")
            if receipts_repo.void_of(conn, r.receipt_id) is not None:
                raise StateError("receipt.already_voided", receipt=r.receipt_no)
            if reversals_repo.reversal_of(conn, r.receipt_id) is not None:
                raise StateError("receipt.already_reversed", receipt=r.receipt_no)
            return self.write_dishonour(conn, r, reason, session, now)

    # ---------------------------------------------------------------- checks
    def verify(self, anchors: Sequence[str] = ()) -> dict[str, Any]:
        """Integrity check, chain and sequence gaps, outbox completeness and its copies against the
        sealed receipts, and the chain against its anchors: the server's, and `anchors` typed from
        signed shift reports ("SEQ:HASH"). `ok` is False on any problem."""
        typed = [(*anchors_repo.parse_anchor(a), "shift report") for a in anchors]
        problems: list[dict[str, Any]] = []
        damage = self.db.quick_check()
        if damage is not None:
            problems.append({"key": "storage.damaged", "detail": damage})
        with self.db.read() as conn:
            report = chain.verify_chain(receipts_repo.iter_receipts(conn))
            gaps = receipts_repo.sequence_gaps(conn)
            no_outbox = receipts_repo.outbox_missing(conn)
            head_seq, _ = receipts_repo.chain_head(conn)
            con = raw(conn)
            found = anchors_repo.server_anchors(con)
            anchor_problems = anchors_repo.anchor_problems(con, [*found, *typed])
            outbox_changed = anchors_repo.outbox_mismatches(con)
        if gaps:
            problems.append({"key": "integrity.sequence_gap", "missing": format_ranges(gaps)})
        if not report.ok and not gaps:
            problems.append({"key": "integrity.chain_broken", "seq": report.broken_at_seq, "detail": report.reason})
        elif not report.ok and report.reason and "sequence" not in report.reason:
            problems.append({"key": "integrity.chain_broken", "seq": report.broken_at_seq, "detail": report.reason})
        if no_outbox:
            problems.append({"key": "integrity.outbox_missing", "seqs": format_ranges(no_outbox)})
        if outbox_changed:
            problems.append({"key": "integrity.outbox_mismatch", "seqs": format_ranges(outbox_changed)})
        problems.extend(anchor_problems)
        return {"ok": not problems, "receipts": head_seq, "chain_checked": report.checked, "problems": problems,
                "anchors_checked": len(found) + len(typed)}

    def _audit(self, actor: str | None, action: str, subject: str | None,
               detail: dict[str, Any] | None = None) -> None:
        try:
            with self.db.write() as conn:
                receipts_repo.audit(conn, iso(self.clock()), actor, action, subject, detail)
        except StorageError:
            pass  # an audit line must never stop a clerk from working when the disk is full


def _part_payment_allowed_by(conn: Connection, approver: Session | None, consumer: Consumer | None,
                             due_paise: int | None, amount_paise: int, account: str, *,
                             enforce: bool = True) -> str | None:
    """Who allowed this payment below the least part payment: the approving supervisor, recorded
    only when the amount is below it (an approval given for a payment that needs none is not one).
    Below it without an approval the payment is refused here, whoever the caller (the screen, a
    group payment, the CLI): the rule is the utility's, not the screen's. An account not in the
    local data has no known due and is never held up (the screen does the same)."""
    if consumer is None or due_paise is None:
        return None
    rule = part_payment_repo.load(conn).policy.for_category(consumer.category)
    short = shortfall(rule, due_paise, amount_paise)
    if short is None:
        return None
    if approver is None:
        if not enforce:
            return None
        raise AmountError("part_payment.refused", account=account, **short.params)
    return approver.username


def _highest_known_seq(kv: dict[str, str | None]) -> int:
    """The highest receipt number this counter is known to have issued: what the server last said
    it holds, or what a database replaced by a restore had."""
    import json

    known = 0
    if kv.get("server_status"):
        try:
            known = int(json.loads(kv["server_status"] or "{}").get("max_seq") or 0)
        except (ValueError, TypeError, AttributeError):
            known = 0
    try:
        known = max(known, int(kv.get("restored_behind_seq") or 0))
    except ValueError:
        pass
    return known


