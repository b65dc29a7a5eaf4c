"""The covering slip of one cheque or DD that paid several accounts (issue 16): the instrument, its
total in words, and every receipt it paid (number, account, name, amount), in English and Hindi on
the same paper. The payer keeps it with the receipts; the supervisor matches it to the pay-in."""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.printing.printers import ReceiptPrinter
from counter_app.printing.receipt_doc import _STYLE, _e, _head, _Rows, display_date, display_datetime
from counter_app.printing.render import PageLayout, layout_named
from kesco_protocol import vocabulary
from kesco_protocol.money import format_inr
from kesco_protocol.records import Receipt


@dataclass(frozen=True, slots=True)
class CoveringSlip:
    receipts: tuple[Receipt, ...]
    utility_en: str
    utility_hi: str
    counter_name: str = ""
    reprint_no: int = 0

    @property
    def total_paise(self) -> int:
        return sum(r.amount_paise for r in self.receipts)

    @property
    def title(self) -> str:
        """The file/job name: the first receipt's number, so the slip sorts beside its receipts."""
        first = self.receipts[0].receipt_no if self.receipts else "group"
        return first + "-COVERING" + ("-DUPLICATE" if self.reprint_no else "")


def covering_slip_html(slip: CoveringSlip, *, roll: bool = True) -> str:
    from counter_app.domain.words import amount_in_words_en, amount_in_words_hi  # num2words loads slowly

    first = slip.receipts[0]
    inst = first.instrument or {}
    mode_en, mode_hi = vocabulary.mode(first.mode).both()
    parts = [_STYLE, _head(slip.utility_en, slip.utility_hi, "COVERING SLIP", "कवरिंग पर्ची", roll)]
    if slip.reprint_no:
        parts.append('<p align="center" style="margin-top:4px; font-size:16pt">'
                     "<b>*** DUPLICATE / दूसरी प्रति ***</b></p>")
    parts.append(f'<p align="center">One {_e(mode_en.lower())} for {len(slip.receipts)} accounts / '
                 f"{len(slip.receipts)} खातों के लिए एक {_e(mode_hi)}</p><hr/>")
    rows = _Rows(roll)
    rows.add("Date", "दिनांक", _e(display_datetime(first.issued_at)))
    rows.add("Counter", "काउंटर", _e(first.counter_code + (f" {slip.counter_name}" if slip.counter_name else "")))
    rows.add("Clerk", "लिपिक", _e(first.clerk))
    rows.add("Mode", "भुगतान प्रकार", _e(f"{mode_en} / {mode_hi}"), strong=True)
    rows.add("Chq/DD no.", "चेक/डीडी सं.", _e(inst.get("number", "-")), strong=True)
    rows.add("Dated", "दिनांकित", _e(display_date(inst.get("date"))))
    rows.add("Bank", "बैंक", _e(inst.get("bank", "-")))
    rows.add("IFSC/MICR", "बैंक कोड", _e(inst.get("ifsc", "-")))
    rows.add("Amount", "राशि", f'<span style="font-size:16pt"><b>{_e(format_inr(slip.total_paise))}</b></span>')
    parts.append(rows.html())
    parts.append(f'<p style="margin-top:4px">{_e(amount_in_words_en(slip.total_paise))}</p>'
                 f'<p style="margin-top:2px">{_e(amount_in_words_hi(slip.total_paise))}</p><hr/>')
    # The receipt number on a line of its own: on an 80 mm roll a column too narrow for it would
    # break "K07/2026-27/0000001" in two, and the payer must be able to read every number whole.
    head = ("<tr><td><b>Receipt no. / रसीद सं.</b><br/><b>Account, name / खाता, नाम</b></td>"
            '<td align="right"><b>Amount<br/>राशि</b></td></tr>')
    body = "".join(
        f'<tr><td colspan="2" style="padding-top:4px"><b>{_e(r.receipt_no)}</b></td></tr>'
        f"<tr><td>{_e(r.account_no)} {_e(r.consumer_name)}</td>"
        f'<td align="right">{_e(format_inr(r.amount_paise))}</td></tr>' for r in slip.receipts)
    total = (f'<tr><td style="padding-top:4px"><b>Total / योग ({len(slip.receipts)})</b></td>'
             f'<td align="right" style="padding-top:4px"><b>{_e(format_inr(slip.total_paise))}</b></td></tr>')
    parts.append(f'<table width="100%" cellspacing="0">{head}{body}{total}</table><hr/>')
    parts.append(
        "<p><b>Subject to realisation of the cheque/DD.<br/>चेक/डीडी की वसूली के अधीन।</b></p>"
        '<p style="margin-top:3px">If the bank returns it, every receipt above is reversed.<br/>'
        "बैंक द्वारा लौटाए जाने पर ऊपर की सभी रसीदें प्रत्यावर्तित होंगी।</p>"
        '<p align="center" style="margin-top:6px">Computer generated slip. / कंप्यूटर जनित पर्ची।</p>'
    )
    return "".join(parts)


def print_covering_slip(printer: ReceiptPrinter, slip: CoveringSlip, layout: PageLayout | str) -> str | None:
    """Render and print the slip on the receipt printer."""
    lay = layout_named(layout) if isinstance(layout, str) else layout
    return printer.print_html(covering_slip_html(slip, roll=lay.roll), {}, lay, slip.title)
