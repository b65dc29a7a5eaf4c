"""Every service call with bad input: a typed error with a message in both languages, and the
database exactly as it was."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from counter_app.domain.errors import CounterError
from counter_app.domain.messages import MESSAGES
from counter_app.domain.receipt import Instrument
from counter_app.services.collection import Payment
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.records import Mode

ACC = account_no_for_index(7)
TABLES = ["receipts", "outbox", "voids", "dishonours", "shifts", "users", "consumers", "meta", "kv", "audit"]


def fingerprint(path) -> str:
    con = sqlite3.connect(path)
    cache = Path(path).with_name("consumers.sqlite3")  # the consumer cache's own file since 0007
    if cache.exists():
        con.execute("ATTACH DATABASE ? AS cache", (f"{cache.resolve().as_uri()}?mode=ro",))
    h = hashlib.sha256()
    for t in TABLES:
        for row in con.execute(f"SELECT * FROM {t} ORDER BY 1"):
            h.update(repr(row).encode())
    con.close()
    return h.hexdigest()


def _cheque(today, **kw):
    d = dict(number="654321", date=(today - timedelta(days=1)).isoformat(), bank="SBI", ifsc="SBIN0001234")
    d.update(kw)
    return Instrument(**d)


def bad_payments(today):
    return [
        ("consumer.bad_account", Payment("12345", 100_00)),
        ("consumer.bad_account", Payment("abcdefghij", 100_00)),
        ("consumer.bad_account", Payment("", 100_00)),
        ("consumer.not_found", Payment("9999999999", 100_00)),
        ("amount.zero", Payment(ACC, 0)),
        ("amount.negative", Payment(ACC, -100)),
        ("amount.not_a_number", Payment(ACC, 12.5)),  # type: ignore[arg-type]
        ("amount.not_a_number", Payment(ACC, True)),
        ("amount.not_a_number", Payment(ACC, "100")),  # type: ignore[arg-type]
        ("amount.over_limit", Payment(ACC, 10_00_000_01)),
        ("receipt.mode_invalid", Payment(ACC, 100_00, "bitcoin")),
        ("amount.tendered_short", Payment(ACC, 100_00, Mode.CASH, tendered_paise=50_00)),
        ("amount.tendered_too_much", Payment(ACC, 100_00, Mode.CASH, tendered_paise=5000_00)),
        ("instrument.number_invalid", Payment(ACC, 100_00, Mode.CHEQUE, _cheque(today, number="12a456"))),
        ("instrument.number_invalid", Payment(ACC, 100_00, Mode.CHEQUE, None)),
        ("instrument.date_invalid", Payment(ACC, 100_00, Mode.CHEQUE, _cheque(today, date="31-02-2026"))),
        ("instrument.stale", Payment(ACC, 100_00, Mode.CHEQUE, _cheque(today, date=(today - timedelta(days=93)).isoformat()))),
        ("instrument.post_dated", Payment(ACC, 100_00, Mode.DD, _cheque(today, date=(today + timedelta(days=1)).isoformat()))),
        ("instrument.bank_required", Payment(ACC, 100_00, Mode.CHEQUE, _cheque(today, bank="  "))),
        ("instrument.ifsc_invalid", Payment(ACC, 100_00, Mode.CHEQUE, _cheque(today, ifsc="SBIN1234"))),
        ("receipt.reference_required", Payment(ACC, 100_00, Mode.UPI, None)),
        ("receipt.reference_invalid", Payment(ACC, 100_00, Mode.CARD, Instrument(reference="x'; DROP TABLE receipts;--"))),
    ]


def test_bad_payments_are_refused_and_nothing_changes(counter, clerk, shift, clock):
    before = fingerprint(counter.store.path)
    cases = bad_payments(clock.now.date())
    for key, payment in cases:
        with pytest.raises(CounterError) as e:
            counter.service.issue_receipt(clerk, payment)
        assert e.value.key == key, (payment, e.value.key)
        assert e.value.key in MESSAGES
        assert e.value.message("hi") != e.value.message("en")
        assert fingerprint(counter.store.path) == before, payment
    # negative control: a good payment does change the database
    counter.service.issue_receipt(clerk, Payment(ACC, 100_00))
    assert fingerprint(counter.store.path) != before


@pytest.mark.parametrize("call,key", [
    (lambda s, c: s.add_user("x", "X", "clerk", "1234"), "auth.bad_username"),
    (lambda s, c: s.add_user("new.clerk", "X", "boss", "1234"), "auth.bad_role"),
    (lambda s, c: s.add_user("new.clerk", "X", "clerk", "12"), "auth.pin_too_short"),
    (lambda s, c: s.add_user("new.clerk", "X", "clerk", "abcd"), "auth.pin_too_short"),
    (lambda s, c: s.add_user("clerk1", "X", "clerk", "1234"), "auth.user_exists"),
    (lambda s, c: s.open_shift(c, 1000), "shift.already_open"),
    (lambda s, c: s.lookup("12345"), "consumer.not_found"),
    (lambda s, c: s.lookup("9999999999"), "consumer.not_found"),
    (lambda s, c: s.lookup(""), "consumer.bad_account"),
    (lambda s, c: s.search("x" * 101), "consumer.query_too_long"),
    (lambda s, c: s.get_receipt("K07/2026-27/0000099"), "receipt.not_found"),
    (lambda s, c: s.reprint(c, "nope"), "receipt.not_found"),
    (lambda s, c: s.void_receipt(c, "nope", "reason here", "super1", "9999"), "receipt.not_found"),
    (lambda s, c: s.initialise("k 07!"), "counter.bad_code"),
    (lambda s, c: s.get_shift("no-such-shift"), "shift.not_found"),
])
def test_other_bad_calls_are_typed_and_harmless(counter, clerk, shift, call, key):
    before = fingerprint(counter.store.path)
    with pytest.raises(CounterError) as e:
        call(counter.service, clerk)
    assert e.value.key == key
    assert e.value.key in MESSAGES
    assert fingerprint(counter.store.path) == before


def test_open_shift_float_is_checked(counter, clerk):
    before = fingerprint(counter.store.path)
    for bad in (-1, 1.5, "100", True, 10**12):
        with pytest.raises(CounterError):
            counter.service.open_shift(clerk, bad)
    assert fingerprint(counter.store.path) == before
