"""Laying out a receipt document and painting it on a paged device (a printer or a PDF writer):
an 80 mm roll is one page as long as the receipt; A5 and A4 are paginated."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, QUrl
from PySide6.QtGui import (
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QTextDocument,
)

from counter_app.printing.fonts import app_font

MM_PER_INCH = 25.4


@dataclass(frozen=True, slots=True)
class PageLayout:
    name: str
    width_mm: float
    height_mm: float | None  # None: a roll, cut where the receipt ends
    margin_mm: float
    base_pt: float

    @property
    def roll(self) -> bool:
        return self.height_mm is None


ROLL_80MM = PageLayout("80mm", 80.0, None, 4.0, 12.0)
A5 = PageLayout("a5", 148.0, 210.0, 8.0, 12.0)  # a cheque receipt at 12 pt takes two sheets
A4 = PageLayout("a4", 210.0, 297.0, 15.0, 12.0)
LAYOUTS = {p.name: p for p in (ROLL_80MM, A5, A4)}


def layout_named(name: str) -> PageLayout:
    return LAYOUTS.get(name.lower().strip(), ROLL_80MM)


def build_document(html: str, images: dict[str, QImage], layout: PageLayout,
                   device: QPagedPaintDevice | None = None) -> QTextDocument:
    """The document laid out to the layout's printable width, in the device's own pixels (so text
    is set with the printer's metrics, not the screen's)."""
    doc = QTextDocument()
    if device is not None:
        doc.documentLayout().setPaintDevice(device)
    doc.setDocumentMargin(0)
    doc.setDefaultFont(app_font(layout.base_pt))
    for name, img in images.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), img)
    doc.setHtml(html)
    dpi = device.logicalDpiX() if device is not None else 96
    width = (layout.width_mm - 2 * layout.margin_mm) / MM_PER_INCH * dpi
    if layout.height_mm is None:
        doc.setTextWidth(width)
    else:
        # A page size makes the layout itself paginate: no line is cut across two pages.
        dpi_y = device.logicalDpiY() if device is not None else 96
        doc.setPageSize(QSizeF(width, (layout.height_mm - 2 * layout.margin_mm) / MM_PER_INCH * dpi_y))
    return doc


def paint(doc: QTextDocument, device: QPagedPaintDevice, layout: PageLayout) -> int:
    """Paint the laid-out document on the device; returns the number of pages. The page layout is
    set here (a roll's length is only known after layout). Raises RuntimeError if the device
    refuses to start (printer gone, file not writable)."""
    dpi_y = device.logicalDpiY()
    margin_px = layout.margin_mm / MM_PER_INCH * dpi_y
    content_h = doc.size().height()
    if layout.height_mm is None:
        page_h_mm = content_h / dpi_y * MM_PER_INCH + 2 * layout.margin_mm
    else:
        page_h_mm = layout.height_mm
    page_size = QPageSize(QSizeF(layout.width_mm, page_h_mm), QPageSize.Unit.Millimeter, layout.name,
                          QPageSize.SizeMatchPolicy.ExactMatch)
    device.setPageLayout(QPageLayout(page_size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    page_content_h = page_h_mm / MM_PER_INCH * dpi_y - 2 * margin_px
    painter = QPainter()
    if not painter.begin(device):
        raise RuntimeError("the printer or file could not be opened")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pages = 1 if layout.roll else doc.pageCount()
        for page in range(pages):
            if page:
                device.newPage()
            top = page * page_content_h
            painter.save()
            painter.translate(margin_px, margin_px - top)
            doc.drawContents(painter, QRectF(0, top, doc.textWidth(), page_content_h))
            painter.restore()
    finally:
        painter.end()
    return pages
