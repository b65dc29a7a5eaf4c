"""A report as a document: HTML parts (headings, summaries, small tables) and long listings (a
day's cheques, cancelled receipts, a day book) set as tab-aligned lines. QTextDocument lays out
an HTML table of 400 rows in about half a second and paints its borders slower still; the same
rows as tab-stopped lines take a few milliseconds, which keeps a Z-report of a busy day quick.

Reports go to the same printers as receipts: a PdfPrinter's folder, a SystemPrinter's queue, and
for any other printer (test doubles) the plain HTML through its `print_html`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPagedPaintDevice,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)

from counter_app.printing import report_html as h
from counter_app.printing.printers import (
    PdfPrinter,
    PrintError,
    ReceiptPrinter,
    SystemPrinter,
    write_document_pdf,
)
from counter_app.printing.render import MM_PER_INCH, PageLayout, build_document

TAB_DPI = 96.0  # QTextDocument takes tab positions in 96-dpi pixels, whatever the device
GAP_MM = 3.0
HEAD_BG = QColor("#e6e6e6")
STRIPE_BG = QColor("#f3f3f3")


@dataclass(frozen=True, slots=True)
class Column:
    en: str
    hi: str
    width_mm: float
    right: bool = False  # amounts and counts
    wrap: bool = False  # long text goes on under itself (a reason), instead of being cut


@dataclass(frozen=True, slots=True)
class Listing:
    """Rows of plain text (not HTML) under bilingual column headings; too-long cells are cut
    with an ellipsis rather than pushed into the next column, except in a column that wraps."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[str]]
    footer: Sequence[str] | None = None
    empty: str = "None / कोई नहीं"


@dataclass
class Report:
    title: str
    parts: list[str | Listing] = field(default_factory=list)

    def add(self, *parts: str | Listing) -> Report:
        self.parts.extend(parts)
        return self

    def html(self) -> str:
        """The whole report as HTML (listings as tables): for printers without a faster path."""
        return "".join(p if isinstance(p, str) else listing_html(p) for p in self.parts)


def listing_html(lst: Listing) -> str:
    right = [i for i, c in enumerate(lst.columns) if c.right]
    return h.table([(c.en, c.hi) for c in lst.columns], ([h.e(x) for x in row] for row in lst.rows),
                   numeric=right, footer=None if lst.footer is None else [h.e(x) for x in lst.footer])


# ------------------------------------------------------------------------------------ layout
def _tabs(cols: Sequence[Column]) -> list[QTextOption.Tab]:
    px = TAB_DPI / MM_PER_INCH
    tabs, x = [], 0.0
    for i, c in enumerate(cols):
        if i and not c.right:
            tabs.append(QTextOption.Tab((x + GAP_MM / 2) * px, QTextOption.TabType.LeftTab))
        x += c.width_mm
        if c.right:
            tabs.append(QTextOption.Tab((x - GAP_MM) * px, QTextOption.TabType.RightTab))
    return tabs


def _wrapped(text: str, fm: QFontMetricsF, width: float) -> list[str]:
    """Greedy word wrap to `width`; a word longer than the column is cut with an ellipsis."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and fm.horizontalAdvance(trial) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    lines.append(current)
    return [fm.elidedText(ln, Qt.TextElideMode.ElideRight, width) for ln in lines]


def _line(cur: QTextCursor, cells: Sequence[str], cols: Sequence[Column], fm: QFontMetricsF, dpi: float,
          block: QTextBlockFormat, char: QTextCharFormat) -> None:
    columns: list[list[str]] = []
    for i, c in enumerate(cols):
        text = str(cells[i]) if i < len(cells) else ""
        width = (c.width_mm - GAP_MM) / MM_PER_INCH * dpi
        columns.append(_wrapped(text, fm, width) if c.wrap else [fm.elidedText(text, Qt.TextElideMode.ElideRight, width)])
    # a wrapping cell continues on the lines below, the other columns empty there
    for n in range(max(len(col) for col in columns)):
        texts = [col[n] if n < len(col) else "" for col in columns]
        cur.insertBlock(block, char)
        # a right-aligned first column needs a tab to reach its stop
        cur.insertText(("\t" if cols[0].right else "") + "\t".join(texts))


def add_listing(cur: QTextCursor, lst: Listing, font: QFont, device: QPagedPaintDevice) -> None:
    dpi = float(device.logicalDpiX())
    fm = QFontMetricsF(font, device)
    bold = QFont(font)
    bold.setBold(True)
    fm_bold = QFontMetricsF(bold, device)
    base = QTextBlockFormat()
    base.setTabPositions(_tabs(lst.columns))
    base.setTopMargin(0)
    base.setBottomMargin(0)
    plain, strong = QTextCharFormat(), QTextCharFormat()
    plain.setFontWeight(QFont.Weight.Normal)
    strong.setFontWeight(QFont.Weight.Bold)
    head = QTextBlockFormat(base)
    head.setBackground(QBrush(HEAD_BG))
    head.setTopMargin(2)
    _line(cur, [c.en for c in lst.columns], lst.columns, fm_bold, dpi, head, strong)
    _line(cur, [c.hi for c in lst.columns], lst.columns, fm_bold, dpi, QTextBlockFormat(head), strong)
    if not lst.rows:
        cur.insertBlock(QTextBlockFormat(base), plain)
        cur.insertText(lst.empty)
    stripe = QTextBlockFormat(base)
    stripe.setBackground(QBrush(STRIPE_BG))
    for n, row in enumerate(lst.rows):
        _line(cur, row, lst.columns, fm, dpi, stripe if n % 2 else base, plain)
    if lst.footer is not None:
        foot = QTextBlockFormat(head)
        foot.setTopMargin(2)
        _line(cur, lst.footer, lst.columns, fm_bold, dpi, foot, strong)


def build_report(report: Report, layout: PageLayout, device: QPagedPaintDevice) -> QTextDocument:
    doc = build_document("", {}, layout, device)
    cur = QTextCursor(doc)
    cur.beginEditBlock()
    for n, part in enumerate(report.parts):
        cur.movePosition(QTextCursor.MoveOperation.End)
        if isinstance(part, str):
            if n:  # a fresh paragraph: HTML inserted at the end would join the last line
                cur.insertBlock(QTextBlockFormat(), QTextCharFormat())
            cur.insertHtml(h.STYLE + part)
        else:
            add_listing(cur, part, doc.defaultFont(), device)
    cur.endEditBlock()
    return doc


# ------------------------------------------------------------------------------------ output
_headless_app: QGuiApplication | None = None


def ensure_gui_app() -> None:
    """Fonts and documents need a QGuiApplication. The window has one; a command or a benchmark
    that only writes a PDF gets an offscreen one (no display needed)."""
    global _headless_app
    if QCoreApplication.instance() is None:
        _headless_app = QGuiApplication(["kesco-reports", "-platform", "offscreen"])


def write_report_pdf(report: Report, layout: PageLayout, path: Path) -> Path:
    ensure_gui_app()
    return write_document_pdf(lambda writer: build_report(report, layout, writer), layout, path, report.title)


def print_report(printer: ReceiptPrinter, report: Report, layout: PageLayout) -> str | None:
    """Print (or write, for a PDF printer) the report; returns the file written, if any."""
    try:
        if isinstance(printer, PdfPrinter):
            try:
                printer.folder.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise PrintError("print.pdf_failed", path=str(printer.folder), detail=str(e)) from None
            return str(write_report_pdf(report, layout, printer.path_for(report.title)))
        if isinstance(printer, SystemPrinter):
            printer.print_document(lambda qp: build_report(report, layout, qp), layout, report.title)
            return None
        return printer.print_html(h.STYLE + report.html(), {}, layout, report.title)
    except PrintError:
        raise
    except Exception as e:  # noqa: BLE001 - a driver's surprise is still only a failed print
        raise PrintError("print.failed", detail=str(e)[:120]) from e
