"""Seeded, deterministic demo consumer master data for KESCO (Kanpur).

Used to fill the central server and counter caches with a realistic 5.3 lakh accounts for demos,
tests and benchmarks. Every row is a plain tuple in :data:`CONSUMER_FIELDS` order (money in integer
paise, dates as ISO strings or ``None``).

Determinism
-----------
Row ``i`` of a data set of ``total`` rows is a pure function of ``(seed, i, total, as_of,
version)``:

* the per-row random draws come from ``random.Random("kesco-demo:{seed}:{block}")`` for the block
  of :data:`BLOCK_SIZE` rows that contains ``i``, and every row consumes exactly the same number of
  draws, so nothing depends on earlier blocks;
* the category of row ``i`` is ``total``-dependent (that is the only way to make the category
  counts of *every* data-set size exactly :func:`category_counts`: largest-remainder rounding is
  not "house monotone", so no single fixed sequence has exact counts for every prefix). Categories
  are interleaved by a golden-ratio stride permutation of ``range(total)``, so they are spread
  evenly over the file instead of all domestic rows first.

Consequently a server and a counter that generate the same ``(total, seed, as_of, version)`` agree
row for row, and :func:`generate_consumer_range` produces any slice of it cheaply.
Account numbers, meter numbers and mobile numbers depend on the index only (not on seed or total).

Account-number scheme
---------------------
``account_no_for_index(i)`` = ``"21"`` (demo region prefix) + 7-digit serial ``1_000_000 + i`` +
one Verhoeff check digit (the scheme India uses for Aadhaar: it catches every single-digit typo and
every swap of two adjacent digits). 10 digits in all, unique, ascending with ``i``; valid for
``0 <= i < 9_000_000``. :func:`is_valid_account_no` checks length, digits and the check digit;
:func:`index_for_account_no` inverts the scheme.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Iterator, Mapping
from itertools import accumulate
from types import MappingProxyType
from typing import Final

from kesco_protocol.consumers import CONSUMER_FIELDS, Category, ConnectionStatus

__all__ = [
    "ACCOUNT_PREFIX",
    "BLOCK_SIZE",
    "CATEGORY_TOTALS",
    "DEFAULT_AS_OF",
    "DEFAULT_SEED",
    "MAX_CONSUMERS",
    "account_no_for_index",
    "category_counts",
    "category_for_index",
    "generate_consumer_range",
    "generate_consumers",
    "index_for_account_no",
    "is_valid_account_no",
    "meter_no_for_index",
    "verhoeff_check_digit",
]

# KESCO's real connection counts per category (news report, see CONTEXT.md). Total 522,757.
CATEGORY_TOTALS: Final[Mapping[str, int]] = MappingProxyType(
    {
        Category.DOMESTIC.value: 439_924,
        Category.COMMERCIAL.value: 73_187,
        Category.PUBLIC_INSTITUTION.value: 702,
        Category.SMALL_MEDIUM_INDUSTRY.value: 8_944,
    }
)
_CATEGORY_ORDER: Final[tuple[str, ...]] = tuple(CATEGORY_TOTALS)
_CATEGORY_GRAND_TOTAL: Final[int] = sum(CATEGORY_TOTALS.values())

DEFAULT_SEED: Final[int] = 2026
DEFAULT_AS_OF: Final[datetime.date] = datetime.date(2026, 11, 25)
BLOCK_SIZE: Final[int] = 4096

ACCOUNT_PREFIX: Final[str] = "21"
_SERIAL_BASE: Final[int] = 1_000_000
MAX_CONSUMERS: Final[int] = 10_000_000 - _SERIAL_BASE  # 7-digit serial space

_ROW_WIDTH: Final[int] = len(CONSUMER_FIELDS)

# --------------------------------------------------------------------------------------------
# Category mix
# --------------------------------------------------------------------------------------------


def category_counts(n: int) -> dict[str, int]:
    """KESCO's category mix scaled to ``n`` consumers by largest-remainder (Hamilton) rounding.

    Exact for ``n == 522_757``; the counts always sum to ``n``. Ties between equal remainders go
    to the category listed first (DOM, COM, PUB, SMI).
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    floors: dict[str, int] = {}
    remainders: list[tuple[int, int, str]] = []
    for order, (cat, real) in enumerate(CATEGORY_TOTALS.items()):
        q, r = divmod(n * real, _CATEGORY_GRAND_TOTAL)
        floors[cat] = q
        remainders.append((-r, order, cat))
    leftover = n - sum(floors.values())
    for _, _, cat in sorted(remainders)[:leftover]:
        floors[cat] += 1
    return floors


class _CategoryLayout:
    """Bijection row index -> category for a data set of ``total`` rows.

    ``p = (stride * i + offset) % total`` is a permutation of ``range(total)`` (``gcd(stride,
    total) == 1``); the category is the one whose block of the sorted layout
    ``[DOM]*c_dom + [COM]*c_com + [PUB]*c_pub + [SMI]*c_smi`` contains ``p``. With ``stride /
    total`` close to the golden ratio the categories are evenly interleaved.
    """

    __slots__ = ("bounds", "offset", "stride", "total")

    def __init__(self, total: int, seed: int) -> None:
        counts = category_counts(total)
        bounds: list[int] = []
        acc = 0
        for cat in _CATEGORY_ORDER:
            acc += counts[cat]
            bounds.append(acc)
        self.bounds: tuple[int, ...] = tuple(bounds)
        self.total = total
        if total <= 1:
            self.stride = 1
            self.offset = 0
            return
        stride = max(1, round(total * 0.6180339887498949))
        while math.gcd(stride, total) != 1:
            stride += 1
        self.stride = stride % total or 1
        self.offset = (seed * 2_654_435_761) % total

    def position(self, i: int) -> int:
        return (self.stride * i + self.offset) % self.total

    def category_at_position(self, p: int) -> str:
        b0, b1, b2, _ = self.bounds
        if p < b0:
            return _DOM
        if p < b1:
            return _COM
        if p < b2:
            return _PUB
        return _SMI


_DOM: Final[str] = Category.DOMESTIC.value
_COM: Final[str] = Category.COMMERCIAL.value
_PUB: Final[str] = Category.PUBLIC_INSTITUTION.value
_SMI: Final[str] = Category.SMALL_MEDIUM_INDUSTRY.value


def category_for_index(i: int, *, total: int, seed: int = DEFAULT_SEED) -> str:
    """Category value of row ``i`` in a data set of ``total`` rows (as generated)."""
    if not 0 <= i < total:
        raise ValueError(f"index {i} outside 0..{total - 1}")
    layout = _CategoryLayout(total, seed)
    return layout.category_at_position(layout.position(i))


# --------------------------------------------------------------------------------------------
# Account numbers (Verhoeff check digit) and meter numbers
# --------------------------------------------------------------------------------------------

_VERHOEFF_D: Final[tuple[tuple[int, ...], ...]] = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
# Row i of the position table is the permutation (1 5 7 6 2 8 3 0 9 4) applied i times.
_VERHOEFF_STEP: Final[tuple[int, ...]] = (1, 5, 7, 6, 2, 8, 3, 0, 9, 4)
_VERHOEFF_P: Final[tuple[tuple[int, ...], ...]] = tuple(
    accumulate(range(7), lambda row, _: tuple(_VERHOEFF_STEP[x] for x in row), initial=tuple(range(10))))
_VERHOEFF_INV: Final[tuple[int, ...]] = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def verhoeff_check_digit(payload: str) -> str:
    """The Verhoeff check digit to append to the decimal string ``payload``."""
    c = 0
    for pos, ch in enumerate(reversed(payload), start=1):
        c = _VERHOEFF_D[c][_VERHOEFF_P[pos % 8][ord(ch) - 48]]
    return str(_VERHOEFF_INV[c])


def _verhoeff_ok(number: str) -> bool:
    c = 0
    for pos, ch in enumerate(reversed(number)):
        c = _VERHOEFF_D[c][_VERHOEFF_P[pos % 8][ord(ch) - 48]]
    return c == 0


def _chunk_product(digits: str, first_pos: int) -> int:
    """Dihedral-group product of Verhoeff terms of ``digits`` (read right to left)."""
    c = 0
    for pos, ch in enumerate(reversed(digits), start=first_pos):
        c = _VERHOEFF_D[c][_VERHOEFF_P[pos % 8][ord(ch) - 48]]
    return c


# Fast path for the generator: the product over the 4 rightmost payload digits (positions 1-4)
# comes from a table; the product over the other 5 (positions 5-9) changes every 10,000 rows.
_LOW4_PRODUCT: Final[tuple[int, ...]] = tuple(_chunk_product(f"{k:04d}", 1) for k in range(10_000))


def _high_product(serial: int) -> int:
    return _chunk_product(f"{ACCOUNT_PREFIX}{serial // 10_000:03d}", 5)


def account_no_for_index(i: int) -> str:
    """The 10-digit account number of row ``i``: "21" + serial (1,000,000 + i) + Verhoeff digit."""
    if not 0 <= i < MAX_CONSUMERS:
        raise ValueError(f"index {i} outside 0..{MAX_CONSUMERS - 1}")
    payload = f"{ACCOUNT_PREFIX}{_SERIAL_BASE + i:07d}"
    return payload + verhoeff_check_digit(payload)


def is_valid_account_no(s: str) -> bool:
    """True if ``s`` is 10 ASCII digits with a correct Verhoeff check digit.

    (Says nothing about whether the account exists: see :func:`index_for_account_no`.)
    """
    return len(s) == 10 and s.isascii() and s.isdigit() and _verhoeff_ok(s)


def index_for_account_no(s: str) -> int | None:
    """Row index of a demo account number, or ``None`` if ``s`` is not one."""
    if not is_valid_account_no(s) or not s.startswith(ACCOUNT_PREFIX):
        return None
    i = int(s[2:9]) - _SERIAL_BASE
    return i if i >= 0 else None


_METER_MULT: Final[int] = 48_271  # coprime with 10**8 -> bijection on 8-digit numbers
_METER_ADD: Final[int] = 10_000_019


def meter_no_for_index(i: int) -> str:
    """Meter number of row ``i``: "KM" + 8 digits, unique for ``i < 10**8``."""
    return f"KM{(i * _METER_MULT + _METER_ADD) % 100_000_000:08d}"


_MOBILE_MULT: Final[int] = 736_481_929  # coprime with 10**9
_MOBILE_ADD: Final[int] = 281_497_163
_MOBILE_FIRST: Final[str] = "99999999888887777666"  # share of 9/8/7/6 leading digits


def _mobile_for_index(i: int) -> str:
    first = _MOBILE_FIRST[(i * 2_654_435_761 >> 11) % 20]
    return f"{first}{(i * _MOBILE_MULT + _MOBILE_ADD) % 1_000_000_000:09d}"


# --------------------------------------------------------------------------------------------
# Names, places, businesses (Latin script so that Latin-prefix search works)
# --------------------------------------------------------------------------------------------

_HINDU_SURNAMES: Final[tuple[str, ...]] = (
    "Sharma", "Verma", "Gupta", "Yadav", "Mishra", "Tiwari", "Srivastava", "Singh", "Shukla",
    "Pandey", "Agarwal", "Dixit", "Kushwaha", "Pal", "Nishad", "Tripathi", "Dubey", "Trivedi",
    "Bajpai", "Awasthi", "Saxena", "Nigam", "Katiyar", "Sachan", "Gautam", "Kanaujia", "Rathore",
    "Chauhan", "Maurya", "Jaiswal", "Kesarwani", "Rastogi", "Omar", "Porwal", "Bhatia", "Kapoor",
    "Khanna", "Arora", "Sonkar", "Diwakar", "Kori", "Prajapati", "Rajput", "Tandon", "Mehrotra",
    "Kumar", "Lal", "Prasad", "Chaurasia", "Bhargava", "Yadav", "Singh", "Gupta", "Sharma",
    "Verma", "Shukla", "Mishra", "Tiwari", "Awasthi", "Dwivedi", "Chaturvedi", "Bhadauria",
    "Sengar", "Parihar", "Rawat", "Katheria", "Shankhwar", "Baghel", "Saini", "Soni",
)
_MUSLIM_SURNAMES: Final[tuple[str, ...]] = (
    "Khan", "Ansari", "Siddiqui", "Qureshi", "Hashmi", "Rizvi", "Naqvi", "Zaidi", "Usmani",
    "Farooqui", "Shaikh", "Alvi", "Abbasi", "Khan", "Ansari", "Siddiqui", "Hussain", "Ahmad",
)
_HINDU_MALE: Final[tuple[str, ...]] = (
    "Ramesh", "Suresh", "Rajesh", "Mahesh", "Dinesh", "Anil", "Sunil", "Rakesh", "Mukesh",
    "Sanjay", "Vijay", "Ajay", "Manoj", "Pramod", "Vinod", "Ashok", "Alok", "Amit", "Rahul",
    "Rohit", "Sandeep", "Deepak", "Pankaj", "Neeraj", "Arvind", "Santosh", "Shyam", "Ram",
    "Krishna", "Gopal", "Om Prakash", "Ram Prakash", "Shiv Kumar", "Raj Kumar", "Ram Kumar",
    "Anand", "Vivek", "Abhishek", "Saurabh", "Gaurav", "Ankit", "Vikas", "Dharmendra",
    "Rajendra", "Surendra", "Narendra", "Virendra", "Jitendra", "Brijesh", "Awadhesh", "Kamlesh",
    "Umesh", "Yogesh", "Harish", "Girish", "Satish", "Naresh", "Ram Babu", "Shyam Babu",
    "Ram Naresh", "Radhey Shyam", "Hari Om", "Shailendra", "Ravi", "Sachin", "Nitin", "Anuj",
    "Prashant", "Shivam", "Ashish", "Manish", "Lalit", "Mohan", "Sohan", "Kailash", "Devendra",
)
_HINDU_FEMALE: Final[tuple[str, ...]] = (
    "Sunita", "Anita", "Geeta", "Seema", "Rekha", "Kiran", "Neelam", "Pooja", "Priya", "Asha",
    "Usha", "Savitri", "Kamla", "Shanti", "Sarita", "Mamta", "Suman", "Meena", "Poonam", "Rani",
    "Shweta", "Neha", "Anjali", "Kavita", "Rita", "Shobha", "Pushpa", "Radha", "Sushila",
    "Vimla", "Urmila", "Manju", "Renu", "Sangeeta", "Archana", "Vandana", "Rashmi", "Nisha",
    "Preeti", "Sadhana", "Ram Devi", "Shakuntala", "Kusum", "Saroj", "Pratibha", "Alka",
)
_MUSLIM_MALE: Final[tuple[str, ...]] = (
    "Mohd. Irfan", "Mohd. Salim", "Mohd. Aslam", "Mohd. Yusuf", "Mohd. Shahid", "Abdul Rahman",
    "Abdul Kareem", "Abdul Majeed", "Shakeel", "Rizwan", "Imran", "Javed", "Naseem", "Farooq",
    "Anwar", "Iqbal", "Zaheer", "Arif", "Rashid", "Tariq", "Wasim", "Nadeem", "Sajid", "Shamim",
    "Aftab", "Mumtaz", "Nawab", "Haseen", "Akhtar", "Jameel",
)
_MUSLIM_FEMALE: Final[tuple[str, ...]] = (
    "Shabana", "Nasreen", "Rukhsana", "Shahnaz", "Farzana", "Naseem Bano", "Rehana", "Sultana",
    "Ayesha", "Fatima", "Zainab", "Shama", "Tabassum", "Parveen", "Nazma", "Shaheen", "Salma",
)

# (locality, relative weight for homes, predominantly Muslim neighbourhood?, house-number ward)
_LOCALITY_DATA: Final[tuple[tuple[str, int, bool, str], ...]] = (
    ("Kidwai Nagar", 6, False, "128"),
    ("Swaroop Nagar", 3, False, "7"),
    ("Kakadeo", 4, False, "117"),
    ("Govind Nagar", 6, False, "10"),
    ("Barra", 7, False, "133"),
    ("Kalyanpur", 6, False, "119"),
    ("Civil Lines", 2, False, "15"),
    ("Gwaltoli", 2, True, "16"),
    ("Juhi", 3, True, "134"),
    ("Naubasta", 6, False, "143"),
    ("Shastri Nagar", 3, False, "118"),
    ("Arya Nagar", 2, False, "112"),
    ("Panki", 4, False, "137"),
    ("Chakeri", 4, False, "140"),
    ("Jajmau", 4, True, "146"),
    ("Harsh Nagar", 2, False, "111"),
    ("Rawatpur", 3, False, "120"),
    ("Ashok Nagar", 2, False, "111A"),
    ("Tilak Nagar", 2, False, "4"),
    ("Sisamau", 3, True, "105"),
    ("Nawabganj", 3, False, "8"),
    ("Kamla Nagar", 2, False, "116"),
    ("Yashoda Nagar", 5, False, "129"),
    ("Keshav Nagar", 4, False, "131"),
    ("Vikas Nagar", 2, False, "123"),
    ("Krishna Nagar", 3, False, "141"),
    ("Fazalganj", 2, False, "110"),
    ("Generalganj", 1, False, "40"),
    ("Collectorganj", 1, False, "41"),
    ("Parade", 1, True, "46"),
    ("Chunniganj", 1, True, "108"),
    ("Beconganj", 1, True, "69"),
    ("Pandu Nagar", 2, False, "113"),
    ("Shyam Nagar", 4, False, "144"),
    ("Lajpat Nagar", 2, False, "114"),
    ("Azad Nagar", 2, False, "121"),
    ("Gumti No. 5", 1, False, "109"),
    ("Chamanganj", 3, True, "88"),
    ("Colonelganj", 2, True, "92"),
    ("Babupurwa", 3, True, "135"),
    ("Dada Nagar", 1, False, "139"),
    ("Ratan Lal Nagar", 2, False, "130"),
    ("Geeta Nagar", 1, False, "122"),
    ("Vishnupuri", 1, False, "124"),
    ("Anwarganj", 1, True, "93"),
    ("Talaq Mahal", 1, True, "86"),
    ("Hans Puram", 2, False, "142"),
)
# Localities where most small and medium industries are.
_INDUSTRIAL_LOCALITIES: Final[tuple[str, ...]] = (
    "Panki", "Panki", "Panki", "Dada Nagar", "Dada Nagar", "Fazalganj", "Fazalganj", "Jajmau",
    "Jajmau", "Jajmau", "Chakeri", "Naubasta", "Govind Nagar", "Kalyanpur", "Juhi", "Babupurwa",
)
_TRADE_LOCALITIES: Final[tuple[str, ...]] = (
    "Generalganj", "Collectorganj", "Parade", "Chunniganj", "Beconganj", "Nawabganj", "Kidwai Nagar",
    "Govind Nagar", "Barra", "Kalyanpur", "Swaroop Nagar", "Kakadeo", "Naubasta", "Rawatpur",
    "Chamanganj", "Colonelganj", "Sisamau", "Arya Nagar", "Shastri Nagar", "Yashoda Nagar",
)

_BLOCK_LETTERS: Final[str] = "ABCDEFGHKLMNP"
_LANDMARKS: Final[tuple[str, ...]] = (
    "Near Shiv Mandir", "Near Hanuman Mandir", "Near Masjid", "Behind Post Office",
    "Near Pani Tanki", "Main Road", "Near Primary School", "Opp. Park", "Near Durga Mandir",
    "Near Chauraha",
)
_MARKETS: Final[tuple[str, ...]] = (
    "Main Market", "Main Road", "G.T. Road", "Station Road", "Sabzi Mandi", "Naveen Market",
    "Bada Chauraha", "Shopping Complex", "Kalpi Road", "Mall Road",
)
_SHOP_KINDS: Final[tuple[str, ...]] = (
    "General Store", "Kirana Store", "Medical Store", "Electronics", "Electricals", "Traders",
    "Sweets", "Restaurant", "Hardware", "Cloth House", "Saree Centre", "Mobile Shop",
    "Photostat", "Tailors", "Jewellers", "Furniture", "Auto Parts", "Cycle Works", "Bakery",
    "Dairy", "Book Depot", "Stationers", "Paints", "Opticals", "Clinic", "Pathology Lab",
    "Coaching Centre", "Guest House", "Beauty Parlour", "Computer Centre", "Atta Chakki",
    "General Store", "Medical Store", "Kirana Store",
)
_BRAND_WORDS: Final[tuple[str, ...]] = (
    "Shri Balaji", "Jai Maa Durga", "Shri Ram", "New", "Shiv Shakti", "Sai", "Jai Hind",
    "Kanpur", "Ganga", "Om", "Maa Vaishno", "Royal", "Star", "Shri Krishna", "Hanuman", "Laxmi",
    "Annapurna", "Modern", "Bismillah", "Al-Madina", "National", "City",
)
_INDUSTRY_WITH_SURNAME: Final[tuple[str, ...]] = (
    "Leather Works", "Engineering Works", "Hosiery", "Flour Mill", "Printing Press",
    "Cold Storage", "Saddlery", "Ice Factory", "Rice Mill", "Tannery", "Udyog", "Industries",
)
_INDUSTRY_WITH_BRAND: Final[tuple[str, ...]] = (
    "Udyog", "Plastics", "Tannery", "Steel Fabricators", "Masala Udyog", "Polymers",
    "Detergents", "Agro Industries", "Leather Works", "Textiles", "Packaging", "Foundry",
)
# (institution, addressee)
_INSTITUTIONS: Final[tuple[tuple[str, str], ...]] = (
    ("Govt. Inter College", "Through Principal"),
    ("Govt. Girls Inter College", "Through Principal"),
    ("Primary School No. {k}", "Through Head Master"),
    ("Upper Primary School", "Through Head Master"),
    ("Nagar Nigam Tubewell No. {k}", "Through Executive Engineer, Jal Kal"),
    ("Jal Sansthan Pumping Station", "Through Executive Engineer"),
    ("Community Health Centre", "Through Medical Officer In-charge"),
    ("Urban Primary Health Centre", "Through Medical Officer In-charge"),
    ("Police Chowki", "Through Chowki In-charge"),
    ("Post Office", "Through Postmaster"),
    ("Anganwadi Kendra No. {k}", "Through CDPO"),
    ("Public Library", "Through Librarian"),
    ("Nagar Nigam Zonal Office", "Through Zonal Officer"),
    ("Street Light Point No. {k}", "Through Executive Engineer, Nagar Nigam"),
)


def _weighted(items: tuple[tuple[str, int, bool, str], ...]) -> tuple[int, ...]:
    out: list[int] = []
    for idx, (_, weight, _, _) in enumerate(items):
        out.extend([idx] * weight)
    return tuple(out)


_HOME_LOCALITY_PICK: Final[tuple[int, ...]] = _weighted(_LOCALITY_DATA)
_LOCALITY_INDEX: Final[dict[str, int]] = {name: k for k, (name, _, _, _) in enumerate(_LOCALITY_DATA)}
_INDUSTRIAL_PICK: Final[tuple[int, ...]] = tuple(_LOCALITY_INDEX[x] for x in _INDUSTRIAL_LOCALITIES)
_TRADE_PICK: Final[tuple[int, ...]] = tuple(_LOCALITY_INDEX[x] for x in _TRADE_LOCALITIES)

# (lowest, highest) current charges in paise per category; log-scale, skewed to the low end.
_CHARGES: Final[Mapping[str, tuple[int, int]]] = MappingProxyType(
    {
        _DOM: (300_00, 5_000_00),
        _COM: (1_200_00, 60_000_00),
        _PUB: (5_000_00, 3_00_000_00),
        _SMI: (25_000_00, 8_00_000_00),
    }
)

_ACTIVE: Final[str] = ConnectionStatus.ACTIVE.value
_DISCONNECTED: Final[str] = ConnectionStatus.DISCONNECTED.value
_CLOSED: Final[str] = ConnectionStatus.CLOSED.value

# Date table: index k + _DAY0 is ``as_of - k days``; k from -_DAY0 (future, for due dates) up.
_DAY0: Final[int] = 30
_DAYS_BACK: Final[int] = 800


# --------------------------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------------------------


class _Context:
    __slots__ = ("as_of", "bill_months", "dates", "layout", "seed", "version")

    def __init__(self, total: int, seed: int, as_of: datetime.date, version: int) -> None:
        self.layout = _CategoryLayout(total, seed)
        self.seed = seed
        self.as_of = as_of
        self.version = version
        dates: list[str] = []
        months: list[str] = []
        for k in range(-_DAY0, _DAYS_BACK):
            d = as_of - datetime.timedelta(days=k)
            dates.append(d.isoformat())
            months.append(f"{d.year % 100:02d}{d.month:02d}")
        self.dates: tuple[str, ...] = tuple(dates)
        self.bill_months: tuple[str, ...] = tuple(months)


def _block_rows(block: int, lo: int, hi: int, ctx: _Context) -> list[tuple[object, ...]]:
    """Rows ``lo <= i < hi`` of block ``block`` (draws always start at the block's first row)."""
    rng = random.Random(f"kesco-demo:{ctx.seed}:{block}")
    rnd = rng.random
    first = block * BLOCK_SIZE
    layout = ctx.layout
    total = layout.total
    stride = layout.stride
    b0, b1, b2, _ = layout.bounds
    dates = ctx.dates
    months = ctx.bill_months
    version = ctx.version
    seed_bill = (ctx.seed * 7_919) % 100_000_000
    loc_data = _LOCALITY_DATA
    home_pick = _HOME_LOCALITY_PICK
    n_home = len(home_pick)
    h_sur, m_sur = _HINDU_SURNAMES, _MUSLIM_SURNAMES
    h_male, h_fem, m_male, m_fem = _HINDU_MALE, _HINDU_FEMALE, _MUSLIM_MALE, _MUSLIM_FEMALE
    n_hs, n_ms, n_hm, n_hf, n_mm, n_mf = (
        len(h_sur), len(m_sur), len(h_male), len(h_fem), len(m_male), len(m_fem),
    )
    low4 = _LOW4_PRODUCT
    d_tab = _VERHOEFF_D
    inv = _VERHOEFF_INV
    charges = _CHARGES
    pow_ = math.pow

    out: list[tuple[object, ...]] = []
    append = out.append
    p = (stride * lo + layout.offset) % total if total else 0
    high_key = -1
    high_prod = 0
    for i in range(first, hi):
        # Fixed number of draws per row, whatever its category/status, so row i depends only on
        # (seed, i) (plus its category).
        u_loc = rnd()
        u_muslim = rnd()
        u_sex = rnd()
        u_first = rnd()
        u_sur = rnd()
        u_rel = rnd()
        u_addr = rnd()
        u_biz = rnd()
        u_mob = rnd()
        u_status = rnd()
        u_bill = rnd()
        u_amt = rnd()
        u_arr = rnd()
        u_pay = rnd()
        u_pay2 = rnd()
        u_chq = rnd()
        if i < lo:
            continue

        # ---- category (bijective golden-ratio interleave) ----
        if p < b0:
            cat = _DOM
        elif p < b1:
            cat = _COM
        elif p < b2:
            cat = _PUB
        else:
            cat = _SMI
        p += stride
        if p >= total:
            p -= total

        # ---- account number ----
        serial = _SERIAL_BASE + i
        hk = serial // 10_000
        if hk != high_key:
            high_key = hk
            high_prod = _high_product(serial)
        account_no = f"{ACCOUNT_PREFIX}{serial:07d}{inv[d_tab[low4[serial % 10_000]][high_prod]]}"

        # ---- locality ----
        if cat == _SMI:
            loc_idx = _INDUSTRIAL_PICK[int(u_loc * len(_INDUSTRIAL_PICK))]
        elif cat == _COM and u_loc < 0.4:
            loc_idx = _TRADE_PICK[int(u_loc * 2.5 * len(_TRADE_PICK))]
        else:
            loc_idx = home_pick[int(u_loc * n_home)]
        locality, _, muslim_area, ward = loc_data[loc_idx]

        # ---- people ----
        muslim = u_muslim < (0.45 if muslim_area else 0.12)
        if muslim:
            surname = m_sur[int(u_sur * n_ms)]
            rel_first = m_male[int(u_rel * n_mm)]
        else:
            surname = h_sur[int(u_sur * n_hs)]
            rel_first = h_male[int(u_rel * n_hm)]
        female = cat == _DOM and u_sex < 0.22
        if female:
            first_name = (m_fem[int(u_first * n_mf)] if muslim else h_fem[int(u_first * n_hf)])
        else:
            first_name = (m_male[int(u_first * n_mm)] if muslim else h_male[int(u_first * n_hm)])
        person = f"{first_name} {surname}"

        # ---- name / relation / address per category ----
        x = int(u_addr * 1_000_000)
        if cat == _DOM:
            name = person
            if female:
                relation = f"W/O {rel_first} {surname}" if u_sex < 0.16 else f"D/O {rel_first} {surname}"
            else:
                relation = f"S/O {rel_first} {surname}"
            fmt = x % 8
            num = 1 + (x // 8) % 480
            if fmt <= 2:
                address = f"{ward}/{num}, {locality}"
            elif fmt == 3:
                address = f"{ward}/{_BLOCK_LETTERS[(x >> 12) % 13]}-{num % 60 + 1}, {locality}"
            elif fmt == 4:
                address = f"H.No. {num}, Block {_BLOCK_LETTERS[(x >> 12) % 13]}, {locality}"
            elif fmt == 5:
                address = f"{num % 150 + 1}, Gali No. {(x >> 13) % 12 + 1}, {locality}"
            elif fmt == 6:
                kind = ("MIG", "LIG", "EWS", "HIG")[(x >> 12) % 4]
                address = f"{kind}-{num % 300 + 1}, {locality}"
            else:
                address = f"{ward}/{num}, {_LANDMARKS[(x >> 12) % 10]}, {locality}"
        elif cat == _COM:
            b = int(u_biz * 1_000_000)
            kind = _SHOP_KINDS[b % len(_SHOP_KINDS)]
            style = (b // 64) % 5
            if style <= 2:
                name = f"{surname} {kind}"
            elif style == 3:
                name = f"{_BRAND_WORDS[(b >> 10) % len(_BRAND_WORDS)]} {kind}"
            else:
                name = f"M/s {surname} & Sons"
            relation = f"Prop. {person}"
            address = f"Shop No. {x % 120 + 1}, {_MARKETS[(x >> 8) % 10]}, {locality}"
        elif cat == _SMI:
            b = int(u_biz * 1_000_000)
            if b % 2:
                name = f"{surname} {_INDUSTRY_WITH_SURNAME[(b >> 1) % len(_INDUSTRY_WITH_SURNAME)]}"
            else:
                brand = _BRAND_WORDS[(b >> 5) % len(_BRAND_WORDS)]
                name = f"{brand} {_INDUSTRY_WITH_BRAND[(b >> 1) % len(_INDUSTRY_WITH_BRAND)]}"
            relation = f"Prop. {person}"
            if x % 3:
                address = f"Plot No. {x % 240 + 1}, Industrial Area, {locality}"
            else:
                address = f"{ward}/{x % 400 + 1}, {locality}"
        else:
            b = int(u_biz * 1_000_000)
            inst, through = _INSTITUTIONS[b % len(_INSTITUTIONS)]
            name = f"{inst.replace('{k}', str((b >> 4) % 25 + 1))}, {locality}"
            relation = through
            address = f"{_LANDMARKS[x % 10]}, {locality}"

        meter_no = f"KM{(i * _METER_MULT + _METER_ADD) % 100_000_000:08d}"

        # ---- mobile: ~85% present, ~0.5% shared with the previous connection (same family) ----
        if u_mob < 0.85:
            mobile: str | None = _mobile_for_index(i - 1 if (u_mob < 0.005 and i > 0) else i)
        else:
            mobile = None

        # ---- status and bills ----
        lo_paise, hi_paise = charges[cat]
        current = int(lo_paise * pow_(hi_paise / lo_paise, pow_(u_amt, 1.4)))
        whole_rupees = (u_pay2 * 4096.0) % 1.0 < 0.75  # most bills are in whole rupees
        if whole_rupees:
            current -= current % 100
        dishonoured = 0 if u_chq >= 0.002 else (2 if u_chq < 0.0001 else 1)
        bill_serial = (i * 7_654_321 + seed_bill) % 100_000_000
        last_pay_date: str | None
        last_pay: int | None

        if u_status < 0.005:
            status = _CLOSED
            b_off = 60 + int(u_bill * 300)  # final bill, months ago
            arrears = 0 if u_arr < 0.5 else int(current * (0.5 + 3 * u_arr))
            amount = current + arrears
            if u_pay < 0.85:  # settled
                balance = 0
                last_pay = amount
                last_pay_date = dates[_DAY0 + b_off - 1 - int(u_pay2 * 14)]
            else:
                balance = amount
                last_pay = None
                last_pay_date = None
        elif u_status < 0.035:
            status = _DISCONNECTED
            b_off = 1 + int(u_bill * 30)
            arrears = int(current * (3 + 9 * u_arr))  # disconnected for non-payment
            amount = current + arrears
            balance = amount
            if u_pay < 0.6:
                last_pay_date = dates[_DAY0 + b_off + 60 + int(u_pay2 * 240)]
                last_pay = int(current * (0.5 + u_pay2)) // 100 * 100
            else:
                last_pay = None
                last_pay_date = None
        else:
            status = _ACTIVE
            if u_status < 0.037:  # new connection, no bill yet
                append((
                    account_no, name, relation, address, locality, cat, meter_no, mobile, status,
                    None, None, None, 0, 0, 0, None, None, 0, version,
                ))
                continue
            b_off = 1 + int(u_bill * 30)
            arrears = 0 if u_arr < 0.70 else int(current * (0.1 + 4.0 * (u_arr - 0.70) ** 2 * 11))
            if whole_rupees:
                arrears -= arrears % 100
            amount = current + arrears
            if u_pay < 0.33:  # paid in full after the bill
                balance = 0
                last_pay = amount
                last_pay_date = dates[_DAY0 + 1 + int(u_pay2 * b_off)]
            elif u_pay < 0.34:  # paid more than the bill: advance
                advance = int(current * (0.1 + u_pay2)) // 100 * 100 + 100_00
                balance = -advance
                last_pay = amount + advance
                last_pay_date = dates[_DAY0 + 1 + int(u_pay2 * b_off)]
            elif u_pay < 0.37:  # part payment
                part = int(amount * (0.3 + 0.5 * u_pay2)) // 100 * 100
                balance = amount - part
                last_pay = part
                last_pay_date = dates[_DAY0 + 1 + int(u_pay2 * b_off)]
            elif u_pay < 0.88:  # not yet paid; paid the previous bill
                balance = amount
                last_pay = int(current * (0.7 + 0.6 * u_pay2)) // 100 * 100 or 100_00
                last_pay_date = dates[_DAY0 + b_off + 3 + int(u_pay2 * 38)]
            else:  # not paid, no recent payment on record
                balance = amount
                last_pay = None
                last_pay_date = None

        bill_idx = _DAY0 + b_off
        append((
            account_no, name, relation, address, locality, cat, meter_no, mobile, status,
            f"{months[bill_idx]}{bill_serial:08d}", dates[bill_idx], dates[bill_idx - 15],
            amount, arrears, balance, last_pay_date, last_pay, dishonoured, version,
        ))
    return out


def generate_consumer_range(
    start: int,
    stop: int,
    *,
    total: int,
    seed: int = DEFAULT_SEED,
    as_of: datetime.date | None = None,
    version: int = 1,
) -> Iterator[tuple[object, ...]]:
    """Rows ``start <= i < stop`` of the data set ``generate_consumers(total, ...)``.

    ``total`` is needed because the category interleave (and so everything that depends on the
    category) is exact for the whole data set. Yields tuples in ``CONSUMER_FIELDS`` order, equal
    to ``list(generate_consumers(total, ...))[start:stop]`` but costs only ``stop - start`` rows
    (plus at most one partial block). Arguments are checked at call time.
    """
    if not 0 <= total <= MAX_CONSUMERS:
        raise ValueError(f"total must be in 0..{MAX_CONSUMERS}, got {total}")
    if not 0 <= start <= stop <= total:
        raise ValueError(f"need 0 <= start <= stop <= total, got {start}, {stop}, {total}")
    return _iter_range(start, stop, _Context(total, seed, as_of or DEFAULT_AS_OF, version))


def _iter_range(start: int, stop: int, ctx: _Context) -> Iterator[tuple[object, ...]]:
    block = start // BLOCK_SIZE
    while block * BLOCK_SIZE < stop:
        lo = max(start, block * BLOCK_SIZE)
        hi = min(stop, (block + 1) * BLOCK_SIZE)
        yield from _block_rows(block, lo, hi, ctx)
        block += 1


def generate_consumers(
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    as_of: datetime.date | None = None,
    version: int = 1,
) -> Iterator[tuple[object, ...]]:
    """``n`` demo KESCO consumers, one tuple per consumer in ``CONSUMER_FIELDS`` order.

    Deterministic for given ``(n, seed, as_of, version)``; ``as_of`` defaults to
    :data:`DEFAULT_AS_OF` (2026-11-25). Category counts equal :func:`category_counts(n)
    <category_counts>`. Row ``i`` has account number :func:`account_no_for_index(i)
    <account_no_for_index>`.
    """
    return generate_consumer_range(0, n, total=n, seed=seed, as_of=as_of, version=version)


if _ROW_WIDTH != 19:  # pragma: no cover - guards against silent drift of the shared contract
    raise ImportError("kesco_demo.consumers must be updated: CONSUMER_FIELDS changed")
