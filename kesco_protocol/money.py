"""Money on both sides: parse what a clerk types into integer paise, and format paise for display.

Money is always an ``int`` number of paise (1 rupee = 100 paise). Nothing here uses ``float``; the
text is parsed digit by digit into integers.

What :func:`parse_amount` accepts (surrounding spaces are ignored):

* ASCII digits and Devanagari digits (``१२३४``), mixed freely: ``"1234"``, ``"१,२३४.५०"``;
* at most two digits after the decimal point: ``"1234.5"`` is 1234.50, ``".5"`` is 0.50 and
  ``"1234."`` is 1234.00;
* an optional currency prefix, any case, with or without a space after it: ``₹``, ``Rs``, ``Rs.``,
  ``INR``, ``रु``, ``रु.``; and the customary ``/-`` suffix (``"1234/-"``);
* leading zeros (``"007"`` is 7.00).

Commas are checked, not ignored: a comma that is not a thousands separator is more likely a typo or
a European decimal comma (``"12,50"`` meant as 12.50) than a grouping, and silently dropping it would
take a hundred times the money. So commas are accepted only in the integer part and only when they
group correctly, in the Indian way (``1,23,45,678``: the last group three digits, the others two)
or the international way (``12,345,678``: groups of three). Anything else is refused with
``amount.bad_grouping``.

Refused, each with its own message key (see ``kesco_protocol.messages``):

``amount.empty``              nothing typed (or only spaces / a currency symbol)
``amount.too_long``           more than :data:`MAX_INPUT_CHARS` characters
``amount.not_a_number``       letters, exponents (``1e3``), ``NaN``, ``Infinity``, spaces or a
                              ``+`` inside the number, two decimal points, ...
``amount.bad_grouping``       commas in the wrong places (see above)
``amount.too_many_decimals``  three or more digits after the decimal point (even ``1.500``)
``amount.negative``           a minus sign in front of a non-zero amount (``-0`` counts as zero)
``amount.zero``               zero, unless ``allow_zero=True``
``amount.over_limit``         above ``max_paise``; the param ``limit`` is the limit as ``₹...``

The checks run in this order, so ``"-1.234"`` reports ``amount.too_many_decimals``.
"""

from __future__ import annotations

import re
from typing import Final

from kesco_protocol.errors import AmountError

#: Rs 99,99,99,999.99: the largest amount the counter (and the amount-in-words code) handles.
DEFAULT_MAX_PAISE: Final[int] = 99_99_99_999_99

#: Longer input is refused before any parsing (no valid amount is anywhere near this long).
MAX_INPUT_CHARS: Final[int] = 40

RUPEE_SIGN: Final[str] = "\u20b9"

# Only the clerk's two scripts: other scripts' digits (Arabic-Indic, ...) are refused as typos, so
# this is narrower than kesco_protocol.digits, which is for identifiers.
_DEVANAGARI_DIGITS: Final[dict[int, str]] = {0x0966 + i: str(i) for i in range(10)}

# Minus sign, then currency prefix, then (if no minus yet) a minus sign, then the number.
_PREFIX_RE: Final = re.compile(r"(?:\u20b9|rs\.?|inr|\u0930\u0941\.?)\s*", re.IGNORECASE)
_MINUS: Final[tuple[str, ...]] = ("-", "\u2212", "\u2013")  # hyphen-minus, minus sign, en dash
_NUMBER_RE: Final = re.compile(r"(?P<int>[0-9,]*)(?:\.(?P<frac>[0-9]*))?", re.ASCII)
_INDIAN_GROUPS_RE: Final = re.compile(r"[0-9]{1,2}(?:,[0-9]{2})*,[0-9]{3}", re.ASCII)
_INTL_GROUPS_RE: Final = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+", re.ASCII)


def _require_int(paise: int) -> None:
    # bool is an int subclass and a float would silently format wrong: both are programming errors.
    if not isinstance(paise, int) or isinstance(paise, bool):
        raise TypeError(f"money must be int paise, not {type(paise).__name__}")


def parse_amount(
    text: str,
    *,
    allow_zero: bool = False,
    max_paise: int | None = DEFAULT_MAX_PAISE,
) -> int:
    """The amount typed in ``text`` as integer paise; raises :class:`AmountError` if refused.

    ``max_paise`` is the highest amount accepted (inclusive); ``None`` means no upper limit.
    See the module documentation for exactly what is accepted.
    """
    original = text.strip()
    if not original:
        raise AmountError("amount.empty")
    if len(original) > MAX_INPUT_CHARS:
        raise AmountError("amount.too_long", max=MAX_INPUT_CHARS)
    s = original.translate(_DEVANAGARI_DIGITS)

    negative = False
    if s.startswith(_MINUS):
        negative, s = True, s[1:].lstrip()
    prefix = _PREFIX_RE.match(s)
    had_prefix = prefix is not None
    if prefix is not None:
        s = s[prefix.end() :]
    if not negative and s.startswith(_MINUS):
        negative, s = True, s[1:].lstrip()
    if s.endswith("/-"):
        s = s[:-2].rstrip()
    if not s:
        if had_prefix and not negative:
            raise AmountError("amount.empty")
        raise AmountError("amount.not_a_number", text=original)

    m = _NUMBER_RE.fullmatch(s)
    if m is None:
        raise AmountError("amount.not_a_number", text=original)
    int_part = m.group("int")
    frac = m.group("frac") or ""
    if not int_part.replace(",", "") and not frac:  # ".", ",", ",." ...
        raise AmountError("amount.not_a_number", text=original)
    if "," in int_part and not (
        _INDIAN_GROUPS_RE.fullmatch(int_part) or _INTL_GROUPS_RE.fullmatch(int_part)
    ):
        raise AmountError("amount.bad_grouping", text=original)
    if len(frac) > 2:
        raise AmountError("amount.too_many_decimals", text=original)

    digits = int_part.replace(",", "") or "0"
    paise = int(digits) * 100 + int(frac.ljust(2, "0"))

    if paise == 0:
        if not allow_zero:
            raise AmountError("amount.zero")
        return 0
    if negative:
        raise AmountError("amount.negative")
    if max_paise is not None and paise > max_paise:
        raise AmountError("amount.over_limit", limit=format_inr(max_paise))
    return paise


def _group_indian(rupees: int) -> str:
    digits = str(rupees)
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    groups.insert(0, head)
    return ",".join([*groups, tail])


def format_inr(paise: int, *, symbol: bool = True) -> str:
    """``12345650`` -> ``"₹1,23,456.50"``; ``-123400`` -> ``"-₹1,234.00"``; ``symbol=False`` omits ₹."""
    _require_int(paise)
    sign = "-" if paise < 0 else ""
    rupees, rest = divmod(abs(paise), 100)
    return f"{sign}{RUPEE_SIGN if symbol else ''}{_group_indian(rupees)}.{rest:02d}"


def format_plain(paise: int) -> str:
    """``12345650`` -> ``"123456.50"``: no grouping, no symbol; for CSV files and edit fields."""
    _require_int(paise)
    sign = "-" if paise < 0 else ""
    rupees, rest = divmod(abs(paise), 100)
    return f"{sign}{rupees}.{rest:02d}"
