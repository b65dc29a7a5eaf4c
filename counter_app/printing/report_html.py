"""Building blocks of the supervisor's reports (shift report, Z-report, pay-in slip, day book):
bilingual headings, label/value blocks and tables in the HTML subset QTextDocument lays out."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import datetime

from kesco_protocol import vocabulary
from kesco_protocol.money import format_inr

STYLE = """<style>
td, th { padding: 2px 4px; vertical-align: top; }
th { font-weight: bold; background-color: #e6e6e6; }
td.n { text-align: right; }
p { margin: 0; }
h2 { font-size: 13pt; margin-top: 10px; margin-bottom: 3px; }
</style>"""


def e(s: object) -> str:
    return html.escape(str(s), quote=True)


def money(paise: int) -> str:
    return e(format_inr(paise))


def both(en: str, hi: str, *, roll: bool = False) -> str:
    """A bilingual label: beside each other on a page, Hindi under English on a roll."""
    return f"{e(en)}<br/>{e(hi)}" if roll else f"{e(en)} / {e(hi)}"


def mode_name(mode: str) -> str:
    en, hi = vocabulary.mode(mode).both()
    return f"{en} / {hi}"


def category_name(cat: str) -> str:
    if cat in ("", "unknown"):
        return "Not in master data / मास्टर डेटा में नहीं"
    en, hi = vocabulary.category(cat).both()
    return f"{en} / {hi}"


def variance_words(paise: int) -> tuple[str, str]:
    """Short or excess in words (the paper is black and white: nothing is said by colour)."""
    if paise < 0:
        return f"SHORT by {format_inr(-paise)}", f"{format_inr(-paise)} कम"
    if paise > 0:
        return f"EXCESS by {format_inr(paise)}", f"{format_inr(paise)} अधिक"
    return "No variance", "कोई अंतर नहीं"


def heading(utility_en: str, utility_hi: str, title_en: str, title_hi: str, *, roll: bool = False) -> str:
    big = 15 if roll else 16
    return (
        f'<p align="center"><b>{e(utility_en)}</b></p>'
        f'<p align="center"><b>{e(utility_hi)}</b></p>'
        f'<p align="center" style="margin-top:4px; font-size:{big}pt"><b>{e(title_en)}</b></p>'
        f'<p align="center" style="font-size:{big}pt"><b>{e(title_hi)}</b></p>'
    )


def section(en: str, hi: str, *, roll: bool = False) -> str:
    if roll:
        return f'<p style="margin-top:8px; font-size:13pt"><b>{e(en)}<br/>{e(hi)}</b></p>'
    return f"<h2>{e(en)} / {e(hi)}</h2>"


def pairs(rows: Iterable[tuple[str, str, str]], *, roll: bool = False, strong: Sequence[int] = ()) -> str:
    """Label/value rows: (English label, Hindi label, value HTML)."""
    out = []
    for i, (en, hi, value) in enumerate(rows):
        v = f"<b>{value}</b>" if i in strong else value
        width = "45%" if roll else "40%"
        out.append(f'<tr><td width="{width}">{both(en, hi, roll=roll)}</td><td>{v}</td></tr>')
    return '<table width="100%" cellspacing="0">' + "".join(out) + "</table>"


def table(headers: Sequence[tuple[str, str]], rows: Iterable[Sequence[str]], *, numeric: Sequence[int] = (),
          footer: Sequence[str] | None = None, widths: Sequence[str] | None = None) -> str:
    """A bordered table; `numeric` columns are right-aligned. Cells are HTML (escape before)."""
    num = set(numeric)
    head = "".join(
        f'<th align="{"right" if i in num else "left"}"{f" width={widths[i]}" if widths else ""}>'
        f"{e(en)}<br/>{e(hi)}</th>" for i, (en, hi) in enumerate(headers))
    body = []
    for row in rows:
        body.append("<tr>" + "".join(f'<td{" class=n" if i in num else ""}>{c}</td>'
                                     for i, c in enumerate(row)) + "</tr>")
    if footer is not None:
        body.append("<tr>" + "".join(f'<td{" class=n" if i in num else ""}><b>{c}</b></td>'
                                     for i, c in enumerate(footer)) + "</tr>")
    if not body:
        return '<p><i>None / कोई नहीं</i></p>'
    return ('<table width="100%" cellspacing="0" cellpadding="2" border="1" style="border-collapse:collapse">'
            f"<tr>{head}</tr>{''.join(body)}</table>")


def signatures(*who: tuple[str, str], roll: bool = False) -> str:
    """Lines to sign on: side by side on a page; on an 80 mm roll one under the other, each line
    short enough for the paper (side by side they wrapped into pieces)."""
    if roll:
        rows = "".join(f'<tr><td align="center" style="padding-top:30px">________________<br/>{both(en, hi)}</td></tr>'
                       for en, hi in who)
        return f'<table width="100%" cellspacing="0" style="margin-top:12px">{rows}</table>'
    cells = "".join(f'<td align="center" style="padding-top:36px">______________________<br/>{both(en, hi)}</td>'
                    for en, hi in who)
    return f'<table width="100%" cellspacing="0" style="margin-top:18px"><tr>{cells}</tr></table>'


def count_of(n: int, en_one: str, en_many: str, hi: str) -> str:
    """A count in words in both languages: "1 item / 1 नग", "2 items / 2 नग" (Hindi's counted
    noun is given in the form it takes after a number)."""
    return f"{n} {en_one if n == 1 else en_many} / {n} {hi}"


def footer(printed_at: datetime) -> str:
    when = printed_at.strftime("%d-%m-%Y %H:%M")
    return (f'<p style="margin-top:8px">Computer generated report, printed {e(when)}. / '
            f"कंप्यूटर जनित रिपोर्ट, मुद्रित {e(when)}।</p>")
