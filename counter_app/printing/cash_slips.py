"""The paper of cash leaving the drawer, bilingual like every slip: the pickup slip (in the
receipt's layout, 80 mm roll or A4/A5, as the shift report: the clerk keeps one copy in the
drawer, the supervisor one with the cash) and the bank pay-in slip of a Deposit record (A4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from counter_app.config import Config
from counter_app.domain.closes import DEFAULT_DENOMINATIONS
from counter_app.printing import report_doc as doc
from counter_app.printing import report_html as h
from counter_app.printing.printers import ReceiptPrinter, write_pdf
from counter_app.printing.receipt_doc import display_date, display_datetime
from counter_app.printing.render import layout_named
from counter_app.printing.reports import (
    CASH,
    DD_SHORT,
    REPORT_A4,
    Letterhead,
    denomination_name,
    denominations_of,
)
from kesco_protocol.money import format_inr
from kesco_protocol.records import Deposit, Pickup

DESTINATIONS = {"safe": ("Office safe", "कार्यालय तिजोरी"), "bank": ("Bank (cash van)", "बैंक (कैश वैन)")}


def _words(paise: int) -> tuple[str, str]:
    from counter_app.domain.words import amount_in_words_en, amount_in_words_hi  # num2words loads slowly

    try:
        return amount_in_words_en(paise), amount_in_words_hi(paise)
    except (ValueError, TypeError):
        return "", ""


def _denomination_rows(counts: Mapping[str, int], denoms: Sequence[tuple[str, int]]) -> list[list[str]]:
    rows = []
    for key, value in denoms:
        n = int(counts.get(key, 0))
        if n:
            rows.append([h.e(denomination_name(key)), str(n), h.money(value * n)])
    return rows


# ------------------------------------------------------------------------------------ pickup slip
def pickup_slip_html(p: Pickup, counts: Mapping[str, int], lh: Letterhead,
                     denoms: Sequence[tuple[str, int]] = DEFAULT_DENOMINATIONS, *, in_drawer_after: int | None = None,
                     roll: bool = True) -> str:
    dest_en, dest_hi = DESTINATIONS.get(p.destination, (p.destination, p.destination))
    w_en, w_hi = _words(p.amount_paise)
    rows = [
        ("Date", "दिनांक", h.e(display_date(p.business_date))),
        ("Counter", "काउंटर", lh.counter(p.counter_code)),
        ("Taken at", "समय", h.e(display_datetime(p.taken_at))),
        ("Drawer of", "किसकी दराज़", h.e(p.clerk)),
        ("Taken by", "ले जाने वाले", f"<b>{h.e(p.taken_by)}</b>"),
        ("To", "कहाँ", h.e(f"{dest_en} / {dest_hi}")),
        ("Amount", "राशि", f'<span style="font-size:13pt"><b>{h.money(p.amount_paise)}</b></span>'),
    ]
    if in_drawer_after is not None:
        rows.append(("Left in the drawer", "दराज़ में शेष", h.money(in_drawer_after)))
    if p.remark:
        rows.append(("Remark", "टिप्पणी", h.e(p.remark)))
    parts = [h.STYLE, h.heading(lh.utility_en, lh.utility_hi, "CASH PICKUP SLIP", "नकद निकासी पर्ची", roll=roll),
             "<hr/>", h.pairs(rows, roll=roll),
             f"<p>{h.e(w_en)}</p><p>{h.e(w_hi)}</p>",
             h.section("Cash by denomination", "मूल्यवर्ग अनुसार नकद", roll=roll),
             h.table([("Note/coin", "मूल्यवर्ग"), ("Pieces", "नग"), ("Amount", "राशि")],
                     _denomination_rows(counts, denoms), numeric=(1, 2),
                     footer=["Total / योग", "", h.money(p.amount_paise)]),
             f"<p>Pickup id / निकासी क्रमांक: {h.e(p.pickup_id)}</p>",
             h.signatures(("Clerk", "लिपिक"), ("Supervisor", "सुपरवाइज़र"), roll=roll)]
    return "".join(parts)


def render_pickup_slip_pdf(p: Pickup, counts: Mapping[str, int], config: Config, path: Path, *,
                           in_drawer_after: int | None = None) -> Path:
    doc.ensure_gui_app()
    lay = layout_named(config.receipt_layout)
    html = pickup_slip_html(p, counts, Letterhead.of(config), denominations_of(config),
                            in_drawer_after=in_drawer_after, roll=lay.roll)
    return write_pdf(html, {}, lay, Path(path), f"Pickup {p.clerk} {p.taken_at}")


def print_pickup_slip(printer: ReceiptPrinter, p: Pickup, counts: Mapping[str, int], config: Config, *,
                      counter_name: str = "", in_drawer_after: int | None = None) -> str | None:
    """On the counter's printer, in the receipt's layout."""
    lay = layout_named(config.receipt_layout)
    html = pickup_slip_html(p, counts, Letterhead.of(config, counter_name), denominations_of(config),
                            in_drawer_after=in_drawer_after, roll=lay.roll)
    stamp = p.taken_at[:19].replace(":", "").replace("T", "-")
    return doc.print_report(printer, doc.Report(f"PICKUP-{p.clerk}-{stamp}", [html]), lay)


# ------------------------------------------------------------------------------------ pay-in slip
DEPOSIT_COLUMNS = (doc.Column("Type", "प्रकार", 14), doc.Column("Number", "संख्या", 24), doc.Column("Bank", "बैंक", 44),
                   doc.Column("Receipts", "रसीदें", 70, wrap=True), doc.Column("Amount", "राशि", 32, right=True))


def deposit_slip(d: Deposit, counts: Mapping[str, int], lh: Letterhead, receipt_nos: Mapping[str, str],
                 denoms: Sequence[tuple[str, int]] = DEFAULT_DENOMINATIONS, *, now: datetime | None = None) -> doc.Report:
    """The recorded deposit: bank, branch, slip number, cash by denomination, one line per cheque or
    DD (a multi-account one lists its receipts), the total in figures and words."""
    head = [
        ("Bank", "बैंक", h.e(d.bank)), ("Branch", "शाखा", h.e(d.branch)),
        ("Pay-in slip no.", "जमा पर्ची सं.", f"<b>{h.e(d.slip_no)}</b>"),
        ("Deposit date", "जमा दिनांक", h.e(display_date(d.deposit_date))),
        ("Collection of", "संग्रह दिनांक", h.e(display_date(d.business_date))),
        ("Counter", "काउंटर", lh.counter(d.counter_code)),
        ("Recorded by", "दर्जकर्ता", h.e(f"{d.recorded_by}, {display_datetime(d.recorded_at)}")),
    ]
    cheques = d.amount_paise - d.cash_paise
    rows = [[DD_SHORT if i["mode"] == "dd" else "Chq", str(i["number"]), str(i["bank"]),
             ", ".join(receipt_nos.get(r, r) for r in i["receipt_ids"]), format_inr(int(i["amount_paise"]))]
            for i in d.instruments]
    foot = ["", "", "", f"{h.count_of(len(rows), 'item', 'items', 'नग')}: Total / योग", format_inr(cheques)]
    w_en, w_hi = _words(d.amount_paise)
    r = doc.Report(f"DEPOSIT-{d.counter_code}-{d.business_date}-{d.slip_no}")
    r.add(h.heading(lh.utility_en, lh.utility_hi, "BANK DEPOSIT (PAY-IN) SLIP", "बैंक जमा पर्ची") + "<hr/>"
          + h.pairs(head))
    r.add(h.section(*CASH) + h.table(
        [("Denomination", "मूल्यवर्ग"), ("Pieces", "नग"), ("Amount", "राशि")], _denomination_rows(counts, denoms),
        numeric=(1, 2), footer=["Cash total / नकद योग", "", h.money(d.cash_paise)], widths=("50%", "20%", "30%")))
    r.add(h.section("Cheques and DDs", "चेक और डीडी"), doc.Listing(DEPOSIT_COLUMNS, rows, foot if rows else None))
    r.add(h.section("Deposit total", "कुल जमा")
          + h.pairs([(*CASH, h.money(d.cash_paise)), ("Cheques/DDs", "चेक/डीडी", h.money(cheques)),
                     ("TOTAL", "कुल", f'<span style="font-size:14pt"><b>{h.money(d.amount_paise)}</b></span>')])
          + f"<p>{h.e(w_en)}</p><p>{h.e(w_hi)}</p>"
          + h.signatures(("Deposited by", "जमाकर्ता"), ("Supervisor", "सुपरवाइज़र"), ("Bank cashier", "बैंक खजांची"))
          + h.footer(now or datetime.now().astimezone()))
    return r


def render_deposit_slip_pdf(d: Deposit, counts: Mapping[str, int], receipt_nos: Mapping[str, str], config: Config,
                            path: Path) -> Path:
    rep = deposit_slip(d, counts, Letterhead.of(config), receipt_nos, denominations_of(config))
    return doc.write_report_pdf(rep, REPORT_A4, Path(path))


def print_deposit_slip(printer: ReceiptPrinter, d: Deposit, counts: Mapping[str, int],
                       receipt_nos: Mapping[str, str], config: Config, *, counter_name: str = "") -> str | None:
    rep = deposit_slip(d, counts, Letterhead.of(config, counter_name), receipt_nos, denominations_of(config))
    return doc.print_report(printer, rep, REPORT_A4)
