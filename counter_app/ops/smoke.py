"""`counter-app --smoke-test`: proof that a build works on this machine, in a few seconds, with no
window and no server. It starts Qt (offscreen), creates a counter database in a temporary data
directory (running every migration), issues a receipt, renders it to PDF, checks the PDF, reports
the keyring backend, and prints one JSON object. Exit status 0 means every step passed.

IT runs it after installing on a counter PC; the test suite runs it on the built executable."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def run_smoke_test(*, keep: bool = False) -> dict[str, Any]:
    t0 = time.perf_counter()
    steps: dict[str, Any] = {}
    result: dict[str, Any] = {"ok": False, "frozen": bool(getattr(sys, "frozen", False)), "steps": steps}
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = Path(tempfile.mkdtemp(prefix="counter-smoke-"))
    result["data_dir"] = str(tmp)
    try:
        app = _start_qt(steps)
        _import_everything(steps)
        receipt = _counter_day(tmp, steps)
        pdf = tmp / "receipt.pdf"
        _render_pdf(receipt, pdf, steps)
        data = pdf.read_bytes()
        if not data.startswith(b"%PDF") or len(data) < 1000:
            raise RuntimeError(f"the receipt PDF is not a PDF ({len(data)} bytes)")
        steps["pdf_bytes"] = len(data)
        if steps["pdf"]["renderer"] != "minimal" and b"NotoSansDevanagari" not in data:
            raise RuntimeError("the receipt PDF has no embedded Devanagari font: Hindi would print as boxes")
        from counter_app.ops.keyring_probe import keyring_backend

        name, usable = keyring_backend()
        result["keyring"] = {"backend": name, "usable": usable}
        result["ok"] = True
        del app
    except Exception as e:  # the report must say which step broke, never a bare traceback
        import traceback

        result["error"] = f"{type(e).__name__}: {e}"
        result["traceback"] = traceback.format_exc(limit=8)
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    result["elapsed_s"] = round(time.perf_counter() - t0, 3)
    return result


def _start_qt(steps: dict[str, Any]) -> Any:
    t = time.perf_counter()
    from PySide6 import __version__ as pyside_version
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "counter-app"])
    steps["qt"] = {"pyside": pyside_version, "platform": QGuiApplication.platformName(),
                   "s": round(time.perf_counter() - t, 3)}
    return app


def _import_everything(steps: dict[str, Any]) -> None:
    """Every module of the application imports: a module the build left out (an import by name,
    a dependency excluded from the spec) fails here, not in front of a clerk."""
    import importlib
    import pkgutil

    import counter_app

    t = time.perf_counter()
    failed = {}
    names = [m.name for m in pkgutil.walk_packages(counter_app.__path__, "counter_app.")
             if ".migrations" not in m.name and not m.name.endswith("__main__")]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as e:
            failed[name] = f"{type(e).__name__}: {e}"
    steps["imports"] = {"modules": len(names), "s": round(time.perf_counter() - t, 3)}
    if failed or len(names) < 20:
        raise RuntimeError(f"modules missing from this build ({len(names)} found): {failed}")


def _counter_day(data_dir: Path, steps: dict[str, Any]) -> Any:
    """A fresh database (every migration runs), a clerk, a shift and one receipt."""
    t = time.perf_counter()
    from counter_app.app import open_application
    from counter_app.services.collection import Payment
    from counter_app.storage import migrate
    from kesco_demo.consumers import account_no_for_index
    from kesco_demo.load import load_demo_consumers

    with open_application(data_dir) as c:
        c.service.initialise("K99", "Smoke test")
        c.service.add_user("smoke", "Smoke Test", "clerk", "2468")
        load_demo_consumers(c.store, 20)
        clerk = c.service.login("smoke", "2468")
        c.service.open_shift(clerk, 0)
        # the account's whole due (or any amount when nothing is due): a smaller one could be below
        # the least part payment, which the service refuses without a supervisor
        due = c.service.lookup(account_no_for_index(3)).amount_due_paise
        receipt = c.service.issue_receipt(clerk, Payment(account_no_for_index(3), due or 1234_50))
        report = c.service.verify()
        if not report["ok"]:
            raise RuntimeError(f"verify failed: {report['problems']}")
        steps["database"] = {"schema": migrate.current_revision(c.store.path), "receipt_no": receipt.receipt_no,
                             "s": round(time.perf_counter() - t, 3)}
    return receipt


def _render_pdf(receipt: Any, pdf: Path, steps: dict[str, Any]) -> None:
    t = time.perf_counter()
    how = _render_with_printing(receipt, pdf)
    if how is None:
        how = _render_minimal(receipt, pdf)
    steps["pdf"] = {"renderer": how, "s": round(time.perf_counter() - t, 3)}


def _render_with_printing(receipt: Any, pdf: Path) -> str | None:
    """Through counter_app.printing: the real 80 mm receipt layout with its QR code and the fonts
    bundled in the Qt resources (so Hindi cannot come out as boxes)."""
    try:
        from counter_app.config import Config
        from counter_app.printing.fonts import load_fonts
        from counter_app.printing.printers import PdfPrinter, print_receipt
        from counter_app.printing.receipt_doc import ReceiptPrint
    except ImportError:
        return None
    families = load_fonts()
    if not any("Devanagari" in f for f in families):
        raise RuntimeError(f"the bundled Devanagari font did not load (fonts: {families})")
    cfg = Config()
    rp = ReceiptPrint(receipt, cfg.utility_name_en, cfg.utility_name_hi, "Smoke test", "Smoke Test")
    out, _ = print_receipt(PdfPrinter(pdf.parent / "printed"), rp, "80mm")
    if out is None:
        raise RuntimeError("the PDF printer wrote nothing")
    Path(out).replace(pdf)
    return "counter_app.printing (80mm)"


def _render_minimal(receipt: Any, pdf: Path) -> str:
    """A bilingual text document on an 80 mm page, for a build without the printing package."""
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QPageSize, QPainter, QPdfWriter, QTextDocument

    from counter_app.domain.words import amount_in_words_en, amount_in_words_hi
    from kesco_protocol.money import format_inr

    writer = QPdfWriter(str(pdf))
    writer.setPageSize(QPageSize(QSizeF(80, 120), QPageSize.Unit.Millimeter))
    writer.setResolution(203)
    doc = QTextDocument()
    doc.setHtml(
        f"<h3>KESCO / केस्को</h3><p>{receipt.receipt_no}<br>{receipt.account_no} {receipt.consumer_name}<br>"
        f"<b>{format_inr(receipt.amount_paise)}</b><br>{amount_in_words_en(receipt.amount_paise)}<br>"
        f"{amount_in_words_hi(receipt.amount_paise)}</p>"
    )
    doc.setPageSize(QSizeF(writer.width(), writer.height()))
    painter = QPainter(writer)
    try:
        doc.drawContents(painter)
    finally:
        painter.end()
    return "minimal"


def main(keep: bool = False) -> int:
    result = run_smoke_test(keep=keep)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    sys.stdout.flush()
    return 0 if result["ok"] else 1
