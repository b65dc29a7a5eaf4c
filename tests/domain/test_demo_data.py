"""Tests for the seeded demo consumer generator (kesco_demo.consumers)."""

from __future__ import annotations

import datetime
import re
from collections import Counter

import pytest

from counter_app.domain.consumer import Consumer
from kesco_demo.consumers import (
    BLOCK_SIZE,
    CATEGORY_TOTALS,
    DEFAULT_AS_OF,
    account_no_for_index,
    category_counts,
    category_for_index,
    generate_consumer_range,
    generate_consumers,
    index_for_account_no,
    is_valid_account_no,
    meter_no_for_index,
    verhoeff_check_digit,
)
from kesco_protocol.consumers import CONSUMER_FIELDS, Category, ConnectionStatus

N = 5_000
F = {name: k for k, name in enumerate(CONSUMER_FIELDS)}
MONEY_FIELDS = ("last_bill_amount_paise", "arrears_paise", "balance_paise")


@pytest.fixture(scope="module")
def rows() -> list[tuple[object, ...]]:
    return list(generate_consumers(N))


def col(rows: list[tuple[object, ...]], field: str) -> list[object]:
    k = F[field]
    return [r[k] for r in rows]


# ---- category mix ----------------------------------------------------------------------------


def test_category_totals_are_kescos_figures() -> None:
    assert dict(CATEGORY_TOTALS) == {"DOM": 439_924, "COM": 73_187, "PUB": 702, "SMI": 8_944}
    assert sum(CATEGORY_TOTALS.values()) == 522_757
    assert set(CATEGORY_TOTALS) == {c.value for c in Category}


def test_category_counts_exact_for_real_total() -> None:
    assert category_counts(522_757) == dict(CATEGORY_TOTALS)
    assert category_counts(2 * 522_757) == {k: 2 * v for k, v in CATEGORY_TOTALS.items()}


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 100, 999, 5_000, 530_000, 1_000_003])
def test_category_counts_largest_remainder(n: int) -> None:
    counts = category_counts(n)
    assert sum(counts.values()) == n
    total = sum(CATEGORY_TOTALS.values())
    for cat, real in CATEGORY_TOTALS.items():
        quota = n * real / total
        assert int(quota) <= counts[cat] <= int(quota) + 1
    # Largest remainder: any category that got the extra seat has a remainder >= any that didn't.
    rem = {cat: (n * real) % total for cat, real in CATEGORY_TOTALS.items()}
    up = [cat for cat in counts if counts[cat] > n * CATEGORY_TOTALS[cat] // total]
    down = [cat for cat in counts if cat not in up]
    assert all(rem[a] >= rem[b] for a in up for b in down)


def test_category_counts_rejects_negative() -> None:
    with pytest.raises(ValueError):
        category_counts(-1)


@pytest.mark.parametrize("n", [1, 2, 7, 997, 4_097])
def test_generated_mix_equals_category_counts(n: int) -> None:
    assert dict(Counter(col(list(generate_consumers(n)), "category"))) == {
        k: v for k, v in category_counts(n).items() if v
    }


def test_generated_mix_fixture(rows: list[tuple[object, ...]]) -> None:
    assert dict(Counter(col(rows, "category"))) == category_counts(N)


def test_categories_are_interleaved(rows: list[tuple[object, ...]]) -> None:
    cats = col(rows, "category")
    assert {"DOM", "COM"} <= set(cats[:50])
    longest = run = 0
    for c in cats:
        run = run + 1 if c == "DOM" else 0
        longest = max(longest, run)
    assert longest < 20
    # Every tenth of the file holds its share of commercial connections.
    tenth = N // 10
    share = category_counts(N)["COM"] / N
    for k in range(10):
        chunk = cats[k * tenth:(k + 1) * tenth]
        assert abs(chunk.count("COM") / tenth - share) < 0.02
    assert all(category_for_index(i, total=N) == cats[i] for i in range(0, N, 37))


# ---- determinism and slicing -----------------------------------------------------------------


def test_deterministic(rows: list[tuple[object, ...]]) -> None:
    assert list(generate_consumers(N)) == rows
    assert list(generate_consumers(N, seed=2026, as_of=DEFAULT_AS_OF, version=1)) == rows


def test_seed_and_as_of_and_version_matter(rows: list[tuple[object, ...]]) -> None:
    other = list(generate_consumers(N, seed=7))
    assert other != rows
    assert col(other, "account_no") == col(rows, "account_no")  # identity does not depend on seed
    later = list(generate_consumers(200, as_of=datetime.date(2027, 3, 10)))
    open_bills = [r for r in later if r[F["status"]] != "closed" and r[F["last_bill_date"]]]
    assert open_bills and all(str(r[F["last_bill_date"]]) >= "2027-02-07" for r in open_bills)
    assert set(col(list(generate_consumers(50, version=9)), "version")) == {9}


@pytest.mark.parametrize(
    ("start", "stop"),
    [(0, 0), (0, 1), (1, 2), (BLOCK_SIZE - 1, BLOCK_SIZE + 2), (100, 3_000), (4_000, N), (N - 1, N), (0, N)],
)
def test_range_equals_slice(rows: list[tuple[object, ...]], start: int, stop: int) -> None:
    assert list(generate_consumer_range(start, stop, total=N)) == rows[start:stop]


def test_range_in_chunks_equals_whole(rows: list[tuple[object, ...]]) -> None:
    out: list[tuple[object, ...]] = []
    for s in range(0, N, 1_234):
        out.extend(generate_consumer_range(s, min(s + 1_234, N), total=N))
    assert out == rows


@pytest.mark.parametrize(("start", "stop", "total"), [(-1, 5, 10), (5, 4, 10), (0, 11, 10), (0, 0, -1)])
def test_range_rejects_bad_bounds(start: int, stop: int, total: int) -> None:
    with pytest.raises(ValueError):
        generate_consumer_range(start, stop, total=total)


def test_empty() -> None:
    assert list(generate_consumers(0)) == []


# ---- shape and types ---------------------------------------------------------------------------

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def test_row_shape_and_types(rows: list[tuple[object, ...]]) -> None:
    for r in rows:
        assert len(r) == len(CONSUMER_FIELDS)
        c = Consumer.from_row(r)
        for f in ("account_no", "name", "relation_name", "address", "locality", "meter_no"):
            v = getattr(c, f)
            assert isinstance(v, str) and v and v.isascii(), (f, r)
        assert c.category in {x.value for x in Category}
        assert c.status in {x.value for x in ConnectionStatus}
        for f in MONEY_FIELDS:
            v = getattr(c, f)
            assert type(v) is int, (f, r)
        assert c.last_payment_paise is None or type(c.last_payment_paise) is int
        assert type(c.dishonoured_cheques) is int and c.dishonoured_cheques >= 0
        assert c.version == 1
        for f in ("last_bill_date", "last_bill_due_date", "last_payment_date"):
            v = getattr(c, f)
            assert v is None or (isinstance(v, str) and ISO.match(v)), (f, r)
        assert c.mobile is None or re.fullmatch(r"[6-9]\d{9}", c.mobile)
        assert re.fullmatch(r"KM\d{8}", c.meter_no)
        assert c.locality in c.address
        assert (c.last_payment_date is None) == (c.last_payment_paise is None)


def test_unique_account_and_meter_numbers() -> None:
    rows = list(generate_consumers(21_000))  # crosses serial boundaries of the check-digit tables
    accounts = col(rows, "account_no")
    meters = col(rows, "meter_no")
    assert len(set(accounts)) == len(rows)
    assert len(set(meters)) == len(rows)
    assert accounts == [account_no_for_index(i) for i in range(len(rows))]
    assert meters == [meter_no_for_index(i) for i in range(len(rows))]


def test_mobiles_mostly_present_and_mostly_unique(rows: list[tuple[object, ...]]) -> None:
    mobiles = [m for m in col(rows, "mobile") if m is not None]
    assert 0.80 < len(mobiles) / N < 0.90
    assert len(mobiles) - len(set(mobiles)) < 0.02 * len(mobiles)


# ---- account numbers ---------------------------------------------------------------------------


def test_account_numbers_valid_and_invertible() -> None:
    for i in [0, 1, 9, 10, 4_095, 8_999, 9_000, 9_999, 10_000, 123_456, 529_999, 8_999_999]:
        a = account_no_for_index(i)
        assert len(a) == 10 and a.isdigit() and a.startswith("21")
        assert is_valid_account_no(a)
        assert index_for_account_no(a) == i
    with pytest.raises(ValueError):
        account_no_for_index(9_000_000)
    with pytest.raises(ValueError):
        account_no_for_index(-1)


def test_account_check_digit_catches_typos() -> None:
    for i in range(0, 530_000, 9_973):
        a = account_no_for_index(i)
        for pos in range(10):
            for d in "0123456789":
                if d != a[pos]:
                    assert not is_valid_account_no(a[:pos] + d + a[pos + 1:])
            if pos < 9 and a[pos] != a[pos + 1]:
                swapped = a[:pos] + a[pos + 1] + a[pos] + a[pos + 2:]
                assert not is_valid_account_no(swapped)


@pytest.mark.parametrize("bad", ["", "211000000", "21100000022", "21100000a2", "٢١١٠٠٠٠٠٠٢", " 211000000"])
def test_invalid_account_strings(bad: str) -> None:
    assert not is_valid_account_no(bad)
    assert index_for_account_no(bad) is None


def test_verhoeff_known_value() -> None:
    # Classic worked example: 236 -> check digit 3.
    assert verhoeff_check_digit("236") == "3"
    assert verhoeff_check_digit("211000000") + "" == account_no_for_index(0)[-1]


# ---- realism -------------------------------------------------------------------------------------


def test_status_mix(rows: list[tuple[object, ...]]) -> None:
    status = Counter(col(rows, "status"))
    assert 0.015 < status["disconnected"] / N < 0.05
    assert 0 < status["closed"] / N < 0.015
    assert status["active"] / N > 0.93


def test_bills_and_balances(rows: list[tuple[object, ...]]) -> None:
    as_of = DEFAULT_AS_OF
    month_before = (as_of - datetime.timedelta(days=31)).isoformat()
    zero_arrears = paid = advance = billed = 0
    for r in rows:
        c = Consumer.from_row(r)
        if c.last_bill_date is None:
            assert c.last_bill_no is None and c.last_bill_due_date is None
            assert c.last_bill_amount_paise == c.arrears_paise == c.balance_paise == 0
            continue
        billed += 1
        bill = datetime.date.fromisoformat(c.last_bill_date)
        assert datetime.date.fromisoformat(c.last_bill_due_date or "") == bill + datetime.timedelta(days=15)
        assert bill < as_of
        if c.status != "closed":
            assert c.last_bill_date >= month_before
        assert 0 <= c.arrears_paise < c.last_bill_amount_paise
        assert c.balance_paise <= c.last_bill_amount_paise
        if c.last_payment_date is not None:
            assert c.last_payment_date < as_of.isoformat()
            assert (c.last_payment_paise or 0) > 0
        if c.balance_paise < c.last_bill_amount_paise:  # paid something since the bill
            assert c.last_payment_date is not None and c.last_payment_date >= c.last_bill_date
        zero_arrears += c.arrears_paise == 0
        paid += c.balance_paise == 0
        advance += c.balance_paise < 0
    assert billed > 0.99 * N
    assert 0.62 < zero_arrears / billed < 0.75
    assert 0.2 < paid / billed < 0.45
    assert 0 < advance / billed < 0.03


def test_bill_amounts_by_category(rows: list[tuple[object, ...]]) -> None:
    current: dict[str, list[int]] = {}
    for r in rows:
        c = Consumer.from_row(r)
        if c.last_bill_no is not None:
            current.setdefault(c.category, []).append(c.last_bill_amount_paise - c.arrears_paise)
    dom = sorted(current["DOM"])
    assert 300_00 <= dom[0] and dom[-1] <= 5_000_00
    median = {k: sorted(v)[len(v) // 2] for k, v in current.items()}
    assert median["DOM"] < median["COM"] < median["SMI"]


def test_dishonoured_cheques_rare() -> None:
    many = col(list(generate_consumers(50_000)), "dishonoured_cheques")
    share = sum(1 for d in many if d) / len(many)
    assert 0.0005 < share < 0.005


def test_names_and_places_look_kanpur(rows: list[tuple[object, ...]]) -> None:
    names = col(rows, "name")
    by_cat: dict[object, list[tuple[object, ...]]] = {}
    for r in rows:
        by_cat.setdefault(r[F["category"]], []).append(r)
    assert any("Kidwai Nagar" == r for r in col(rows, "locality"))
    assert any(str(n).endswith((" Sharma", " Gupta", " Yadav", " Verma")) for n in names)
    assert any(str(n).endswith((" Khan", " Ansari", " Siddiqui")) for n in names)
    assert all(str(r[F["relation_name"]]).startswith(("S/O ", "W/O ", "D/O ")) for r in by_cat["DOM"])
    assert all(str(r[F["relation_name"]]).startswith("Prop. ") for r in by_cat["COM"] + by_cat["SMI"])
    assert all(str(r[F["relation_name"]]).startswith("Through ") for r in by_cat.get("PUB", []))
    assert len(set(names)) > 0.6 * N
