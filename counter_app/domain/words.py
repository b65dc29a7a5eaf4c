"""Amount in words for receipts, in English (Indian system) and Hindi.

English comes from num2words ``lang="en_IN"`` (lakh/crore), normalised to the receipt style
"Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Fifty Paise Only": title case, the
commas and the inner "and"s num2words puts in ("one hundred and one") removed, so "and" only joins
rupees and paise.

Hindi comes from indic-numtowords (``lang="hi"``), which handles integers only and only up to nine
digits: from ten digits on it reads the number digit by digit ("एक शून्य शून्य ...") and, given an
int, crashes with TypeError; it raises KeyError for negative numbers. So this module never hands it
anything of more than seven digits: rupees are split into crores (0-999) and the remainder below one
crore, each worded by the library, and "करोड़" is joined here. The output is NFC-normalised, which
turns precomposed nukta letters (U+095B "ज़") into letter + nukta (U+091C U+093C), the form the
library already uses, so "हज़ार" and "करोड़" always have one spelling. The library's own numeral
spellings are kept (e.g. 6 "छः", 18 "अट्ठारह", 53 "तिरेपन", 67 "सरसठ", the first of its variants
for 87 "सत्तासी"); its fractional idioms ("डेढ़ सौ" for 150) are never used.

Both functions accept 0 to :data:`~kesco_protocol.money.DEFAULT_MAX_PAISE` paise and raise
:class:`AmountError` ("amount.negative" / "amount.over_limit") outside that range.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from indic_numtowords import num2words as _hi_num2words
from num2words import num2words as _num2words

from counter_app.domain.errors import AmountError
from kesco_protocol.money import DEFAULT_MAX_PAISE, format_inr

_CRORE: Final[int] = 10_000_000


def _check_range(paise: int) -> tuple[int, int]:
    if not isinstance(paise, int) or isinstance(paise, bool):
        raise TypeError(f"money must be int paise, not {type(paise).__name__}")
    if paise < 0:
        raise AmountError("amount.negative")
    if paise > DEFAULT_MAX_PAISE:
        raise AmountError("amount.over_limit", limit=format_inr(DEFAULT_MAX_PAISE))
    return divmod(paise, 100)


# ---------------------------------------------------------------------------------------- English


def _en(n: int) -> str:
    """``123456`` -> ``"One Lakh Twenty-Three Thousand Four Hundred Fifty-Six"``."""
    raw = str(_num2words(n, lang="en_IN"))
    words = re.sub(r"\s+", " ", raw.replace(",", " ")).strip().split(" ")
    return " ".join(w.title() for w in words if w.lower() != "and")


def amount_in_words_en(paise: int) -> str:
    """``12345650`` -> "Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Fifty Paise
    Only"; ``100`` -> "Rupees One Only"; ``1`` -> "Rupees Zero and One Paisa Only"; ``0`` -> "Rupees
    Zero Only"."""
    rupees, rest = _check_range(paise)
    text = f"Rupees {_en(rupees)}"
    if rest:
        text += f" and {_en(rest)} {'Paisa' if rest == 1 else 'Paise'}"
    return text + " Only"


# ------------------------------------------------------------------------------------------ Hindi


def _hi_below_crore(n: int) -> str:
    """Words for 1 <= n < 1 crore, from the library (safe range: up to nine digits)."""
    assert 0 < n < _CRORE
    return str(_hi_num2words(n, lang="hi"))


def _hi(n: int) -> str:
    """Hindi words for 0 <= n <= 99,99,99,999 (``n`` has at most ten digits)."""
    if n == 0:
        return "शून्य"
    crores, rest = divmod(n, _CRORE)
    parts: list[str] = []
    if crores:
        parts.append(f"{_hi_below_crore(crores)} करोड़")
    if rest:
        parts.append(_hi_below_crore(rest))
    return " ".join(parts)


def amount_in_words_hi(paise: int) -> str:
    """``12345650`` -> "एक लाख तेईस हज़ार चार सौ छप्पन रुपये पचास पैसे मात्र"; ``100`` -> "एक रुपया
    मात्र"; ``1`` -> "शून्य रुपये एक पैसा मात्र"; ``0`` -> "शून्य रुपये मात्र"."""
    rupees, rest = _check_range(paise)
    text = f"{_hi(rupees)} {'रुपया' if rupees == 1 else 'रुपये'}"
    if rest:
        text += f" {_hi(rest)} {'पैसा' if rest == 1 else 'पैसे'}"
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text + " मात्र"))
