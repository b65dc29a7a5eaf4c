"""A report that did not print (shift report, Z-report, pay-in slip, day book) said as such: the
core's print errors speak of "the receipt", which is wrong, and frightening, after a shift close."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from counter_app.domain.errors import CounterError

CONTEXT = "ReportErrors"

SHIFT_REPORT = QT_TRANSLATE_NOOP("ReportErrors", "shift report")
Z_REPORT = QT_TRANSLATE_NOOP("ReportErrors", "Z-report")
PAYIN_SLIP = QT_TRANSLATE_NOOP("ReportErrors", "pay-in slip")
DAY_BOOK = QT_TRANSLATE_NOOP("ReportErrors", "day book")

_BY_KEY = {
    "print.no_printer": QT_TRANSLATE_NOOP("ReportErrors", "No printer is set up on this computer: the %2 was NOT "
                                                          "printed."),
    "print.printer_missing": QT_TRANSLATE_NOOP("ReportErrors", "The printer %1 is not available: the %2 was NOT "
                                                               "printed."),
    "print.failed": QT_TRANSLATE_NOOP("ReportErrors", "The %2 was NOT printed (%1). Check the printer."),
}
AGAIN = QT_TRANSLATE_NOOP("ReportErrors", "Press Ctrl+P to print it again.")


def _t(text: object) -> str:
    return QCoreApplication.translate(CONTEXT, str(text))


def report_error_text(e: BaseException, document: object, fallback: Callable[[BaseException], str]) -> str:
    """The print error `e` for `document` (one of the names above), in the current language;
    anything that is not a printer problem as `fallback` says it."""
    key = e.key if isinstance(e, CounterError) else ""
    if key not in _BY_KEY:
        return fallback(e)
    params = e.params if isinstance(e, CounterError) else {}
    detail = str(params.get("printer") or params.get("detail") or "")
    return _t(_BY_KEY[key]).replace("%1", detail).replace("%2", _t(document)) + " " + _t(AGAIN)
