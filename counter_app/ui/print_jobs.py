"""Printing from the window, on the task runner: the receipt is already committed, so a printer
that fails only costs paper, never the receipt. The first copy that comes out is the original;
every later one says DUPLICATE with its reprint number."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from counter_app.domain.errors import CounterError, NotFoundError
from counter_app.printing.printers import PrintError, print_receipt, print_void
from counter_app.printing.receipt_doc import ReceiptPrint, VoidPrint
from counter_app.services.collection import Session
from counter_app.services.desk import print_count
from counter_app.ui.context import UiContext
from counter_app.ui.ops import Changes, Op
from kesco_protocol.records import Receipt, Void


@dataclass(frozen=True, slots=True)
class Printed:
    receipt_no: str
    reprint_no: int  # 0 for the original
    output: str | None  # the PDF file, when the printer writes files
    seconds: float


def _address(ctx: UiContext, account_no: str) -> str:
    try:
        return ctx.service.lookup(account_no).consumer.address
    except CounterError:
        return ""


def _clerk_name(ctx: UiContext, username: str) -> str:
    for user, name, _role, _active in ctx.service.list_users():
        if user == username:
            return name
    return ""


def receipt_print(ctx: UiContext, r: Receipt, reprint_no: int) -> ReceiptPrint:
    cfg = ctx.counter.config
    return ReceiptPrint(r, cfg.utility_name_en, cfg.utility_name_hi, ctx.counter_name,
                        _clerk_name(ctx, r.clerk), _address(ctx, r.account_no), reprint_no)


def print_job(ctx: UiContext, session: Session, receipt: Receipt, *, again: bool) -> Printed:
    """Runs on a worker. `again`: the clerk asked for another copy (Ctrl+P); it is still the
    original if no copy ever came out of the printer."""
    service = ctx.service
    reprint_no = 0
    if again and print_count(service, receipt.receipt_id) > 0:
        receipt, reprint_no = service.reprint(session, receipt.receipt_id)
    rp = receipt_print(ctx, receipt, reprint_no)
    try:
        out, secs = print_receipt(ctx.printer, rp, ctx.counter.config.receipt_layout,
                                  ctx.counter.config.server_url or None)
    except PrintError as e:
        service.record_print(session, receipt.receipt_id, ok=False, error=e.message("en"))
        raise
    except Exception as e:  # noqa: BLE001 - a driver's surprise is still only a failed print
        service.record_print(session, receipt.receipt_id, ok=False, error=str(e))
        raise PrintError("print.failed", detail=str(e)[:120]) from e
    service.record_print(session, receipt.receipt_id, ok=True)
    if out:
        ctx.printed.append(out)
    return Printed(receipt.receipt_no, reprint_no, out, secs)


def void_slip_job(ctx: UiContext, void: Void) -> str | None:
    try:
        receipt = ctx.service.get_receipt(void.receipt_id)
    except NotFoundError:
        return None
    cfg = ctx.counter.config
    vp = VoidPrint(void, receipt, cfg.utility_name_en, cfg.utility_name_hi, ctx.counter_name)
    try:
        out = print_void(ctx.printer, vp, cfg.receipt_layout)
    except PrintError:
        raise
    except Exception as e:  # noqa: BLE001
        raise PrintError("print.failed", detail=str(e)[:120]) from e
    if out:
        ctx.printed.append(out)
    return out


def print_op(page: Any, receipt: Receipt, *, again: bool, show_error: bool = True) -> Op[Printed] | None:
    """The print job as an Op of `page` (not exclusive: the next consumer may be served while the
    last receipt prints). None when nobody is logged in."""
    ctx: UiContext = page.ctx
    session = ctx.session
    if session is None:
        return None
    return Op(page, lambda: print_job(ctx, session, receipt, again=again), exclusive=False,
              show_error=show_error, changes=Changes(printed=True))
