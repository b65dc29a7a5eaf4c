"""The receipt and the cancellation slip as HTML for QTextDocument: bilingual (English and Hindi
on the same paper, as a legal record the consumer keeps), in an 80 mm roll or an A5 page layout."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime

from kesco_protocol import vocabulary
from kesco_protocol.money import format_inr
from kesco_protocol.records import Mode, Receipt, Void

QR_URL = "qr://receipt"

@dataclass(frozen=True, slots=True)
class ReceiptPrint:
    """Everything printed on one receipt: the committed record plus what the paper also shows."""

    receipt: Receipt
    utility_en: str
    utility_hi: str
    counter_name: str = ""
    clerk_name: str = ""
    address: str = ""
    reprint_no: int = 0  # 0: the original; n: the n-th reprint, marked DUPLICATE


@dataclass(frozen=True, slots=True)
class VoidPrint:
    void: Void
    receipt: Receipt
    utility_en: str
    utility_hi: str
    counter_name: str = ""


def display_datetime(iso: str | None) -> str:
    """`2026-11-29T10:30:00.000+05:30` -> `29-11-2026 10:30` (the counter's own clock, IST)."""
    if not iso:
        return "-"
    try:
        return datetime.fromisoformat(iso).strftime("%d-%m-%Y %H:%M")
    except ValueError:
        return iso


def display_date(iso: str | None) -> str:
    if not iso:
        return "-"
    try:
        return date.fromisoformat(iso[:10]).strftime("%d-%m-%Y")
    except ValueError:
        return iso


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


class _Rows:
    """Label/value rows: on a roll the Hindi label goes under the English one (the paper is narrow),
    on a page they share a line."""

    def __init__(self, roll: bool) -> None:
        self.roll = roll
        self.rows: list[str] = []

    def add(self, en: str, hi: str, value: str, *, strong: bool = False) -> None:
        v = f"<b>{value}</b>" if strong else value
        label = f"{_e(en)}<br/>{_e(hi)}" if self.roll else f"{_e(en)} / {_e(hi)}"
        width = "42%"
        self.rows.append(f'<tr><td class="k" width="{width}">{label}</td><td class="v">{v}</td></tr>')

    def html(self) -> str:
        return '<table width="100%" cellspacing="0">' + "".join(self.rows) + "</table>"


def _head(utility_en: str, utility_hi: str, title_en: str, title_hi: str, roll: bool) -> str:
    big = 16 if roll else 18
    return (
        f'<p align="center" style="margin:0"><b>{_e(utility_en)}</b></p>'
        f'<p align="center" style="margin:0"><b>{_e(utility_hi)}</b></p>'
        f'<p align="center" style="margin-top:6px; margin-bottom:0; font-size:{big}pt">'
        f"<b>{_e(title_en)}</b></p>"
        f'<p align="center" style="margin:0; font-size:{big}pt"><b>{_e(title_hi)}</b></p>'
    )


_STYLE = """<style>
td { padding: 1px 2px; vertical-align: top; }
td.k { color: #000; }
td.v { }
p { margin: 0; }
</style>"""


def _account_rows(r: Receipt, roll: bool) -> _Rows | _Line:
    """What the payment did to the account, as the counter knew it: due (or advance) before, the
    amount paid, still due (or the advance now). One line of three on a page, rows on a roll."""
    before = r.balance_before_paise
    paid = ("Amount paid", "भुगतान राशि",
            f'<span style="font-size:18pt"><b>{_e(format_inr(r.amount_paise))}</b></span>')
    cells: list[tuple[str, str, str]] = []
    if before is not None:
        cells.append(("Advance held before", "पहले से जमा अग्रिम", _e(format_inr(-before))) if before < 0
                     else ("Due before", "पहले देय राशि", _e(format_inr(before))))
    cells.append(paid)
    if before is not None:
        after = before - r.amount_paise
        cells.append(("Advance now", "अब अग्रिम", f"<b>{_e(format_inr(-after))}</b>") if after < 0
                     else ("Still due", "शेष देय", f"<b>{_e(format_inr(after))}</b>"))
    if roll:
        rows = _Rows(roll)
        for en, hi, value in cells:
            rows.add(en, hi, value)
        return rows
    return _Line(cells)


def part_payment_remaining(r: Receipt) -> int | None:
    """What a part payment leaves due (the consumer's warning on the paper), None when the receipt
    paid the whole due or the due was not known (an account not in the local data)."""
    before = r.balance_before_paise
    if before is None or before <= 0 or r.amount_paise >= before:
        return None
    return before - r.amount_paise


class _Line:
    """Label-over-value cells side by side on one line (a page has the width a roll lacks)."""

    def __init__(self, cells: list[tuple[str, str, str]]) -> None:
        self.cells = cells

    def html(self) -> str:
        tds = "".join(f'<td class="k">{_e(en)} / {_e(hi)}<br/>{value}</td>' for en, hi, value in self.cells)
        return f'<table width="100%" cellspacing="0"><tr>{tds}</tr></table>'


def receipt_html(rp: ReceiptPrint, *, roll: bool = True) -> str:
    """The receipt, all text 12 pt or larger: Hindi labels under the English ones on a roll, beside
    them on a page."""
    from counter_app.domain.words import amount_in_words_en, amount_in_words_hi  # num2words loads slowly

    r = rp.receipt
    qr_px = round(32 / 25.4 * 96)
    img = f'<img src="{QR_URL}" width="{qr_px}" height="{qr_px}"/>'
    head = [_head(rp.utility_en, rp.utility_hi, "PAYMENT RECEIPT", "भुगतान रसीद", roll)]
    if rp.reprint_no > 0:
        head.append(
            '<p align="center" style="margin-top:4px; font-size:16pt"><b>*** DUPLICATE / दूसरी प्रति ***</b></p>'
            f'<p align="center">Reprint no. {rp.reprint_no} / पुनर्मुद्रण सं. {rp.reprint_no}</p>'
        )
    head.append(
        '<p align="center" style="margin-top:6px">Receipt no. / रसीद सं.</p>'
        f'<p align="center" style="font-size:15pt"><b>{_e(r.receipt_no)}</b></p>'
    )
    counter = _e(r.counter_code + (f" {rp.counter_name}" if rp.counter_name else ""))
    clerk = _e(r.clerk + (f" ({rp.clerk_name})" if rp.clerk_name and rp.clerk_name != r.clerk else ""))
    rows = _Rows(roll)
    rows.add("Date", "दिनांक", _e(display_datetime(r.issued_at)))
    rows.add("Counter", "काउंटर", counter)
    rows.add("Clerk", "लिपिक", clerk)
    rows.add("Account no.", "खाता सं.", _e(r.account_no), strong=True)
    rows.add("Name", "नाम", _e(r.consumer_name))
    if rp.address:
        rows.add("Address", "पता", _e(rp.address))
    if r.category:
        cat = vocabulary.category(r.category).both()
        rows.add("Category", "श्रेणी", _e(f"{cat[0]} / {cat[1]}"))
    rows.add("Bill ref.", "बिल सं.", _e(r.bill_no or "-"))

    amount = _account_rows(r, roll)
    words = (f'<p style="margin-top:4px">{_e(amount_in_words_en(r.amount_paise))}</p>'
             f'<p style="margin-top:2px">{_e(amount_in_words_hi(r.amount_paise))}</p>')
    mode_en, mode_hi = vocabulary.mode(r.mode).both()
    mrows = _Rows(roll)
    mrows.add("Mode", "भुगतान प्रकार", _e(f"{mode_en} / {mode_hi}"), strong=True)
    inst = r.instrument or {}
    if Mode(r.mode).is_instrument:
        mrows.add("Chq/DD no.", "चेक/डीडी सं.", _e(inst.get("number", "-")))
        mrows.add("Dated", "दिनांकित", _e(display_date(inst.get("date"))))
        mrows.add("Bank", "बैंक", _e(inst.get("bank", "-")))
        mrows.add("IFSC/MICR", "बैंक कोड", _e(inst.get("ifsc", "-")))
    elif Mode(r.mode).needs_reference:
        mrows.add("Reference", "संदर्भ सं.", _e(inst.get("reference", "-")))
    else:  # cash: what the drawer took (to the rupee), what was handed over, the change
        if r.round_off_paise:
            sign = "+" if r.round_off_paise > 0 else "−"
            mrows.add("Rounding", "पूर्णांकन", _e(sign + format_inr(abs(r.round_off_paise))))
            mrows.add("Cash received", "प्राप्त नकद", _e(format_inr(r.cash_paise)), strong=True)
        tendered = r.cash_paise if r.tendered_paise is None else r.tendered_paise
        mrows.add("Tendered", "दी गई नकदी", _e(format_inr(tendered)))
        mrows.add("Change", "लौटाई राशि", _e(format_inr(tendered - r.cash_paise)))
    if r.part_payment_allowed_by:
        mrows.add("Part payment allowed by", "आंशिक भुगतान स्वीकृतकर्ता", _e(r.part_payment_allowed_by))
    notes: list[str] = []
    remaining = part_payment_remaining(r)
    if remaining is not None:
        amount_due = _e(format_inr(remaining))
        notes.append(f"<b>PART PAYMENT: {amount_due} remains due. The connection may still be disconnected for the "
                     f"amount remaining.<br/>आंशिक भुगतान: {amount_due} अभी शेष देय है। शेष राशि के लिए कनेक्शन "
                     "अब भी काटा जा सकता है।</b>")
    if Mode(r.mode).is_instrument:
        notes.append("<b>Subject to realisation of the cheque/DD.<br/>चेक/डीडी की वसूली के अधीन।</b>")
    if r.collected_in_closing:
        notes.append("Collected during month-end closing.<br/>माह-अंत क्लोज़िंग के दौरान प्राप्त।")
    if r.balance_as_of:
        when = _e(display_datetime(r.balance_as_of))
        if r.balance_before_paise is not None:
            notes.append(f"Due before: the utility's records as of {when}, with this counter's receipts since."
                         f"<br/>पहले देय: {when} तक के अभिलेख, और उसके बाद इस काउंटर की रसीदें।")
        else:
            notes.append(f"Balances as of {when}.<br/>बकाया {when} की स्थिति के अनुसार।")
    footer = ("Computer generated receipt; no signature needed.<br/>कंप्यूटर जनित रसीद; हस्ताक्षर आवश्यक नहीं।",
              "Payment receipt, not a tax invoice.<br/>भुगतान रसीद, कर बीजक नहीं।")
    notes_html = "".join(f'<p style="margin-top:3px">{n}</p>' for n in notes)
    if roll:
        return "".join([
            _STYLE, *head, "<hr/>", rows.html(), "<hr/>", amount.html(), words,
            '<p style="margin-top:4px"></p>', mrows.html(), "<hr/>" if notes else "", notes_html,
            f'<p align="center" style="margin-top:6px">{img}</p>',
            *(f'<p align="center" style="margin-top:3px">{n}</p>' for n in footer),
        ])
    # A page: the code beside the heading, otherwise the same order as the roll.
    return "".join([
        _STYLE, f'<table width="100%" cellspacing="0"><tr><td>{"".join(head)}</td>'
        f'<td width="{qr_px + 8}" align="right">{img}</td></tr></table>',
        "<hr/>", rows.html(), "<hr/>", amount.html(), words, '<p style="margin-top:4px"></p>', mrows.html(),
        "<hr/>", notes_html, *(f'<p style="margin-top:3px">{n}</p>' for n in footer),
    ])


def void_html(vp: VoidPrint, *, roll: bool = True) -> str:
    v, r = vp.void, vp.receipt
    parts = [_STYLE, _head(vp.utility_en, vp.utility_hi, "CANCELLATION SLIP", "रसीद रद्दीकरण पर्ची", roll)]
    counter = _e(v.counter_code + (f" {vp.counter_name}" if vp.counter_name else ""))
    mode = "{} / {}".format(*vocabulary.mode(v.mode).both())
    parts.append('<p align="center">Cancelled receipt / रद्द रसीद</p>'
                 f'<p align="center" style="font-size:15pt"><b>{_e(v.receipt_no)}</b></p><hr/>')
    rows = _Rows(roll)
    rows.add("Receipt date", "रसीद दिनांक", _e(display_datetime(r.issued_at)))
    rows.add("Account no.", "खाता सं.", _e(r.account_no))
    rows.add("Name", "नाम", _e(r.consumer_name))
    rows.add("Amount", "राशि", _e(format_inr(v.amount_paise)), strong=True)
    rows.add("Mode", "भुगतान प्रकार", _e(mode))
    rows.add("Reason", "कारण", _e(v.reason))
    rows.add("Cancelled at", "रद्द करने का समय", _e(display_datetime(v.voided_at)))
    rows.add("Counter", "काउंटर", counter)
    rows.add("Clerk", "लिपिक", _e(v.clerk))
    rows.add("Approved by", "स्वीकृतकर्ता", _e(v.approved_by), strong=True)
    rows.add("Cancel id", "रद्दीकरण आईडी", _e(v.void_id[:8]))
    parts.append(rows.html() + "<hr/>")
    parts.append(
        '<p align="center"><b>The receipt above is CANCELLED.</b></p>'
        '<p align="center"><b>ऊपर लिखी रसीद रद्द है।</b></p>'
        '<p align="center" style="margin-top:3px">Computer generated slip. / कंप्यूटर जनित पर्ची।</p>'
    )
    return "".join(parts)
