"""The closing papers as printed, looked at in the PDF's text: the 80 mm shift report's signature
lines whole (not wrapped), a long cancel reason in full on the Z-report, "1 item" and "2 items",
and the cash round-off on the shift report and the Z-report."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from counter_app.app import Application
from counter_app.domain.receipt import Instrument
from counter_app.printing.reports import render_shift_report_pdf, render_z_report_pdf
from counter_app.services.closes import CloseService
from counter_app.services.collection import Payment
from counter_app.ui.i18n import setup_application_fonts
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.records import Mode
from tests.conftest import SUPERVISOR

REASON = ("Keyed the account of the neighbour at 8/88 Nawabganj instead of 8/86; the consumer noticed at once "
          "and paid again on the right account, receipt reprinted")


@pytest.fixture(autouse=True)
def fonts(qapp: Any) -> None:
    setup_application_fonts(qapp)


def lines_of(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [ln for ln in out.splitlines() if ln.strip()]


def text_of(pdf: Path) -> str:
    return " ".join(" ".join(lines_of(pdf)).split())


def _day(counter: Application, clerk: Any, clock: Any, cheques: int) -> Any:
    svc = counter.service
    dated = (clock.now.date() - timedelta(days=1)).isoformat()
    svc.issue_receipt(clerk, Payment(account_no_for_index(1), 2026_40))  # cash, rounded down 40 paise
    for i in range(cheques):
        svc.issue_receipt(clerk, Payment(account_no_for_index(2 + i), 1000_00, Mode.CHEQUE,
                                         Instrument(number=f"12345{i}", date=dated, bank="Bank of Baroda",
                                                    ifsc="BARB0KANPUR")))
    gone = svc.issue_receipt(clerk, Payment(account_no_for_index(9), 300_00))
    svc.void_receipt(clerk, gone.receipt_no, REASON, *SUPERVISOR)
    closing = CloseService(svc)
    ticked = [ln.receipt_id for ln in closing.instruments_to_tick(clerk)]
    sc = closing.close_shift(clerk, {"N500": 6, "N10": 2, "C5": 1, "C1": 1}, ticked)  # 1,000 + 2,026
    return closing, sc


def test_the_roll_shift_report_keeps_each_signature_line_whole(counter, clerk, shift, clock, tmp_path: Path) -> None:
    _closing, sc = _day(counter, clerk, clock, cheques=1)
    pdf = render_shift_report_pdf(sc, counter.config, tmp_path / "shift.pdf", clerk_name="Test Clerk")
    rules = [m.group(0) for ln in lines_of(pdf) for m in re.finditer(r"_{3,}", ln)]
    assert len(rules) == 2 and len(set(rules)) == 1, rules  # two lines, each whole: nothing wrapped
    text = text_of(pdf)
    assert "Clerk" in text and "Supervisor" in text
    assert "Cash rounding" in text and "0.40" in text


def test_the_z_report_prints_a_long_cancel_reason_in_full_and_counts_in_words(
        counter, clerk, shift, clock, tmp_path: Path) -> None:
    closing, _sc = _day(counter, clerk, clock, cheques=1)
    rep = closing.day_report(shift.business_date)
    text = text_of(render_z_report_pdf(rep, counter.config, tmp_path / "z.pdf"))
    # the reason goes on under itself in its column; the approver stands beside its first line
    assert REASON in text.replace(f" {SUPERVISOR[0]} ", " ", 1)
    assert "1 item " in text and "1 items" not in text
    assert "Cash rounding" in text and "0.40" in text


def test_two_cheques_are_two_items(counter, clerk, shift, clock, tmp_path: Path) -> None:
    closing, _sc = _day(counter, clerk, clock, cheques=2)
    text = text_of(render_z_report_pdf(closing.day_report(shift.business_date), counter.config, tmp_path / "z.pdf"))
    assert "2 items" in text
