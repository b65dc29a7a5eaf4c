"""The day-close handshake with the REAL central server (uvicorn on loopback, SQLite and PostgreSQL)
through the REAL sync engine, driven from the window by keystrokes: the clerk collects and closes
the shift, the supervisor closes the day, the engine pushes the day close, and the screen shows the
server's own answer.

How the server comes to lack one receipt, honestly: the central server accepts every well-formed
receipt, so a real refusal cannot be provoked without breaking the counter's code. We stand in for
the one real way it happens in the field: the server refused a record on its own (a 4xx for just
that record), and the pusher took it out of the queue as "invalid" with
`outbox.set_invalid_locally`, its own function for that, before it was ever sent. The server
therefore truly never received it, and the mismatch and the missing receipt's number come from
the server's real answer to the day close, not from anything faked. "Send again" then puts the
refused receipt and the day close back in the queue; the server takes the receipt and answers the
re-sent day close with its current count: confirmed. That second answer is also the negative
control: the same screen shows a match once nothing is missing.

Then a cheque of that day bounces: the supervisor records the dishonour on the desk, the engine
sends it, and the server's consumer account shows it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from central_server import db as sdb
from central_server.config import Settings
from central_server.models import consumers as server_consumers
from central_server.models import receipts as server_receipts
from counter_app.app import Application
from counter_app.domain.receipt import Instrument
from counter_app.printing.printers import PdfPrinter
from counter_app.services.clock import iso
from counter_app.services.collection import Payment
from counter_app.storage import outbox
from counter_app.sync.keyring_store import MemoryTokenStore
from counter_app.sync.setup import enroll, make_engine
from counter_app.ui.app import build_window
from counter_app.ui.i18n import setup_application_fonts
from counter_app.ui.main_window import MainWindow
from kesco_protocol.money import format_inr
from kesco_protocol.records import Mode
from tests.conftest import SUPERVISOR, FixedClock, make_counter
from tests.support.fixtures import database_url, pg_server  # noqa: F401  (fixtures)
from tests.support.live_server import LiveServer, load_demo_consumers, register_counter
from tests.ui.conftest import account, log_in, open_shift
from tests.ui.test_shift_close import count_done, pay_due, pieces, to_close, type_count

CONSUMERS = 300
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def counter(tmp_path: Path) -> Iterator[Application]:
    c = make_counter(tmp_path / "counter", consumers=CONSUMERS, clock=FixedClock())
    yield c
    c.close()


def server_day(url: str, day: str) -> tuple[int, int]:
    """What the server holds for K07 on the day, read from its own database."""
    engine = sdb.make_engine(Settings(database_url=url))
    try:
        with engine.connect() as conn:
            n, total = conn.execute(
                select(func.count(), func.coalesce(func.sum(server_receipts.c.amount_paise), 0))
                .where(server_receipts.c.counter_code == "K07", server_receipts.c.business_date == day)).one()
            return int(n), int(total)
    finally:
        engine.dispose()


def server_dishonoured(url: str, account_no: str) -> int:
    engine = sdb.make_engine(Settings(database_url=url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(server_consumers.c.dishonoured_cheques)
                                    .where(server_consumers.c.account_no == account_no)).scalar_one())
    finally:
        engine.dispose()


def test_day_close_names_the_receipt_missing_on_the_server_then_confirms(
        qtbot: Any, qapp: Any, database_url: str, counter: Application, tmp_path: Path) -> None:  # noqa: F811
    setup_application_fonts(qapp)
    load_demo_consumers(database_url, CONSUMERS)
    code = register_counter(database_url, "K07")
    with LiveServer(database_url) as srv:
        tokens = MemoryTokenStore()
        enroll(counter, srv.url, code, tokens=tokens)
        engine = make_engine(counter, tokens=tokens, pull=False, poll_s=0.2)
        w: MainWindow = build_window(counter, printer=PdfPrinter(tmp_path / "printed"), engine=engine, poll_ms=200)
        qtbot.addWidget(w)
        w.resize(1280, 800)
        w.show()
        try:
            run_the_day(qtbot, w, counter, engine, database_url)
        finally:
            engine.stop()
            w.ctx.runner.wait_idle()
            w.ctx.sync.stop()


def run_the_day(qtbot: Any, w: MainWindow, counter: Application, engine: Any, url: str) -> None:
    # The clerk collects: four cash payments by keystrokes, one cheque.
    open_shift(qtbot, w, "1000")
    due = [i for i in range(3, 60) if counter.service.lookup(account(i)).consumer.amount_due_paise > 0][:4]
    paid = [pay_due(qtbot, w, account(i)) for i in due]
    session = w.ctx.session
    assert session is not None
    day = counter.service.clock().date()
    cheque = counter.service.issue_receipt(session, Payment(
        account(due[-1] + 1), 2750_00, Mode.CHEQUE, Instrument(number="771234", date=day.isoformat(), bank="Indian Bank",
                                                     ifsc="IDIB000K001")))
    refused = paid[1]
    with counter.store.db.write() as conn:  # see the module's docstring
        outbox.set_invalid_locally(conn, refused.receipt_id, "422: refused by the server (test stand-in)",
                                   iso(counter.service.clock()))
    engine.start()
    qtbot.waitUntil(lambda: engine.state().pending == 0 and engine.state().link.value == "online", timeout=30_000)

    # The clerk closes the shift: an exact count, the cheque ticked; nothing to explain.
    expected = 1000_00 + sum(r.amount_paise for r in paid)
    to_close(qtbot, w)
    cp = w.closing_page
    qtbot.waitUntil(lambda: cp.inst_list.count() == 1, timeout=10_000)
    type_count(qtbot, w, pieces(expected))
    qtbot.keyClick(cp.inst_list, Qt.Key.Key_Space)
    count_done(qtbot, w)
    assert not cp.remark.isVisible()
    paise_short = expected % 100
    if paise_short:  # the paise cannot be counted in notes and coins: say why
        qtbot.keyClicks(cp.remark, "paise kept in the float tin")
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: cp.closed is not None, timeout=10_000)
    qtbot.keyClick(cp.logout_button, Qt.Key.Key_Return)

    # The supervisor closes the day; the engine pushes it; the server answers.
    log_in(qtbot, w, SUPERVISOR)
    qtbot.keyClick(w, Qt.Key.Key_F7)
    page = w.supervisor_page.day_close
    qtbot.waitUntil(lambda: page.report is not None and page.close_button.isEnabled(), timeout=10_000)
    qtbot.keyClick(w, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(lambda: page.confirm.isVisible(), timeout=5000)
    qtbot.keyClick(w, Qt.Key.Key_F9)  # the day close asks once (issue 12): F9 answers
    qtbot.waitUntil(lambda: page.status is not None and page.status.sync_state == "synced", timeout=30_000)
    everything = [*paid, cheque]
    held = [r for r in everything if r is not refused]
    st = page.status
    assert st is not None and not st.confirmed and st.missing_receipts == [refused.receipt_no]
    assert server_day(url, day.isoformat()) == (len(held), sum(r.amount_paise for r in held))
    text = page.server_label.text()
    assert text.count("K07/") == 1 and f"{refused.receipt_no} (refused by the server)" in text
    assert "MISMATCH" in text and f"holds {len(held)} receipts, {format_inr(sum(r.amount_paise for r in held))}" in text
    assert f"this counter has {len(everything)} receipts" in text
    assert page.resend_button.isVisible()

    # Send again: the refused receipt and the day close go back in the queue; now it matches.
    page.resend_button.click()
    qtbot.waitUntil(lambda: page.status is not None and page.status.confirmed, timeout=30_000)
    total = sum(r.amount_paise for r in everything)
    assert server_day(url, day.isoformat()) == (len(everything), total)
    assert f"CONFIRMED by the central server: {len(everything)} receipts, {format_inr(total)}" in \
        page.server_label.text()
    assert not page.resend_button.isVisible()
    qtbot.waitUntil(lambda: page.fig_labels["sync"][1].text().startswith(f"{len(everything)} acknowledged"),
                    timeout=10_000)

    # The cheque bounces: recorded on the desk, sent, and on the consumer's account at the server.
    before = server_dishonoured(url, cheque.account_no)
    qtbot.keyClick(w, Qt.Key.Key_H, ALT)
    dp = w.supervisor_page.dishonour
    qtbot.keyClicks(dp.find_edit, "771234")
    qtbot.keyClick(dp.find_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dp.model.rowCount() == 1 and dp.table.hasFocus(), timeout=10_000)
    qtbot.keyClick(dp.table, Qt.Key.Key_Return)
    qtbot.keyClicks(dp.reason, "Funds insufficient")
    qtbot.keyClick(dp.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dp.alert.kind == "ok", timeout=10_000)
    qtbot.waitUntil(lambda: server_dishonoured(url, cheque.account_no) == before + 1, timeout=30_000)
