"""Parsing what a clerk types into paise, and formatting paise (kesco_protocol.money)."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.errors import AmountError, ValidationError
from counter_app.domain.messages import MESSAGES, render
from kesco_protocol.money import DEFAULT_MAX_PAISE, MAX_INPUT_CHARS, format_inr, format_plain, parse_amount

# --------------------------------------------------------------------------------------- accepted


@pytest.mark.parametrize(
    ("text", "paise"),
    [
        ("1234", 123400),
        ("1234.5", 123450),
        ("1234.50", 123450),
        ("1234.05", 123405),
        (" 1,23,456.50 ", 12345650),
        ("\u00a01,23,456.50\t", 12345650),
        ("₹1,234", 123400),
        ("₹ 1,234.00", 123400),
        ("Rs. 1234", 123400),
        ("Rs 1234", 123400),
        ("rs.1234", 123400),
        ("RS1234", 123400),
        ("INR 1234", 123400),
        ("रु. 1234", 123400),
        ("1234/-", 123400),
        ("Rs. 1,234/-", 123400),
        (".5", 50),
        (".05", 5),
        ("0.01", 1),
        ("1234.", 123400),
        ("007", 700),
        ("1,234", 123400),
        ("12,34,567", 123456700),
        ("1,23,45,678.50", 1234567850),
        ("123,456", 12345600),
        ("1,234,567", 123456700),  # international grouping
        ("12,345,678.90", 1234567890),
        ("99,99,99,999.99", DEFAULT_MAX_PAISE),
    ],
)
def test_accepts_what_a_clerk_types(text: str, paise: int) -> None:
    assert parse_amount(text) == paise


@pytest.mark.parametrize(
    ("text", "paise"),
    [
        ("१२३४", 123400),
        ("१,२३४.५०", 123450),
        ("₹१,२३,४५६.५०", 12345650),
        ("०.०१", 1),
        ("१२34.5०", 123450),  # mixed scripts
        ("रु. ५००", 50000),
    ],
)
def test_devanagari_digits(text: str, paise: int) -> None:
    assert parse_amount(text) == paise


def test_zero_allowed_only_when_asked() -> None:
    for text in ("0", "0.00", "₹0", ".0", "-0", "०"):
        assert parse_amount(text, allow_zero=True) == 0
        with pytest.raises(AmountError) as e:
            parse_amount(text)
        assert e.value.key == "amount.zero"


def test_configured_limit() -> None:
    ten_lakh = 10_00_000_00
    assert parse_amount("10,00,000", max_paise=ten_lakh) == ten_lakh
    with pytest.raises(AmountError) as e:
        parse_amount("10,00,000.01", max_paise=ten_lakh)
    assert e.value.key == "amount.over_limit"
    assert e.value.params == {"limit": "₹10,00,000.00"}
    assert "₹10,00,000.00" in e.value.message("en")
    assert "₹10,00,000.00" in e.value.message("hi")


def test_no_limit() -> None:
    assert parse_amount("1,00,00,00,00,000", max_paise=None) == 10**13


# --------------------------------------------------------------------------------------- refused


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "amount.empty"),
        ("   ", "amount.empty"),
        ("₹", "amount.empty"),
        ("Rs. ", "amount.empty"),
        ("abc", "amount.not_a_number"),
        ("12a", "amount.not_a_number"),
        ("one hundred", "amount.not_a_number"),
        ("1e3", "amount.not_a_number"),
        ("1E3", "amount.not_a_number"),
        ("1.5e2", "amount.not_a_number"),
        ("NaN", "amount.not_a_number"),
        ("nan", "amount.not_a_number"),
        ("Infinity", "amount.not_a_number"),
        ("inf", "amount.not_a_number"),
        ("-inf", "amount.not_a_number"),
        ("0x10", "amount.not_a_number"),
        ("1_000", "amount.not_a_number"),
        ("1 234", "amount.not_a_number"),
        ("+5", "amount.not_a_number"),
        (".", "amount.not_a_number"),
        (",", "amount.not_a_number"),
        ("-", "amount.not_a_number"),
        ("--5", "amount.not_a_number"),
        ("1..2", "amount.not_a_number"),
        ("1.2.3", "amount.not_a_number"),
        ("1.2,3", "amount.not_a_number"),
        ("١٢٣", "amount.not_a_number"),  # Arabic-Indic digits are not accepted
        ("12,50", "amount.bad_grouping"),  # European decimal comma: would be 100x the money
        ("1,2345", "amount.bad_grouping"),
        ("1,23,4567", "amount.bad_grouping"),
        ("123,45,678", "amount.bad_grouping"),
        (",123", "amount.bad_grouping"),
        ("123,", "amount.bad_grouping"),
        ("1,,234", "amount.bad_grouping"),
        ("1.234", "amount.too_many_decimals"),
        ("1.500", "amount.too_many_decimals"),
        ("१.२३४", "amount.too_many_decimals"),
        ("-5", "amount.negative"),
        ("-0.01", "amount.negative"),
        ("-₹1,234.00", "amount.negative"),
        ("₹-1234", "amount.negative"),
        ("− 1234", "amount.negative"),  # U+2212 minus sign
        ("0", "amount.zero"),
        ("0.00", "amount.zero"),
        ("100000000000", "amount.over_limit"),
        ("99,99,99,999.991", "amount.too_many_decimals"),
        ("1,00,00,00,000", "amount.over_limit"),
        ("9" * (MAX_INPUT_CHARS + 1), "amount.too_long"),
    ],
)
def test_refuses_with_typed_error_and_key(text: str, key: str) -> None:
    with pytest.raises(AmountError) as e:
        parse_amount(text)
    assert isinstance(e.value, ValidationError)
    assert e.value.key == key
    # every key has both texts and renders its params
    assert key in MESSAGES
    en, hi = e.value.message("en"), e.value.message("hi")
    assert en and hi and en != hi
    assert "{" not in en and "{" not in hi


def test_error_texts_show_what_was_typed() -> None:
    with pytest.raises(AmountError) as e:
        parse_amount("12,50")
    assert "12,50" in e.value.message("en")
    assert "12,50" in e.value.message("hi")


MONEY_KEYS = [k for k in MESSAGES if k.startswith("amount.")]


def test_money_keys_are_complete() -> None:
    expected = {
        "amount.invalid",
        "amount.empty",
        "amount.too_long",
        "amount.not_a_number",
        "amount.bad_grouping",
        "amount.too_many_decimals",
        "amount.negative",
        "amount.zero",
        "amount.over_limit",
    }
    assert expected <= set(MONEY_KEYS)
    field = re.compile(r"\{(\w*)\}")
    for key in MONEY_KEYS:
        en, hi = MESSAGES[key]
        assert en.strip() and hi.strip(), key
        assert sorted(field.findall(en)) == sorted(field.findall(hi)), key
        assert re.search("[\u0900-\u097f]", hi), key
    assert AmountError().key in MESSAGES
    assert render("amount.over_limit", "hi", limit="₹5.00") == "राशि ₹5.00 की सीमा से अधिक है।"


# ------------------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("paise", "inr", "plain"),
    [
        (0, "₹0.00", "0.00"),
        (5, "₹0.05", "0.05"),
        (50, "₹0.50", "0.50"),
        (100, "₹1.00", "1.00"),
        (99999, "₹999.99", "999.99"),
        (100000, "₹1,000.00", "1000.00"),
        (1234500, "₹12,345.00", "12345.00"),
        (12345650, "₹1,23,456.50", "123456.50"),
        (123456789, "₹12,34,567.89", "1234567.89"),
        (1000000000, "₹1,00,00,000.00", "10000000.00"),
        (DEFAULT_MAX_PAISE, "₹99,99,99,999.99", "999999999.99"),
        (10**15, "₹1,00,00,00,00,00,000.00", "10000000000000.00"),
        (-123400, "-₹1,234.00", "-1234.00"),
        (-5, "-₹0.05", "-0.05"),
    ],
)
def test_format(paise: int, inr: str, plain: str) -> None:
    assert format_inr(paise) == inr
    assert format_inr(paise, symbol=False) == inr.replace("₹", "")
    assert format_plain(paise) == plain


@pytest.mark.parametrize("bad", [1.5, True, "100", None])
def test_format_refuses_non_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_inr(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_plain(bad)  # type: ignore[arg-type]


@given(st.integers(min_value=1, max_value=DEFAULT_MAX_PAISE))
def test_round_trip(paise: int) -> None:
    assert parse_amount(format_inr(paise)) == paise
    assert parse_amount(format_inr(paise, symbol=False)) == paise
    assert parse_amount(format_plain(paise)) == paise


@given(st.integers(min_value=1, max_value=DEFAULT_MAX_PAISE))
def test_round_trip_devanagari(paise: int) -> None:
    deva = format_inr(paise).translate({ord(d): chr(0x0966 + int(d)) for d in string.digits})
    assert parse_amount(deva) == paise


@given(st.text(max_size=30))
def test_any_text_is_either_paise_or_amount_error(text: str) -> None:
    try:
        paise = parse_amount(text)
    except AmountError as e:
        assert e.key in MESSAGES
    else:
        assert 1 <= paise <= DEFAULT_MAX_PAISE


@given(st.text(alphabet="0123456789,.-₹ Rs", max_size=20))
def test_amount_like_text_is_either_paise_or_amount_error(text: str) -> None:
    try:
        paise = parse_amount(text, allow_zero=True, max_paise=None)
    except AmountError as e:
        assert e.key in MESSAGES
    else:
        assert paise >= 0
