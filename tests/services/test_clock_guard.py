"""Wrong clocks at the counter (issue 11 item 14), with the counter's injectable clock: a clock
gone back behind the last receipt, a clock off the central server's time, and a shift that would
silently span midnight are refused with a message that says what to do; nothing is stored."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from counter_app.domain.errors import StateError
from counter_app.domain.messages import render
from counter_app.services.collection import Payment
from counter_app.sync.push import apply_status
from kesco_demo.consumers import account_no_for_index

ACCT = account_no_for_index(1)


def _count(counter):
    with counter.store.db.read() as conn:
        return conn.execute(text("SELECT count(*) FROM receipts")).scalar_one()


def _server_says(counter, server_time: datetime, local: datetime):
    status = {"high_water_seq": 0, "max_seq": 0, "gaps": [], "chain_ok": True, "chain_head_hash": "0" * 64,
              "server_time": server_time.isoformat()}
    with counter.store.db.write() as conn:
        apply_status(conn, status, local.isoformat())


def test_a_clock_gone_back_behind_the_last_receipt_is_refused(counter, clerk, shift, clock):
    counter.service.issue_receipt(clerk, Payment(ACCT, 100_00))
    clock.now -= timedelta(minutes=1)  # within two minutes: a clock nudged by time sync, allowed
    counter.service.issue_receipt(clerk, Payment(ACCT, 100_00))
    clock.now -= timedelta(minutes=30)
    with pytest.raises(StateError) as e:
        counter.service.issue_receipt(clerk, Payment(ACCT, 100_00))
    assert e.value.key == "clock.before_last_receipt"
    assert _count(counter) == 2
    assert "IT" in render(e.value.key, "en", **e.value.params)
    assert "घड़ी" in render(e.value.key, "hi", **e.value.params)


def test_a_clock_off_the_servers_is_refused_until_it_is_right(counter, clerk, shift, clock):
    counter.service.issue_receipt(clerk, Payment(ACCT, 100_00))
    # the server's time at the last contact was three days ahead of ours: our clock is behind
    _server_says(counter, clock.now + timedelta(days=3), clock.now)
    clock.now += timedelta(minutes=5)
    with pytest.raises(StateError) as e:
        counter.service.issue_receipt(clerk, Payment(ACCT, 100_00))
    assert e.value.key == "clock.off_server" and e.value.params["minutes"] == 3 * 24 * 60
    assert "Indian Standard Time" in render(e.value.key, "en", **e.value.params)
    assert _count(counter) == 1
    # 9 minutes off is within the configured 10: allowed (the negative control)
    _server_says(counter, clock.now + timedelta(minutes=9), clock.now)
    counter.service.issue_receipt(clerk, Payment(ACCT, 100_00))
    assert _count(counter) == 2


def test_the_threshold_is_in_config(counter, clerk, shift, clock):
    counter.config.clock_max_skew_minutes = 30
    _server_says(counter, clock.now + timedelta(minutes=20), clock.now)
    counter.service.issue_receipt(clerk, Payment(ACCT, 100_00))
    counter.config.clock_max_skew_minutes = 10
    with pytest.raises(StateError):
        counter.service.issue_receipt(clerk, Payment(ACCT, 100_00))


def test_a_shift_does_not_silently_span_midnight_and_receipts_carry_the_day_taken(counter, clerk, clock):
    clock.now = clock.now.replace(hour=23, minute=58)
    counter.service.open_shift(clerk, 1000_00)
    r = counter.service.issue_receipt(clerk, Payment(ACCT, 100_00))
    assert r.business_date == clock.now.date().isoformat()
    clock.now += timedelta(minutes=5)  # 00:03 the next day
    with pytest.raises(StateError) as e:
        counter.service.issue_receipt(clerk, Payment(ACCT, 100_00))
    assert e.value.key == "shift.spans_days"
    assert e.value.params == {"opened": r.business_date, "today": clock.now.date().isoformat()}
    assert "Close the shift" in render(e.value.key, "en", **e.value.params)
    assert _count(counter) == 1
