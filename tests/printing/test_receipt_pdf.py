"""Receipt PDFs checked with real tools: the Devanagari font embedded (pdffonts), the QR code
decoding to the receipt's data (zbarimg), the fields present (pdftotext), the page sizes (pdfinfo)."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage

from counter_app.app import Application
from counter_app.domain.receipt import Instrument
from counter_app.printing.printers import PdfPrinter, PrintError, SystemPrinter, print_receipt, print_void
from counter_app.printing.qr import parse_qr_payload, qr_payload
from counter_app.printing.receipt_doc import ReceiptPrint, VoidPrint
from counter_app.printing.render import A4, ROLL_80MM, PageLayout
from counter_app.services.collection import Payment
from counter_app.storage.store import set_kv
from counter_app.ui.i18n import setup_application_fonts
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.records import Mode, Receipt
from tests.conftest import SUPERVISOR

MM = 72 / 25.4  # PDF points per millimetre


def run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def text_of(pdf: Path) -> str:
    return " ".join(run("pdftotext", str(pdf), "-").split())


def page_size_mm(pdf: Path) -> tuple[float, float, int]:
    info = run("pdfinfo", str(pdf))
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    pages = re.search(r"Pages:\s+(\d+)", info)
    assert m and pages
    return float(m.group(1)) / MM, float(m.group(2)) / MM, int(pages.group(1))


def qr_codes(pdf: Path, tmp: Path) -> list[str]:
    stem = tmp / pdf.stem
    run("pdftoppm", "-r", "200", "-png", str(pdf), str(stem))
    out: list[str] = []
    for png in sorted(tmp.glob(f"{pdf.stem}*.png")):
        r = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True)
        out += [line for line in r.stdout.splitlines() if line]
    return out


@pytest.fixture
def fonts(qapp: Any) -> None:
    setup_application_fonts(qapp)


@pytest.fixture
def printer(tmp_path: Path, fonts: None) -> PdfPrinter:
    return PdfPrinter(tmp_path / "pdf")


def rp(counter: Application, r: Receipt, reprint_no: int = 0) -> ReceiptPrint:
    addr = counter.service.lookup(r.account_no).consumer.address
    return ReceiptPrint(r, counter.config.utility_name_en, counter.config.utility_name_hi, "Kidwai Nagar",
                        "Test Clerk", addr, reprint_no)


def cash(counter: Application, clerk: Any, i: int = 3, tendered: int | None = None) -> Receipt:
    acct = account_no_for_index(i)
    due = counter.service.lookup(acct).consumer.amount_due_paise or 500_00
    return counter.service.issue_receipt(clerk, Payment(acct, due, Mode.CASH, tendered_paise=tendered))


def test_cash_receipt_has_its_fields_the_hindi_font_and_a_qr_with_its_data(
        counter: Application, clerk: Any, shift: Any, printer: PdfPrinter, tmp_path: Path) -> None:
    r = cash(counter, clerk, tendered=None)
    out, _secs = print_receipt(printer, rp(counter, r), ROLL_80MM)
    pdf = Path(out or "")
    text = text_of(pdf)
    from counter_app.domain.words import amount_in_words_en
    from kesco_protocol.money import format_inr

    for field in ("PAYMENT RECEIPT", r.receipt_no, r.account_no, r.consumer_name, "29-11-2026 10:30",
                  format_inr(r.amount_paise).lstrip("₹"), amount_in_words_en(r.amount_paise),
                  "Kanpur Electricity Supply Company", "Computer generated receipt", r.bill_no or "",
                  "not a tax invoice", "K07 Kidwai Nagar", "Test Clerk"):
        assert field in text, field
    assert "DUPLICATE" not in text and "Subject to realisation" not in text
    fonts = run("pdffonts", str(pdf))
    deva = [line for line in fonts.splitlines() if "NotoSansDevanagari" in line]
    assert deva and all(line.split()[-5] == "yes" for line in deva)  # the "emb" column
    [code] = qr_codes(pdf, tmp_path)
    q = parse_qr_payload(code)
    assert (q.receipt_id, q.receipt_no, q.account_no, q.amount_paise, q.hash) == \
        (r.receipt_id, r.receipt_no, r.account_no, r.amount_paise, r.hash)
    # The roll is 80 mm wide and one page long, however long the receipt.
    w, h, pages = page_size_mm(pdf)
    assert abs(w - 80) < 0.5 and pages == 1 and 150 < h < 600


def test_qr_of_another_receipt_does_not_match(counter: Application, clerk: Any, shift: Any) -> None:
    # Negative control for the QR check: two receipts, two different codes.
    a, b = cash(counter, clerk, 3), cash(counter, clerk, 4)
    assert parse_qr_payload(qr_payload(a)) != parse_qr_payload(qr_payload(b))
    with pytest.raises(ValueError):
        parse_qr_payload("https://example.com/not-a-receipt")


def test_cheque_receipt_in_closing_and_its_duplicate_on_a4(
        counter: Application, clerk: Any, shift: Any, printer: PdfPrinter, clock: Any) -> None:
    with counter.store.db.write() as conn:
        set_kv(conn, "server_period_state", "closing")
    r = counter.service.issue_receipt(clerk, Payment(
        account_no_for_index(4), 9_87_654_32, Mode.CHEQUE,
        Instrument(number="654321", date=(clock.now.date() - timedelta(days=5)).isoformat(),
                   bank="Punjab National Bank", ifsc="PUNB0123400")))
    assert r.collected_in_closing
    out, _ = print_receipt(printer, rp(counter, r, reprint_no=2), A4)
    text = text_of(Path(out or ""))
    for field in ("DUPLICATE", "Reprint no. 2", "Subject to realisation", "654321", "24-11-2026",
                  "Punjab National Bank", "PUNB0123400", "9,87,654.32", "month-end closing",
                  "Rupees Nine Lakh Eighty-Seven Thousand Six Hundred Fifty-Four and Thirty-Two Paise Only"):
        assert field in text, field
    w, h, pages = page_size_mm(Path(out or ""))
    assert (round(w), round(h), pages) == (210, 297, 1)


def test_upi_and_cash_change_lines(counter: Application, clerk: Any, shift: Any, printer: PdfPrinter) -> None:
    r = counter.service.issue_receipt(clerk, Payment(account_no_for_index(5), 750_00, Mode.UPI,
                                                     Instrument(reference="UPI4231987654")))
    assert "UPI4231987654" in text_of(Path(print_receipt(printer, rp(counter, r), ROLL_80MM)[0] or ""))
    c = cash(counter, clerk, 3, tendered=None)
    c2 = counter.service.issue_receipt(clerk, Payment(c.account_no, 100_00, Mode.CASH, tendered_paise=500_00))
    text = text_of(Path(print_receipt(printer, rp(counter, c2), ROLL_80MM)[0] or ""))
    assert "Tendered" in text and "500.00" in text and "Change" in text and "400.00" in text


def test_cancellation_slip(counter: Application, clerk: Any, shift: Any, printer: PdfPrinter) -> None:
    r = cash(counter, clerk)
    v = counter.service.void_receipt(clerk, r.receipt_no, "Wrong account keyed", *SUPERVISOR)
    out = print_void(printer, VoidPrint(v, r, counter.config.utility_name_en, counter.config.utility_name_hi), "80mm")
    text = text_of(Path(out or ""))
    for field in ("CANCELLATION SLIP", r.receipt_no, "Wrong account keyed", "super1", "CANCELLED"):
        assert field in text, field


def test_every_text_on_the_receipt_is_12_pt_or_more(counter: Application, clerk: Any, shift: Any) -> None:
    from counter_app.printing.receipt_doc import receipt_html

    r = cash(counter, clerk)
    for roll in (True, False):
        html = receipt_html(rp(counter, r), roll=roll)
        sizes = [float(s) for s in re.findall(r"font-size:\s*([\d.]+)pt", html)]
        assert sizes and min(sizes) >= 12
    assert ROLL_80MM.base_pt >= 12 and A4.base_pt >= 12


class Broken:
    description = "broken"

    def print_html(self, html: str, images: dict[str, QImage], layout: PageLayout, title: str) -> str | None:
        raise PrintError("print.failed", detail="paper out")


def test_a_printer_failure_is_a_print_error_and_the_receipt_stays(
        counter: Application, clerk: Any, shift: Any, fonts: None) -> None:
    r = cash(counter, clerk)
    with pytest.raises(PrintError) as e:
        print_receipt(Broken(), rp(counter, r), ROLL_80MM)
    assert "NOT printed" in e.value.message("en") and "छपी नहीं" in e.value.message("hi")
    assert counter.service.get_receipt(r.receipt_id) == r


def test_system_printer_without_any_printer_says_so(counter: Application, clerk: Any, shift: Any, fonts: None) -> None:
    from PySide6.QtPrintSupport import QPrinterInfo

    if QPrinterInfo.availablePrinterNames():
        pytest.skip("this machine has printers")
    r = cash(counter, clerk)
    with pytest.raises(PrintError) as e:
        print_receipt(SystemPrinter(), rp(counter, r), ROLL_80MM)
    assert e.value.key == "print.no_printer"
    with pytest.raises(PrintError) as e:
        print_receipt(SystemPrinter("Thermal-80"), rp(counter, r), ROLL_80MM)
    assert e.value.key == "print.printer_missing"


def test_pdf_printer_setting(tmp_path: Path) -> None:
    from counter_app.printing.printers import printer_from_setting

    p = printer_from_setting("pdf:printed", tmp_path)
    assert isinstance(p, PdfPrinter) and p.folder == tmp_path / "printed"
    assert isinstance(printer_from_setting("", tmp_path), SystemPrinter)
    assert printer_from_setting("EPSON TM-T82", tmp_path).description == "EPSON TM-T82"
