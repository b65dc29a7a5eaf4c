"""What the supervisor's closing screens share: dates as typed (DD-MM-YYYY or YYYY-MM-DD), the
save-file dialog, names of payment modes and consumer categories (from kesco_protocol.vocabulary),
a variance said in words."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QFileDialog, QLineEdit, QWidget

from counter_app.ui.i18n import say
from counter_app.ui.ops import Changes, Op, error_text
from counter_app.ui.report_errors import report_error_text
from kesco_protocol import vocabulary
from kesco_protocol.money import format_inr

_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
CONTEXT = "ClosingTexts"


def ui_date(text: str) -> str | None:
    """`29-11-2026`, `29/11/2026`, `29.11.2026` or `2026-11-29` (Devanagari digits too) -> ISO, else None."""
    s = text.strip().translate(_DIGITS)
    try:
        if m := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", s):
            return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            return date.fromisoformat(s).isoformat()
    except ValueError:
        return None
    return None


def default_today(ctx: Any, *edits: QLineEdit) -> None:
    """Empty date fields show the counter's business date: the supervisor mostly comes for today."""
    today = ctx.service.clock().date().strftime("%d-%m-%Y")
    for edit in edits:
        if not edit.text().strip():
            edit.setText(today)


def typed_date(page: Any, edit: QLineEdit) -> str | None:
    """The date typed in `edit` as ISO; else None, after saying so on the page's alert (a page with
    .ctx and .alert) and putting the cursor back in the field."""
    day = ui_date(edit.text())
    if day is None:
        page.alert.error(page.ctx.language.message("close.bad_date"))
        edit.setFocus()
    return day


def ask_save_path(parent: QWidget, title: str, suggested: str, filter_: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filter_)
    return str(path or "")


def _t(text: object) -> str:
    return QCoreApplication.translate(CONTEXT, str(text))


SHORT = QT_TRANSLATE_NOOP("ClosingTexts", "SHORT by %1")
EXCESS = QT_TRANSLATE_NOOP("ClosingTexts", "EXCESS by %1")
NO_VARIANCE = QT_TRANSLATE_NOOP("ClosingTexts", "no variance")


def names(_widget: QWidget | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(mode names, category names) in the current language, from the one vocabulary; the short
    mode names, as the closing tables are narrow."""
    modes = {k: say(t, short=True) for k, t in vocabulary.MODES.items()}
    cats = {k: say(t) for k, t in vocabulary.CATEGORIES.items()}
    cats["unknown"] = cats[""] = say(vocabulary.UNKNOWN_CATEGORY)
    return modes, cats


def variance_text(_widget: QWidget | None, paise: int) -> str:
    """Short or excess said in words, never by colour alone."""
    if paise < 0:
        return _t(SHORT).replace("%1", format_inr(-paise))
    if paise > 0:
        return _t(EXCESS).replace("%1", format_inr(paise))
    return _t(NO_VARIANCE)


def run_report_job(page: Any, fn: Callable[[], str | None], printing: str, done_text: str | Callable[[], str],
                   document: object = None) -> None:
    """A report to the printer or to a PDF, as an Op of the page (with .ctx, .alert and a
    print_finished signal): says `printing`, then `done_text` or the error, and emits
    print_finished with the output or the error. `document` (report_errors' names) makes a
    printer problem name the report, not "the receipt"; texts given as functions follow F12."""
    ctx = page.ctx

    def job() -> str | None:
        out = fn()
        if out:
            ctx.printed.append(out)
        return out

    def done(out: str | None) -> None:
        page.alert.ok(done_text)
        page.print_finished.emit(out)

    def failed(e: BaseException) -> None:
        page.alert.error(lambda: report_error_text(e, document, lambda x: error_text(ctx, x)) if document is not None
                         else error_text(ctx, e))
        page.print_finished.emit(e)

    Op(page, job, exclusive=False, note=printing, changes=Changes(printed=True), show_error=False) \
        .success(done).failure(failed).run()
