"""Amount in words for receipts (counter_app.domain.words)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counter_app.domain.errors import AmountError
from counter_app.domain.messages import MESSAGES
from counter_app.domain.words import amount_in_words_en, amount_in_words_hi
from kesco_protocol.money import DEFAULT_MAX_PAISE

MAX = DEFAULT_MAX_PAISE  # Rs 99,99,99,999.99 = 99_999_999_999 paise


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


@pytest.mark.parametrize(
    ("paise", "en", "hi"),
    [
        (0, "Rupees Zero Only", "शून्य रुपये मात्र"),
        (1, "Rupees Zero and One Paisa Only", "शून्य रुपये एक पैसा मात्र"),
        (99, "Rupees Zero and Ninety-Nine Paise Only", "शून्य रुपये निन्यानवे पैसे मात्र"),
        (100, "Rupees One Only", "एक रुपया मात्र"),
        (101, "Rupees One and One Paisa Only", "एक रुपया एक पैसा मात्र"),
        (200, "Rupees Two Only", "दो रुपये मात्र"),
        (10100, "Rupees One Hundred One Only", "एक सौ एक रुपये मात्र"),
        # 150 rupees: the plain form, not the library's idiom "डेढ़ सौ"
        (15000, "Rupees One Hundred Fifty Only", "एक सौ पचास रुपये मात्र"),
        (100000, "Rupees One Thousand Only", "एक हज़ार रुपये मात्र"),
        (
            12345650,
            "Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Fifty Paise Only",
            # एक=1 लाख, तेईस=23 हज़ार, चार=4 सौ, छप्पन=56; पचास=50
            "एक लाख तेईस हज़ार चार सौ छप्पन रुपये पचास पैसे मात्र",
        ),
        (1000000000, "Rupees One Crore Only", "एक करोड़ रुपये मात्र"),
        (
            1000000001,
            "Rupees One Crore and One Paisa Only",
            "एक करोड़ रुपये एक पैसा मात्र",
        ),
        (
            2000050005,  # Rs 2,00,00,500.05
            "Rupees Two Crore Five Hundred and Five Paise Only",
            "दो करोड़ पाँच सौ रुपये पाँच पैसे मात्र",
        ),
        (
            MAX,  # Rs 99,99,99,999.99; निन्यानवे=99, नौ=9
            "Rupees Ninety-Nine Crore Ninety-Nine Lakh Ninety-Nine Thousand Nine Hundred Ninety-Nine"
            " and Ninety-Nine Paise Only",
            "निन्यानवे करोड़ निन्यानवे लाख निन्यानवे हज़ार नौ सौ निन्यानवे रुपये निन्यानवे पैसे मात्र",
        ),
    ],
)
def test_examples(paise: int, en: str, hi: str) -> None:
    assert amount_in_words_en(paise) == en
    assert amount_in_words_hi(paise) == nfc(hi)


def test_hazaar_and_crore_have_one_spelling() -> None:
    text = amount_in_words_hi(1_11_11_000_00)  # Rs 1,11,11,000: crore, lakh and thousand
    assert "हज़ार" in text and "करोड़" in text
    # letter + combining nukta, never the precomposed U+0958..U+095F letters
    assert "\u091c\u093c" in text and "\u0921\u093c" in text
    assert not re.search("[\u0958-\u095f]", text)


@pytest.mark.parametrize("fn", [amount_in_words_en, amount_in_words_hi])
@pytest.mark.parametrize(
    ("paise", "key"),
    [(-1, "amount.negative"), (-100, "amount.negative"), (MAX + 1, "amount.over_limit"),
     # Rs 99,99,99,99,999.99: two digits more than the limit
     (9999999999999, "amount.over_limit"), (10**30, "amount.over_limit")],
)
def test_out_of_range(fn: object, paise: int, key: str) -> None:
    assert callable(fn)
    with pytest.raises(AmountError) as e:
        fn(paise)
    assert e.value.key == key
    assert key in MESSAGES
    if key == "amount.over_limit":
        assert e.value.params == {"limit": "₹99,99,99,999.99"}


@pytest.mark.parametrize("fn", [amount_in_words_en, amount_in_words_hi])
def test_refuses_non_int(fn: object) -> None:
    assert callable(fn)
    for bad in (1.5, True, "100"):
        with pytest.raises(TypeError):
            fn(bad)


# ------------------------------------------------------------------------ independent oracles

_EN_SMALL = (
    "Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen Fifteen "
    "Sixteen Seventeen Eighteen Nineteen"
).split()
_EN_TENS = "_ _ Twenty Thirty Forty Fifty Sixty Seventy Eighty Ninety".split()


def _en_below_100(n: int) -> str:
    if n < 20:
        return _EN_SMALL[n]
    tens, ones = divmod(n, 10)
    return _EN_TENS[tens] + (f"-{_EN_SMALL[ones]}" if ones else "")


def _en_ref(n: int) -> str:
    if n == 0:
        return "Zero"
    parts: list[str] = []
    for size, name in ((10**7, "Crore"), (10**5, "Lakh"), (1000, "Thousand"), (100, "Hundred")):
        q, n = divmod(n, size)
        if q:
            parts.append(f"{_en_below_100(q)} {name}")
    if n:
        parts.append(_en_below_100(n))
    return " ".join(parts)


def _hi_small() -> dict[int, str]:
    # The library's table of 0..99 (spot-checked: 23 तेईस, 56 छप्पन, 99 निन्यानवे), composed here
    # independently of the library's own lakh/crore logic.
    from indic_numtowords.hin.data.nums import direct_dict

    words = {int(k): v[0] for k, v in direct_dict.items() if int(k) < 100}
    assert (words[23], words[56], words[99]) == ("तेईस", "छप्पन", "निन्यानवे")
    return words


_HI = _hi_small()


def _hi_ref(n: int) -> str:
    if n == 0:
        return "शून्य"
    parts: list[str] = []
    for size, name in ((10**7, "करोड़"), (10**5, "लाख"), (1000, "हज़ार"), (100, "सौ")):
        q, n = divmod(n, size)
        if q:
            parts.append(f"{_HI[q]} {name}")
    if n:
        parts.append(_HI[n])
    return " ".join(parts)


amounts = st.one_of(
    st.integers(min_value=0, max_value=MAX),
    st.integers(min_value=0, max_value=10**5),
    st.sampled_from([0, 1, 99, 100, MAX, MAX - 99, 10**9, 10**9 - 1, 10**7, 10**5]),
)


@settings(max_examples=500)
@given(amounts)
def test_english_over_full_range(paise: int) -> None:
    text = amount_in_words_en(paise)
    rupees, rest = divmod(paise, 100)
    assert text.startswith("Rupees ") and text.endswith(" Only")
    assert "," not in text and "  " not in text
    assert text.count(" and ") == (1 if rest else 0)
    expected = f"Rupees {_en_ref(rupees)}"
    if rest:
        expected += f" and {_en_ref(rest)} {'Paisa' if rest == 1 else 'Paise'}"
    assert text == expected + " Only"


@settings(max_examples=500)
@given(amounts)
def test_hindi_over_full_range(paise: int) -> None:
    text = amount_in_words_hi(paise)
    rupees, rest = divmod(paise, 100)
    assert text.endswith(" मात्र")
    assert text == nfc(text) and not re.search("[\u0958-\u095f0-9\u0966-\u096f]", text)
    assert "  " not in text
    for idiom in ("डेढ़", "ढाई", "साढ़े", "सावा", "पौने"):
        assert idiom not in text
    expected = f"{_hi_ref(rupees)} {'रुपया' if rupees == 1 else 'रुपये'}"
    if rest:
        expected += f" {_hi_ref(rest)} {'पैसा' if rest == 1 else 'पैसे'}"
    assert text == nfc(expected + " मात्र")
