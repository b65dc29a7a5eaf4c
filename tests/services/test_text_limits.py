"""The counter refuses, where the text enters, what the server would refuse as too long (issue
11, item 5): the limits are the shared table kesco_protocol.limits, the refusal a message key in
both languages, and nothing is stored. The limit itself is taken (negative control)."""

from __future__ import annotations

import sqlite3

import pytest

from counter_app.domain.errors import CounterError
from counter_app.services.collection import Payment
from kesco_demo.consumers import account_no_for_index
from kesco_protocol import limits
from tests.services.test_bad_input import fingerprint

NAME_LIMIT = limits.RECEIPT["consumer_name"]


def test_a_typed_consumer_name_longer_than_the_limit_is_refused(counter, clerk, shift):
    before = fingerprint(counter.store.path)
    with pytest.raises(CounterError) as e:
        counter.service.issue_receipt(clerk, Payment("9999999999", 100_00, consumer_name="N" * (NAME_LIMIT + 1)))
    assert e.value.key == "receipt.text_too_long"
    assert str(NAME_LIMIT) in e.value.message("en") and str(NAME_LIMIT) in e.value.message("hi")
    assert e.value.message("hi") != e.value.message("en")
    assert fingerprint(counter.store.path) == before
    # negative control: at the limit it is issued
    r = counter.service.issue_receipt(clerk, Payment("9999999999", 100_00, consumer_name="N" * NAME_LIMIT))
    assert len(r.consumer_name) == NAME_LIMIT


@pytest.mark.parametrize(("column", "field"), [("name", "consumer_name"), ("category", "category"),
                                                ("last_bill_no", "bill_no")])
def test_master_data_too_long_for_a_receipt_is_refused(counter, clerk, shift, column, field):
    """A cached consumer whose text does not fit a receipt (a bad master-data load)."""
    acc = account_no_for_index(7)
    con = sqlite3.connect(counter.store.cache.path)
    con.execute(f"UPDATE consumers SET {column} = ? WHERE account_no = ?",  # noqa: S608 - test columns
                ("X" * (limits.RECEIPT[field] + 1), acc))
    con.commit()
    con.close()
    before = fingerprint(counter.store.path)
    with pytest.raises(CounterError) as e:
        counter.service.issue_receipt(clerk, Payment(acc, 100_00))
    assert e.value.key == "receipt.text_too_long"
    assert fingerprint(counter.store.path) == before
