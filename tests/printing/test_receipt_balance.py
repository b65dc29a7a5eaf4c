"""The receipt says what the payment did to the account: the amount due before, the amount paid,
what is still due (or the advance now held), and for cash the round-off, the cash tendered and the
change. Checked in the PDF's text (pdftotext); the 80 mm roll is also rendered to PNG."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from counter_app.app import Application
from counter_app.domain.receipt import Instrument
from counter_app.printing.printers import PdfPrinter, print_receipt
from counter_app.printing.receipt_doc import ReceiptPrint
from counter_app.printing.render import ROLL_80MM
from counter_app.services.collection import Payment
from counter_app.ui.i18n import setup_application_fonts
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.money import format_inr
from kesco_protocol.records import Mode, Receipt


def text_of(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


@pytest.fixture
def printer(tmp_path: Path, qapp: Any) -> PdfPrinter:
    setup_application_fonts(qapp)
    return PdfPrinter(tmp_path / "pdf")


def _print(counter: Application, printer: PdfPrinter, r: Receipt) -> str:
    rp = ReceiptPrint(r, counter.config.utility_name_en, counter.config.utility_name_hi, "Kidwai Nagar", "Test Clerk")
    out, _ = print_receipt(printer, rp, ROLL_80MM)
    return text_of(Path(out or ""))


def _due(counter: Application, *, paise: bool) -> tuple[str, int]:
    for i in range(1, 400):
        v = counter.service.lookup(account_no_for_index(i))
        if v.amount_due_paise > 1000_00 and v.consumer.status == "active" and (v.amount_due_paise % 100 != 0) == paise:
            return v.consumer.account_no, v.amount_due_paise
    raise AssertionError("no such account")


def test_a_part_payment_prints_due_before_paid_and_still_due(counter: Application, clerk: Any, shift: Any,
                                                            printer: PdfPrinter) -> None:
    acct, due = _due(counter, paise=False)
    r = counter.service.issue_receipt(clerk, Payment(acct, 500_00, Mode.CASH, tendered_paise=1000_00))
    text = _print(counter, printer, r)
    for part in ("Due before", format_inr(due).lstrip("₹"), "Amount paid", "500.00", "Still due",
                 format_inr(due - 500_00).lstrip("₹"), "Tendered", "1,000.00", "Change"):
        assert part in text, part
    assert "Advance" not in text


def test_paying_more_than_due_prints_the_advance(counter: Application, clerk: Any, shift: Any,
                                                 printer: PdfPrinter) -> None:
    acct, due = _due(counter, paise=False)
    r = counter.service.issue_receipt(clerk, Payment(acct, due + 250_00, Mode.UPI, Instrument(reference="UTR12345678")))
    text = _print(counter, printer, r)
    assert "Advance" in text and "250.00" in text and "Still due" not in text
    assert "Tendered" not in text  # not cash


def test_cash_with_paise_prints_the_round_off_the_cash_taken_and_the_change(
        counter: Application, clerk: Any, shift: Any, printer: PdfPrinter, tmp_path: Path) -> None:
    acct, due = _due(counter, paise=True)
    r = counter.service.issue_receipt(clerk, Payment(acct, due))
    assert r.round_off_paise != 0
    text = _print(counter, printer, r)
    for part in ("Still due", "0.00", "Rounding", format_inr(abs(r.round_off_paise)).lstrip("₹"),
                 "Cash received", format_inr(r.cash_paise).lstrip("₹"), "Tendered", "Change"):
        assert part in text, part
