"""The supervisor's reports as PDF and on the printer, through the same layer as receipts: the
shift report (the clerk's close), the Z-report (day close), the bank deposit (pay-in) slip with the
denomination breakdown and the cheque/DD list, and the day book for a date range. Bilingual like
the receipt; money in the Indian format; the pay-in total also in words.

The Z-report summarises: totals, shifts, cancelled receipts and cheques/DDs; it never lists every
receipt of the day (the CSV export does)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from counter_app.config import Config
from counter_app.domain.closes import DEFAULT_DENOMINATIONS, denomination_label
from counter_app.printing import report_html as h
from counter_app.printing.printers import ReceiptPrinter, write_pdf
from counter_app.printing.receipt_doc import display_date, display_datetime
from counter_app.printing.render import PageLayout, layout_named
from counter_app.printing.report_doc import (
    Column,
    Listing,
    Report,
    ensure_gui_app,
    print_report,
    write_report_pdf,
)
from counter_app.services.clock import IST
from counter_app.services.closes import DayCloseStatus, DayReport
from counter_app.services.reports import DayBookRow
from counter_app.storage.anchors import short_form
from kesco_protocol import vocabulary
from kesco_protocol.money import format_inr
from kesco_protocol.records import DayClose, ShiftClose

REPORT_A4 = PageLayout("a4", 210.0, 297.0, 12.0, 10.0)


@dataclass(frozen=True, slots=True)
class Letterhead:
    utility_en: str
    utility_hi: str
    counter_name: str = ""

    @classmethod
    def of(cls, config: Config, counter_name: str = "") -> Letterhead:
        return cls(config.utility_name_en, config.utility_name_hi, counter_name or config.counter_name)

    def counter(self, code: str) -> str:
        return h.e(f"{code} {self.counter_name}".strip())


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(IST)


def denominations_of(config: Config) -> Sequence[tuple[str, int]]:
    """The denominations counted at this counter (the same list the shift close uses)."""
    custom = config.extra.get("denominations")
    if custom:
        return tuple((str(k), int(v)) for k, v in custom)
    return DEFAULT_DENOMINATIONS


def denomination_name(key: str) -> str:
    if key[:1] in ("N", "C") and key[1:].isdigit():
        return f"₹{key[1:]} {'note / नोट' if key[0] == 'N' else 'coin / सिक्का'}"
    return denomination_label(key)


def _signed(paise: int) -> str:
    """A round-off with its sign: +₹0.50, −₹0.40, ₹0.00."""
    return ("+" if paise > 0 else "−" if paise < 0 else "") + format_inr(abs(paise))


def _words(paise: int) -> str:
    from counter_app.domain.words import amount_in_words_en, amount_in_words_hi  # num2words loads slowly

    try:
        return f"<p>{h.e(amount_in_words_en(paise))}</p><p>{h.e(amount_in_words_hi(paise))}</p>"
    except (ValueError, TypeError):
        return ""


def _denomination_rows(counts: Mapping[str, int], denoms: Sequence[tuple[str, int]]) -> tuple[list[list[str]], int]:
    rows, total = [], 0
    for key, value in denoms:
        n = int(counts.get(key, 0))
        if n:
            rows.append([h.e(denomination_name(key)), str(n), h.money(value * n)])
            total += value * n
    return rows, total


# ------------------------------------------------------------------------------------ shift report
def shift_report_html(sc: ShiftClose, lh: Letterhead, denoms: Sequence[tuple[str, int]] = DEFAULT_DENOMINATIONS,
                      *, clerk_name: str = "", roll: bool = True) -> str:
    v_en, v_hi = h.variance_words(sc.variance_paise)
    rows = [
        ("Date", "दिनांक", h.e(display_date(sc.business_date))),
        ("Counter", "काउंटर", lh.counter(sc.counter_code)),
        ("Clerk", "लिपिक", h.e(sc.clerk + (f" ({clerk_name})" if clerk_name and clerk_name != sc.clerk else ""))),
        ("Closed at", "बंद करने का समय", h.e(display_datetime(sc.closed_at))),
        ("Opening float", "प्रारंभिक नकद", h.money(sc.opening_float_paise)),
        ("Cash receipts", "नकद रसीदें", f"{sc.cash_receipts} ({h.money(sc.cash_collected_paise)})"),
        ("Cancelled cash", "रद्द नकद", h.money(sc.voided_cash_paise)),
        # cash is taken to the rupee: the drawer holds the receipts' amounts plus this
        ("Cash rounding", "नकद पूर्णांकन", h.e(_signed(sc.round_off_paise))),
    ]
    if sc.picked_up_paise:  # taken out by supervisors during the shift (pickup slips)
        rows.append(("Picked up", "नकद निकासी", "−" + h.money(sc.picked_up_paise)))
    rows += [
        ("Expected cash", "अपेक्षित नकद", '<b>' + h.money(sc.expected_cash_paise) + '</b>'),
        ("Counted cash", "गिना गया नकद", '<b>' + h.money(sc.counted_cash_paise) + '</b>'),
    ]
    if sc.blind_count_paise != sc.counted_cash_paise:
        rows.append(("First count", "पहली गिनती", h.money(sc.blind_count_paise)))
    rows.append(("Variance", "अंतर", f"<b>{h.e(v_en)}<br/>{h.e(v_hi)}</b>"))
    if sc.remark:
        rows.append(("Remark", "टिप्पणी", h.e(sc.remark)))
    rows.append(("Approved by", "स्वीकृतकर्ता", h.e(sc.approved_by or "-")))
    if sc.chain_head_hash:  # the anchor the supervisor signs: `counter-app verify --anchor` checks it
        rows.append(("Chain head", "श्रृंखला शीर्ष", f"<b>{h.e(short_form(sc.chain_head_seq, sc.chain_head_hash))}</b>"))
    for mode, paise in sorted(sc.other_modes.items()):
        rows.append((h.mode_name(mode).split(" / ")[0], h.mode_name(mode).split(" / ")[-1], h.money(paise)))
    denom_rows, _ = _denomination_rows(sc.counts, denoms)
    parts = [h.STYLE, h.heading(lh.utility_en, lh.utility_hi, "SHIFT CLOSE REPORT", "पाली समापन रिपोर्ट", roll=roll),
             "<hr/>", h.pairs(rows, roll=roll),
             h.section("Cash by denomination", "मूल्यवर्ग अनुसार नकद", roll=roll),
             h.table([("Note/coin", "मूल्यवर्ग"), ("Pieces", "नग"), ("Amount", "राशि")], denom_rows,
                     numeric=(1, 2), footer=["Total / योग", "", h.money(sc.counted_cash_paise)])]
    if sc.instruments:
        parts.append(h.section("Cheques and DDs", "चेक और डीडी", roll=roll))
        for i in sc.instruments:
            there = "in the drawer / दराज़ में" if i.get("ticked") else "<b>NOT in the drawer / दराज़ में नहीं</b>"
            parts.append(f'<p style="margin-top:3px">{h.e(i["receipt_no"])}: <b>{h.money(int(i["amount_paise"]))}</b>'
                         f'<br/>{h.e(i["mode"].upper())} {h.e(i["number"])}, {h.e(i["bank"])}<br/>{there}</p>')
    parts.append(h.signatures(("Clerk", "लिपिक"), ("Supervisor", "सुपरवाइज़र"), roll=roll))
    return "".join(parts)


# -------------------------------------------------------------------------------------- Z-report
CASH = vocabulary.MODES["cash"].both()  # the mode's words, as headings of the cash columns
DD_SHORT = vocabulary.MODES["dd"].short_en
VOID_COLUMNS = (Column("Receipt no.", "रसीद सं.", 42), Column("Account", "खाता", 28),
                Column("Amount", "राशि", 30, right=True), Column("Reason", "कारण", 60, wrap=True),
                Column("Approved", "स्वीकृत", 26))
CHEQUE_COLUMNS = (Column("Receipt no.", "रसीद सं.", 42), Column("Type", "प्रकार", 14), Column("Number", "संख्या", 24),
                  Column("Bank", "बैंक", 48), Column("Dated", "दिनांकित", 24), Column("Amount", "राशि", 34, right=True))
DAY_BOOK_COLUMNS = (Column("Date", "दिनांक", 26), Column("Receipts", "रसीदें", 20, right=True),
                    Column("Cancelled", "रद्द", 20, right=True), Column(*CASH, 30, right=True),
                    Column("Chq/DD", "चेक/डीडी", 30, right=True), Column("UPI/Card", "यूपीआई/कार्ड", 30, right=True),
                    Column("Net", "शुद्ध", 30, right=True))


def z_report(rep: DayReport, lh: Letterhead, *, day_close: DayClose | None = None,
             server: DayCloseStatus | None = None, now: datetime | None = None) -> Report:
    closes = {c.shift_id: c for c in rep.shift_closes}
    summary = [
        ("Business date", "व्यावसायिक दिनांक", h.e(display_date(rep.business_date))),
        ("Counter", "काउंटर", lh.counter(rep.counter_code)),
        ("Receipts (all)", "रसीदें (सभी)", str(rep.receipt_count)),
        ("Gross total", "सकल योग", f"<b>{h.money(rep.total_paise)}</b>"),
        ("Cancelled", "रद्द", f"{rep.void_count} ({h.money(rep.void_total_paise)})"),
        ("Net collection", "शुद्ध संग्रह", f"<b>{h.money(rep.net_total_paise)}</b>"),
        ("Cash rounding", "नकद पूर्णांकन", h.e(_signed(rep.round_off_total_paise))),
        ("Cash taken in", "प्राप्त नकद", h.money(rep.cash_in_drawer_paise)),
        ("Picked up (pickups)", "नकद निकासी", h.money(rep.picked_up_paise)),
        ("Reprints", "पुनर्मुद्रण", str(rep.reprints)),
        ("Cash variance", "नकद अंतर", " / ".join(h.e(w) for w in h.variance_words(rep.variance_total_paise))),
        ("Sent to the server", "सर्वर को भेजी गईं",
         f"{rep.acknowledged} acknowledged / स्वीकृत, {rep.pending} pending / बाकी"),
    ]
    if day_close is not None:
        summary.append(("Day closed by", "दिन बंद किया",
                        h.e(f"{day_close.closed_by}, {display_datetime(day_close.closed_at)}")))
    if server is not None:
        summary.append(("Central server", "केंद्रीय सर्वर", _server_text(server)))
    if rep.open_shifts:
        summary.append(("OPEN SHIFTS", "खुली पालियाँ", f"<b>{h.e(', '.join(rep.open_shifts))}</b>"))
    r = Report(f"Z-REPORT-{rep.counter_code}-{rep.business_date}")
    r.add(h.heading(lh.utility_en, lh.utility_hi, "Z-REPORT: DAY CLOSE", "Z-रिपोर्ट: दिवस समापन") + "<hr/>"
          + h.pairs(summary))
    r.add(h.section("By mode of payment", "भुगतान प्रकार अनुसार")
          + h.table([("Mode", "प्रकार"), ("Amount", "राशि")],
                    ([h.e(h.mode_name(m)), h.money(p)] for m, p in sorted(rep.by_mode.items())),
                    numeric=(1,), footer=["Net / शुद्ध", h.money(rep.net_total_paise)], widths=("60%", "40%")))
    r.add(h.section("By consumer category", "उपभोक्ता श्रेणी अनुसार")
          + h.table([("Category", "श्रेणी"), ("Amount", "राशि")],
                    ([h.e(h.category_name(c)), h.money(p)] for c, p in sorted(rep.by_category.items())),
                    numeric=(1,), footer=["Net / शुद्ध", h.money(rep.net_total_paise)], widths=("60%", "40%")))
    shift_rows = []
    for s in rep.shifts:
        c = closes.get(s.shift_id)
        opened = h.e(display_datetime(s.opened_at)[-5:])
        if c is None:
            shift_rows.append([h.e(s.clerk), opened, "<b>OPEN / खुली</b>", h.money(s.opening_float_paise),
                               "", "", "", ""])
            continue
        v_en, v_hi = h.variance_words(c.variance_paise)
        shift_rows.append([h.e(s.clerk), opened, h.e(display_datetime(c.closed_at)[-5:]),
                           h.money(s.opening_float_paise), h.money(c.expected_cash_paise),
                           h.money(c.counted_cash_paise), f"{h.e(v_en)}<br/>{h.e(v_hi)}", h.e(c.approved_by or "-")])
    r.add(h.section("Shifts", "पालियाँ")
          + h.table([("Clerk", "लिपिक"), ("Opened", "खुली"), ("Closed", "बंद"), ("Float", "प्रारंभिक"),
                     ("Expected", "अपेक्षित"), ("Counted", "गिना"), ("Variance", "अंतर"), ("Approved", "स्वीकृत")],
                    shift_rows, numeric=(3, 4, 5)))
    r.add(h.section("Cancelled receipts", "रद्द रसीदें"),
          Listing(VOID_COLUMNS, [[v.receipt_no, v.account_no, format_inr(v.amount_paise), v.void_reason or "",
                                  v.void_approved_by or ""] for v in rep.voids]))
    r.add(h.section("Cheques and DDs", "चेक और डीडी"), cheque_listing(rep))
    dishonoured = [ln for ln in rep.lines if ln.dishonoured]
    if dishonoured:
        r.add(h.section("Dishonoured cheques/DDs", "अनादरित चेक/डीडी"),
              Listing(VOID_COLUMNS[:3], [[d.receipt_no, d.account_no, format_inr(d.amount_paise)]
                                         for d in dishonoured]))
    r.add(h.signatures(("Cashier", "खजांची"), ("Supervisor", "सुपरवाइज़र")) + h.footer(_now(now)))
    return r


def cheque_listing(rep: DayReport) -> Listing:
    inst = rep.instruments
    rows = []
    for ln in inst:
        i = ln.instrument or {}
        rows.append([ln.receipt_no, DD_SHORT if ln.mode == "dd" else "Chq", str(i.get("number", "")),
                     str(i.get("bank", "")), display_date(i.get("date")), format_inr(ln.amount_paise)])
    foot = [h.count_of(len(inst), "item", "items", "नग"), "", "", "", "Total / योग", format_inr(sum(ln.amount_paise for ln in inst))]
    return Listing(CHEQUE_COLUMNS, rows, foot if inst else None)


def _server_text(server: DayCloseStatus) -> str:
    if server.confirmed:
        return h.e(f"CONFIRMED: {server.server_count} receipts, "
                   f"{format_inr(server.server_total_paise)} / पुष्टि हुई")
    if server.answered:
        missing = ", ".join(server.missing_receipts) or "-"
        return h.e(f"MISMATCH: the server holds {server.server_count} receipts, "
                   f"{format_inr(server.server_total_paise)}; missing there: {missing} / "
                   "मेल नहीं")
    return h.e("Not confirmed yet / अभी पुष्टि नहीं")


# ---------------------------------------------------------------------------------- pay-in slip
def payin_slip(rep: DayReport, lh: Letterhead, denoms: Sequence[tuple[str, int]] = DEFAULT_DENOMINATIONS,
               *, now: datetime | None = None) -> Report:
    """Cash by denomination (what the day's shift closes counted) and the cheques/DDs, with the
    deposit total in figures and words."""
    counts: dict[str, int] = {}
    for c in rep.shift_closes:
        for k, n in c.counts.items():
            counts[k] = counts.get(k, 0) + int(n)
    cash_rows, cash = _denomination_rows(counts, denoms)
    cheques = sum(ln.amount_paise for ln in rep.instruments)
    floats = sum(c.opening_float_paise for c in rep.shift_closes)
    total = cash + cheques
    head = [
        ("Date", "दिनांक", h.e(display_date(rep.business_date))),
        ("Counter", "काउंटर", lh.counter(rep.counter_code)),
        ("Shifts counted", "गिनी गई पालियाँ", f"{len(rep.shift_closes)} / {len(rep.shifts)}"),
    ]
    r = Report(f"PAY-IN-{rep.counter_code}-{rep.business_date}")
    r.add(h.heading(lh.utility_en, lh.utility_hi, "BANK DEPOSIT (PAY-IN) SLIP", "बैंक जमा पर्ची") + "<hr/>"
          + h.pairs(head))
    cash_html = h.section(*CASH) + h.table(
        [("Denomination", "मूल्यवर्ग"), ("Pieces", "नग"), ("Amount", "राशि")], cash_rows, numeric=(1, 2),
        footer=["Cash total / नकद योग", "", h.money(cash)], widths=("50%", "20%", "30%"))
    if floats:
        cash_html += (f"<p>Includes the opening float(s) of {h.money(floats)}. / इसमें {h.money(floats)} "
                      "का प्रारंभिक नकद शामिल है।</p>")
    r.add(cash_html, h.section("Cheques and DDs", "चेक और डीडी"), cheque_listing(rep))
    r.add(h.section("Deposit total", "कुल जमा")
          + h.pairs([(*CASH, h.money(cash)), ("Cheques/DDs", "चेक/डीडी", h.money(cheques)),
                     ("TOTAL", "कुल", f'<span style="font-size:14pt"><b>{h.money(total)}</b></span>')])
          + _words(total)
          + h.signatures(("Deposited by", "जमाकर्ता"), ("Supervisor", "सुपरवाइज़र"), ("Bank cashier", "बैंक खजांची"))
          + h.footer(_now(now)))
    return r


# ------------------------------------------------------------------------------------- day book
def day_book_report(rows: Sequence[DayBookRow], start: str, end: str, lh: Letterhead, counter_code: str,
                    *, now: datetime | None = None) -> Report:
    head = [("From", "से", h.e(display_date(start))), ("To", "तक", h.e(display_date(end))),
            ("Counter", "काउंटर", lh.counter(counter_code))]
    body = [[display_date(x.business_date), str(x.receipts), str(x.cancelled), format_inr(x.cash_paise),
             format_inr(x.cheque_dd_paise), format_inr(x.digital_paise), format_inr(x.net_paise)] for x in rows]
    foot = ["Total / योग", str(sum(x.receipts for x in rows)), str(sum(x.cancelled for x in rows)),
            format_inr(sum(x.cash_paise for x in rows)), format_inr(sum(x.cheque_dd_paise for x in rows)),
            format_inr(sum(x.digital_paise for x in rows)), format_inr(sum(x.net_paise for x in rows))]
    r = Report(f"DAY-BOOK-{counter_code}-{start}-{end}")
    r.add(h.heading(lh.utility_en, lh.utility_hi, "DAY BOOK", "रोकड़ बही") + "<hr/>" + h.pairs(head),
          Listing(DAY_BOOK_COLUMNS, body, foot if rows else None), h.footer(_now(now)))
    return r


# ----------------------------------------------------------------------------- output: PDF, printer
def render_z_report_pdf(report: DayReport, config: Config, path: Path, *, day_close: DayClose | None = None,
                        server: DayCloseStatus | None = None, now: datetime | None = None) -> Path:
    rep = z_report(report, Letterhead.of(config), day_close=day_close, server=server, now=now)
    return write_report_pdf(rep, REPORT_A4, Path(path))


def render_payin_slip_pdf(report: DayReport, config: Config, path: Path, *, now: datetime | None = None) -> Path:
    return write_report_pdf(payin_slip(report, Letterhead.of(config), denominations_of(config), now=now),
                            REPORT_A4, Path(path))


def render_day_book_pdf(rows: Sequence[DayBookRow], start: str, end: str, config: Config, counter_code: str,
                        path: Path, *, now: datetime | None = None) -> Path:
    return write_report_pdf(day_book_report(rows, start, end, Letterhead.of(config), counter_code, now=now),
                            REPORT_A4, Path(path))


def render_shift_report_pdf(sc: ShiftClose, config: Config, path: Path, *, clerk_name: str = "") -> Path:
    ensure_gui_app()
    lay = layout_named(config.receipt_layout)
    html = shift_report_html(sc, Letterhead.of(config), denominations_of(config), clerk_name=clerk_name,
                             roll=lay.roll)
    return write_pdf(html, {}, lay, Path(path), f"Shift close {sc.clerk} {sc.business_date}")


def print_shift_report(printer: ReceiptPrinter, sc: ShiftClose, config: Config, *, counter_name: str = "",
                       clerk_name: str = "") -> str | None:
    """On the counter's printer, in the receipt's layout (the clerk keeps it with the cash)."""
    lay = layout_named(config.receipt_layout)
    html = shift_report_html(sc, Letterhead.of(config, counter_name), denominations_of(config),
                             clerk_name=clerk_name, roll=lay.roll)
    return print_report(printer, Report(f"SHIFT-{sc.clerk}-{sc.business_date}", [html]), lay)


def print_z_report(printer: ReceiptPrinter, report: DayReport, config: Config, *, counter_name: str = "",
                   day_close: DayClose | None = None, server: DayCloseStatus | None = None) -> str | None:
    rep = z_report(report, Letterhead.of(config, counter_name), day_close=day_close, server=server)
    return print_report(printer, rep, REPORT_A4)


def print_payin_slip(printer: ReceiptPrinter, report: DayReport, config: Config, *,
                     counter_name: str = "") -> str | None:
    return print_report(printer, payin_slip(report, Letterhead.of(config, counter_name), denominations_of(config)),
                        REPORT_A4)


def print_day_book(printer: ReceiptPrinter, rows: Sequence[DayBookRow], start: str, end: str, config: Config,
                   counter_code: str, *, counter_name: str = "") -> str | None:
    rep = day_book_report(rows, start, end, Letterhead.of(config, counter_name), counter_code)
    return print_report(printer, rep, REPORT_A4)
