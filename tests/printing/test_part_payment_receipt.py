"""A part payment's receipt says what remains due and that the connection may still be
disconnected for it, in English and Hindi, on the 80 mm roll and on A4 (the PDF's text, with
pdftotext); a receipt that pays the whole due says neither. A supervisor's approval is printed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from counter_app.app import Application
from counter_app.printing.printers import PdfPrinter, print_receipt
from counter_app.printing.receipt_doc import ReceiptPrint
from counter_app.printing.render import A4, ROLL_80MM, PageLayout
from counter_app.services.collection import Payment
from counter_app.ui.i18n import setup_application_fonts
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.money import format_inr
from kesco_protocol.records import Mode
from tests.printing.test_receipt_balance import text_of

WARNING_EN = "The connection may still be disconnected for the amount remaining."
WARNING_HI = "अब भी काटा जा सकता है।"  # "...the connection may still be disconnected"


@pytest.fixture
def printer(tmp_path: Path, qapp: Any) -> PdfPrinter:
    setup_application_fonts(qapp)
    return PdfPrinter(tmp_path / "pdf")


def _due(counter: Application) -> tuple[str, int]:
    for i in range(1, 400):
        v = counter.service.lookup(account_no_for_index(i))
        if v.amount_due_paise > 3000_00 and v.consumer.status == "active" and v.amount_due_paise % 100 == 0:
            return v.consumer.account_no, v.amount_due_paise
    raise AssertionError("no such account")


def _text(counter: Application, printer: PdfPrinter, r: Any, layout: PageLayout) -> str:
    rp = ReceiptPrint(r, counter.config.utility_name_en, counter.config.utility_name_hi, "Kidwai Nagar", "Test Clerk")
    out, _ = print_receipt(printer, rp, layout)
    return text_of(Path(out or ""))


@pytest.mark.parametrize("layout", [ROLL_80MM, A4], ids=["80mm", "a4"])
def test_a_part_payment_prints_what_remains_and_the_disconnection_warning(
        counter: Application, clerk: Any, shift: Any, printer: PdfPrinter, layout: PageLayout) -> None:
    acct, due = _due(counter)
    r = counter.service.issue_receipt(clerk, Payment(acct, 1000_00, Mode.CASH))
    text = _text(counter, printer, r, layout)
    remaining = format_inr(due - 1000_00)
    assert f"PART PAYMENT: {remaining} remains due." in text
    assert WARNING_EN in text
    # pdftotext splits Devanagari around some vowel signs and conjuncts: the words it keeps whole
    assert f"भुगतान: {remaining} अभी शेष" in text and WARNING_HI in text
    assert "allowed by" not in text  # no supervisor was needed for it here
    # the supervisor who allowed it, when one did
    allowed = _text(counter, printer, replace(r, part_payment_allowed_by="super1"), layout)
    # (on the roll the label wraps beside its value: pdftotext reads "Part payment super1 allowed by")
    assert "Part payment" in allowed and "allowed by" in allowed and "super1" in allowed


@pytest.mark.parametrize("layout", [ROLL_80MM, A4], ids=["80mm", "a4"])
def test_paying_the_whole_due_prints_no_warning(counter: Application, clerk: Any, shift: Any,
                                                printer: PdfPrinter, layout: PageLayout) -> None:
    """Negative control: the same receipt for the whole due (and an account not in the local
    data, whose due the counter does not know) carries neither line."""
    acct, due = _due(counter)
    full = counter.service.issue_receipt(clerk, Payment(acct, due, Mode.CASH))
    unknown = counter.service.issue_receipt(clerk, Payment("2199999990", 300_00, Mode.CASH,
                                                           consumer_name="New Connection Holder"))
    for r in (full, unknown):
        text = _text(counter, printer, r, layout)
        assert "PART PAYMENT" not in text and "disconnected" not in text and "आंशिक" not in text
