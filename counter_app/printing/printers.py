"""Where receipts go: the printer driver is the edge we do not own, so it sits behind one small
interface. `SystemPrinter` prints through Qt to the configured (or default) printer; `PdfPrinter`
writes a PDF file (the demo, tests, and counters that keep a digital copy)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtGui import QImage, QPdfWriter, QTextDocument

from counter_app.domain.errors import CounterError
from counter_app.printing.gui_thread import on_gui_thread
from counter_app.printing.qr import qr_image, qr_payload
from counter_app.printing.receipt_doc import QR_URL, ReceiptPrint, VoidPrint, receipt_html, void_html
from counter_app.printing.render import PageLayout, build_document, layout_named, paint


class PrintError(CounterError):
    """The receipt is committed; only the paper failed. It can be printed again."""

    key = "print.failed"


class ReceiptPrinter(Protocol):
    """Prints one document. Implementations raise PrintError, never anything else they can help."""

    description: str

    def print_html(self, html: str, images: dict[str, QImage], layout: PageLayout, title: str) -> str | None:
        """Print; returns where the output went (a file path) if there is such a thing."""
        ...


class PdfPrinter:
    """Writes each document as a PDF file in a folder (named after the receipt number)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.description = f"PDF: {self.folder}"

    def path_for(self, title: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", title).strip("_") or "document"
        path = self.folder / f"{safe}.pdf"
        n = 2
        while path.exists():
            path = self.folder / f"{safe}-{n}.pdf"
            n += 1
        return path

    def print_html(self, html: str, images: dict[str, QImage], layout: PageLayout, title: str) -> str | None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise PrintError("print.pdf_failed", path=str(self.folder), detail=str(e)) from None
        path = self.path_for(title)
        write_pdf(html, images, layout, path, title)
        return str(path)


def write_pdf(html: str, images: dict[str, QImage], layout: PageLayout, path: Path, title: str = "") -> Path:
    return write_document_pdf(lambda writer: build_document(html, images, layout, writer), layout, path, title)


def write_document_pdf(build: Callable[[QPdfWriter], Any], layout: PageLayout, path: Path, title: str) -> Path:
    """Lay out a document for a 300 dpi PDF writer and paint it; the file appears under its name
    only when complete (written as .part, then renamed)."""
    tmp = path.with_name(path.name + ".part")

    def render() -> None:  # on the GUI thread (gui_thread.py says why)
        writer = QPdfWriter(str(tmp))
        writer.setResolution(300)
        writer.setTitle(title)
        writer.setCreator("KESCO counter")
        doc = build(writer)
        try:
            paint(doc, writer, layout)
        except RuntimeError as e:
            raise PrintError("print.pdf_failed", path=str(path), detail=str(e)) from None
        del writer  # closes the file

    on_gui_thread(render)
    try:
        tmp.replace(path)
    except OSError as e:
        raise PrintError("print.pdf_failed", path=str(path), detail=str(e)) from None
    return path


class SystemPrinter:
    """A printer the operating system knows (its driver takes care of thermal rolls and Hindi):
    `name` empty means the system's default printer."""

    _lock = threading.Lock()  # one print job at a time per process: drivers are not re-entrant

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.description = name or "default printer"

    def print_html(self, html: str, images: dict[str, QImage], layout: PageLayout, title: str) -> str | None:
        self.print_document(lambda printer: build_document(html, images, layout, printer), layout, title)
        return None

    def print_document(self, build: Callable[[Any], QTextDocument], layout: PageLayout, title: str) -> None:
        """Lay out a document for this printer (`build` gets the QPrinter, so text is set with its
        metrics) and print it: receipts and reports alike."""
        from PySide6.QtPrintSupport import QPrinterInfo  # loaded when first needed, not at start

        names = QPrinterInfo.availablePrinterNames()
        if self.name and self.name not in names:
            raise PrintError("print.printer_missing", printer=self.name)
        if not self.name and not QPrinterInfo.defaultPrinterName():
            raise PrintError("print.no_printer")
        on_gui_thread(lambda: self._print_here(build, layout, title))

    def _print_here(self, build: Callable[[Any], QTextDocument], layout: PageLayout, title: str) -> None:
        """The layout and the painting, on the GUI thread (gui_thread.py says why)."""
        from PySide6.QtPrintSupport import QPrinter

        with self._lock:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            if self.name:
                printer.setPrinterName(self.name)
            if not printer.isValid():
                raise PrintError("print.printer_missing", printer=self.description)
            printer.setDocName(title)
            printer.setFullPage(True)
            doc = build(printer)
            try:
                paint(doc, printer, layout)
            except RuntimeError as e:
                raise PrintError("print.failed", detail=str(e)) from None
            if printer.printerState() == QPrinter.PrinterState.Error:
                raise PrintError("print.failed", detail="printer error")


def printer_from_setting(setting: str, data_dir: Path) -> ReceiptPrinter:
    """The `printer` setting: empty for the default printer, a printer's name, or `pdf:<folder>`
    (relative folders are inside the data directory)."""
    s = setting.strip()
    if s.lower().startswith("pdf:"):
        folder = Path(s[4:].strip() or "printed")
        return PdfPrinter(folder if folder.is_absolute() else data_dir / folder)
    return SystemPrinter(s)


# -------------------------------------------------------------------------------- documents


def print_receipt(printer: ReceiptPrinter, rp: ReceiptPrint, layout: PageLayout | str,
                  verify_base: str | None = None) -> tuple[str | None, float]:
    """Render and print one receipt; returns (output path if any, seconds taken). `verify_base`
    is the server whose /verify page the QR of a signed receipt links to."""
    lay = layout_named(layout) if isinstance(layout, str) else layout
    t = time.perf_counter()
    html = receipt_html(rp, roll=lay.roll)
    images = {QR_URL: qr_image(qr_payload(rp.receipt, verify_base))}
    title = rp.receipt.receipt_no + ("-DUPLICATE" if rp.reprint_no else "")
    out = printer.print_html(html, images, lay, title)
    return out, time.perf_counter() - t


def print_void(printer: ReceiptPrinter, vp: VoidPrint, layout: PageLayout | str) -> str | None:
    lay = layout_named(layout) if isinstance(layout, str) else layout
    return printer.print_html(void_html(vp, roll=lay.roll), {}, lay, vp.void.receipt_no + "-CANCELLED")
