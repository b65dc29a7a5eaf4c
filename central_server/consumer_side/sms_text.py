"""The consumer's confirmation in words, in Hindi, English or both, and how many SMS parts it
takes: what the gateways send (gateways.py) and what the DLT templates registered per language must
say (docs/DEPLOY.md lists them).

Length rules (3GPP TS 23.038 / 23.040): a text wholly in the GSM 7-bit alphabet takes 160
characters in one SMS, 153 a part when concatenated (the header takes 7), and each character of
the extension table (^ { } [ ] ~ | \\ €) counts as two; any other character (Devanagari, ₹) makes
the whole message UCS-2: 70 UTF-16 units in one SMS, 67 a part when concatenated, a character
outside the BMP is two units, and neither an escape pair nor a surrogate pair is split between
parts. English SMS therefore write "Rs." and not "₹": one rupee sign would make them UCS-2 and
double their parts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kesco_protocol.money import format_inr

EN, HI, HI_EN = "en", "hi", "hi+en"
LANGUAGES = (HI_EN, HI, EN)
AUTO = "auto"  # Hindi + English when it fits in the allowed parts, else Hindi

_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà")
_GSM_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True, slots=True)
class SmsLength:
    encoding: str  # "gsm7" | "ucs2"
    units: int  # septets (gsm7) or UTF-16 code units (ucs2)
    parts: int


def _units(ch: str, gsm: bool) -> int:
    if gsm:
        return 2 if ch in _GSM_EXTENDED else 1
    return 2 if ord(ch) > 0xFFFF else 1


def measure(text: str) -> SmsLength:
    """The encoding an SMS of `text` must use, its length in that encoding's units, and its parts."""
    gsm = all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in text)
    single, per_part = (160, 153) if gsm else (70, 67)
    units = sum(_units(ch, gsm) for ch in text)
    if units <= single:
        return SmsLength("gsm7" if gsm else "ucs2", units, 1 if text else 0)
    parts, used = 1, 0
    for ch in text:  # greedy, as a handset or an SMSC splits: a pair never straddles two parts
        u = _units(ch, gsm)
        if used + u > per_part:
            parts, used = parts + 1, 0
        used += u
    return SmsLength("gsm7" if gsm else "ucs2", units, parts)


def _date(iso: str) -> str:
    y, m, d = iso.split("-") if iso.count("-") == 2 else ("", "", iso)
    return f"{d}-{m}-{y}" if y else iso


def _rupees_ascii(paise: int) -> str:
    return "Rs." + format_inr(paise).lstrip("₹")


WHY_EN = {"void": "CANCELLED at the counter", "dishonour": "CANCELLED, cheque/DD dishonoured",
          "reversal": "CANCELLED, reversed"}
WHY_HI = {"void": "काउंटर पर रद्द", "dishonour": "चेक/डीडी अनादरित होने से रद्द", "reversal": "वापस ली गई"}


def variables(item: dict[str, Any], language: str) -> list[str]:
    """The template's blanks in order: amount, account, date, receipt (and for a cancellation the
    reason), in the words of that language's template."""
    amount = _rupees_ascii(int(item["amount_paise"])) if language == EN else format_inr(int(item["amount_paise"]))
    out = [amount, str(item["account_no"]), _date(str(item["value_date"])), str(item["receipt_no"])]
    if item["event"] != "receipt":
        out.append(WHY_EN.get(item["event"], "CANCELLED") if language == EN else
                   WHY_HI.get(item["event"], "रद्द") if language == HI else
                   f"{WHY_HI.get(item['event'], 'रद्द')} / {WHY_EN.get(item['event'], 'CANCELLED')}")
    return out


def _hi(item: dict[str, Any]) -> str:
    amount, account, day, receipt, *why = variables(item, HI)
    if item["event"] == "receipt":
        return f"KESCO: खाता {account} हेतु {amount} प्राप्त, दिनांक {day}, रसीद {receipt}। धन्यवाद।"
    return (f"KESCO: खाता {account} की रसीद {receipt} ({amount}) {day} को {why[0]}। भुगतान किया हो तो "
            "रसीद सहित KESCO से संपर्क करें।")


def _en(item: dict[str, Any], head: str = "KESCO: ") -> str:
    amount, account, day, receipt, *why = variables(item, EN)
    if item["event"] == "receipt":
        return f"{head}{amount} received for a/c {account} on {day}, receipt {receipt}. Thanks."
    return (f"{head}receipt {receipt} of {amount} for a/c {account} {why[0]} on {day}. If you paid, "
            "contact KESCO with your receipt.")


def text(item: dict[str, Any], language: str) -> str:
    """The message in `language` (en, hi, or hi+en: Hindi first, then English on its own line,
    without repeating the sender's name, so that a receipt's usually fits in three parts)."""
    if language == EN:
        return _en(item)
    if language == HI:
        return _hi(item)
    if language == HI_EN:
        return _hi(item) + "\n" + _en(item, head="")
    raise ValueError(f"unknown SMS language {language!r}")


def choose(item: dict[str, Any], setting: str, max_parts: int, available: tuple[str, ...] = LANGUAGES,
           consumer_language: str | None = None) -> str:
    """Which language this consumer's message is sent in: the consumer's own (master data) when it
    has one that can be sent, else the server's setting; `auto` is Hindi + English when that fits
    in `max_parts`, else Hindi. Only languages in `available` (an SMS provider delivers only the
    templates registered with DLT) are chosen; the first available of hi+en, hi, en otherwise."""
    wanted: list[str] = []
    if consumer_language in LANGUAGES:
        wanted.append(str(consumer_language))
    if setting == AUTO:
        if measure(text(item, HI_EN)).parts <= max_parts:
            wanted.append(HI_EN)
        wanted.append(HI)
    elif setting in LANGUAGES:
        wanted.append(setting)
    wanted += [lang for lang in LANGUAGES if lang not in wanted]
    for lang in wanted:
        if lang in available:
            return lang
    raise ValueError("no SMS language is available")
