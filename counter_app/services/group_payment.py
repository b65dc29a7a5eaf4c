"""One cheque or DD for several accounts (issue 16): a housing society, a government office or a
landlord pays many connections with one instrument. One receipt per account, all with the same
instrument and `instrument.group_id`, issued in ONE transaction: either every receipt of the
payment exists or none does, so a crash (or a refused account in the middle) never leaves half a
payment that the clerk would have to piece together. The receipts still take consecutive numbers
in the one chain, as if issued one after another. A dishonour of the instrument reverses every
receipt in it (one Dishonour record per receipt, also in one transaction)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from counter_app.domain.errors import AmountError, StateError, StorageError, ValidationError
from counter_app.domain.receipt import Instrument, new_id, validate_instrument
from counter_app.services.clock import iso
from counter_app.services.collection import CollectionService, Payment, Session, normalise_account
from counter_app.storage import groups as groups_repo
from counter_app.storage import receipts as receipts_repo
from counter_app.storage import reversals as reversals_repo
from kesco_protocol.money import format_inr
from kesco_protocol.records import Dishonour, Mode, Receipt

# A covering letter for more accounts than this is split into several payments: the slip must
# stay readable and one transaction short (each receipt is signed and chained in it).
MAX_ACCOUNTS = 200


@dataclass(frozen=True, slots=True)
class GroupLine:
    """One account the instrument pays, and how much of it."""

    account_no: str
    amount_paise: int


@dataclass(frozen=True, slots=True)
class GroupPaymentRequest:
    """What the clerk entered: the instrument, its own total, and the accounts with their amounts."""

    mode: Mode | str
    instrument: Instrument
    total_paise: int
    lines: tuple[GroupLine, ...]
    # (supervisor, PIN) allowing the accounts of the payment that are below their least part
    # payment (issue 15); recorded only on those receipts, and audited with each
    part_payment_approval: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class GroupPayment:
    """The committed payment: the receipts in issue order (ready to print) and the instrument."""

    group_id: str
    mode: str
    instrument: dict[str, Any]
    total_paise: int
    receipts: tuple[Receipt, ...]


def check_lines(service: CollectionService, lines: tuple[GroupLine, ...], total_paise: int) -> list[str]:
    """The accounts normalised; refuses (nothing stored) an empty or too long list, an account
    twice, a bad amount, or an instrument amount that is not the sum of the lines."""
    if not lines:
        raise ValidationError("group.no_accounts")
    if len(lines) > MAX_ACCOUNTS:
        raise ValidationError("group.too_many", limit=MAX_ACCOUNTS)
    if isinstance(total_paise, bool) or not isinstance(total_paise, int):
        raise AmountError("amount.not_a_number")
    if total_paise <= 0:
        raise AmountError("amount.zero" if total_paise == 0 else "amount.negative")
    accounts: list[str] = []
    for line in lines:
        account = normalise_account(line.account_no)
        if account in accounts:
            raise ValidationError("group.duplicate_account", account=account)
        service._check_amount(line.amount_paise)
        accounts.append(account)
    lines_sum = sum(line.amount_paise for line in lines)
    if lines_sum != total_paise:
        raise AmountError("group.sum_mismatch", total=format_inr(total_paise), sum=format_inr(lines_sum),
                          difference=format_inr(abs(total_paise - lines_sum)))
    return accounts


def issue_group(service: CollectionService, session: Session, req: GroupPaymentRequest) -> GroupPayment:
    """Validate everything, then issue one receipt per account in one transaction."""
    try:
        return _issue_group(service, session, req)
    except StorageError as e:
        if e.key == "storage.disk_full_write":
            raise StorageError("storage.disk_full") from e
        raise


def _issue_group(service: CollectionService, session: Session, req: GroupPaymentRequest) -> GroupPayment:
    try:
        mode = Mode(req.mode)
    except ValueError:
        raise ValidationError("receipt.mode_invalid", mode=str(req.mode)[:20]) from None
    if not mode.is_instrument:
        raise ValidationError("group.cheque_or_dd")
    accounts = check_lines(service, req.lines, req.total_paise)
    now = service.clock()
    checked = validate_instrument(mode, req.instrument, now.date())
    assert checked is not None  # a cheque or DD always has its details
    instrument = replace(checked, group_id=new_id())
    issued: list[Receipt] = []
    # checked before the write, as for one receipt (a wrong PIN is that supervisor's refused login)
    approver = None if req.part_payment_approval is None else \
        service.authorise_supervisor(*req.part_payment_approval)
    with service.db.write() as conn:
        for account, line in zip(accounts, req.lines, strict=True):
            # an account not in the local data has no name to print: the whole payment is refused
            # (consumer.not_found names it) and the transaction leaves nothing behind
            payment = Payment(account, line.amount_paise, mode, instrument)
            issued.append(service._write_receipt(conn, session, payment, account, mode, instrument, 0, None, now,
                                                 approver=approver))
        receipts_repo.audit(conn, iso(now), session.username, "group_payment", instrument.group_id,
                            {"total_paise": req.total_paise, "receipts": [r.receipt_no for r in issued],
                             "number": instrument.number})
    return GroupPayment(str(instrument.group_id), mode.value, instrument.to_dict(), req.total_paise, tuple(issued))


def group_of(service: CollectionService, receipt_key: str) -> list[Receipt]:
    """The receipt and every other receipt paid by the same instrument (just the receipt when it
    was a single-account payment)."""
    r = service.get_receipt(receipt_key)
    gid = (r.instrument or {}).get("group_id")
    if not gid:
        return [r]
    with service.db.read() as conn:
        return groups_repo.group_receipts(conn, r.business_date, str(gid))


def dishonour_instrument(service: CollectionService, session: Session, receipt_key: str,
                         reason: str) -> list[Dishonour]:
    """The bank returned the cheque or DD of this receipt: one Dishonour per receipt it paid, in one
    transaction. Receipts of the group already cancelled, reversed or dishonoured are left as they
    are (their money is already off the account); refused when nothing is left to reverse."""
    r, reason = service.dishonourable(session, receipt_key, reason)
    gid = (r.instrument or {}).get("group_id")
    now = iso(service.clock())
    made: list[Dishonour] = []
    with service.db.write() as conn:
        members = groups_repo.group_receipts(conn, r.business_date, str(gid)) if gid else [r]
        for m in members:
            if receipts_repo.dishonour_of(conn, m.receipt_id) or receipts_repo.void_of(conn, m.receipt_id) \
                    or reversals_repo.reversal_of(conn, m.receipt_id):
                continue
            made.append(service.write_dishonour(conn, m, reason, session, now, {"group_id": gid} if gid else None))
        if not made:
            if receipts_repo.void_of(conn, r.receipt_id) is not None:
                raise StateError("receipt.already_voided", receipt=r.receipt_no)
            raise StateError("receipt.already_dishonoured")
    return made
