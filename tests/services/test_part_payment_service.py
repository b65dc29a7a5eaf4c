"""The least part payment held by the service, not only by the screen (issue 15): a payment below
min(due, max(ceil(share x due), minimum)) is refused for every caller -- the single receipt and
each account of a group payment -- with a translated reason and nothing stored, unless a
supervisor's approval is passed with it; the approval is checked, recorded on the receipt and
audited. The policy is the one the server sent, or the built-in UP rule."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from counter_app.app import Application
from counter_app.domain.errors import AmountError, AuthError, PermissionDenied
from counter_app.domain.receipt import Instrument
from counter_app.services.collection import Payment
from counter_app.services.group_payment import GroupLine, GroupPaymentRequest, issue_group
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.part_payment import UP_DEFAULT, Minimum, Policy
from kesco_protocol.records import Mode
from tests.conftest import CLERK, SUPERVISOR, make_counter
from tests.services.test_bad_input import fingerprint
from tests.support.part_payment import NO_MINIMUM, give_counter_policy


@pytest.fixture
def ruled(tmp_path: Path, clock) -> Iterator[Application]:
    """A counter whose service applies the rule, as the product's always does."""
    c = make_counter(tmp_path / "counter", consumers=200, clock=clock, part_payment_in_service=True)
    yield c
    c.close()


@pytest.fixture
def session(ruled: Application):
    s = ruled.service.login(*CLERK)
    ruled.service.open_shift(s, 1000_00)
    return s


def owing(svc, start: int = 0, at_least: int = 5000_00) -> tuple[str, int, int]:
    """An account with a due large enough that the minimum is below the due: (account, due, minimum)."""
    for i in range(start, 200):
        v = svc.lookup(account_no_for_index(i))
        if v.amount_due_paise >= at_least:
            return v.consumer.account_no, v.amount_due_paise, UP_DEFAULT.required_paise(v.consumer.category,
                                                                                        v.amount_due_paise)
    raise AssertionError("no demo account owes enough")


def test_below_the_minimum_is_refused_by_the_service_in_both_languages_and_nothing_is_stored(ruled, session):
    svc = ruled.service
    account, due, minimum = owing(svc)
    assert 0 < minimum < due
    before = fingerprint(ruled.store.path)
    with pytest.raises(AmountError) as e:
        svc.issue_receipt(session, Payment(account, minimum - 1))
    assert e.value.key == "part_payment.refused"
    english, hindi = e.value.message("en"), e.value.message("hi")
    assert account in english and "Nothing was saved" in english
    assert "कुछ भी सहेजा नहीं गया" in hindi and account in hindi
    assert "{" not in english + hindi  # every placeholder filled
    assert fingerprint(ruled.store.path) == before
    # the negative control: exactly the minimum, and the whole due, go through without anyone
    r = svc.issue_receipt(session, Payment(account, minimum))
    assert r.part_payment_allowed_by is None
    other, other_due, _ = owing(svc, start=int(account[-3:]) + 1)
    assert svc.issue_receipt(session, Payment(other, other_due)).part_payment_allowed_by is None


def test_a_supervisor_approval_passed_with_the_payment_is_checked_recorded_and_audited(ruled, session):
    svc = ruled.service
    account, _due, minimum = owing(svc)
    with pytest.raises(AuthError):  # a wrong PIN is a refused login of that supervisor
        svc.issue_receipt(session, Payment(account, 100_00, part_payment_approval=(SUPERVISOR[0], "0000")))
    with pytest.raises(PermissionDenied):  # a clerk cannot allow it
        svc.issue_receipt(session, Payment(account, 100_00, part_payment_approval=CLERK))
    r = svc.issue_receipt(session, Payment(account, 100_00, part_payment_approval=SUPERVISOR))
    assert r.amount_paise == 100_00 < minimum and r.part_payment_allowed_by == SUPERVISOR[0]
    with ruled.store.db.read() as conn:
        detail = conn.execute(text("SELECT detail FROM audit WHERE action='receipt' AND subject=:s"),
                              {"s": r.receipt_id}).scalar_one()
    assert json.loads(detail)["part_payment_allowed_by"] == SUPERVISOR[0]


def test_the_policy_the_server_sent_is_the_one_applied(ruled, session):
    svc = ruled.service
    account, due, minimum = owing(svc)
    give_counter_policy(svc, NO_MINIMUM)  # a utility without a minimum: any amount is taken
    assert svc.issue_receipt(session, Payment(account, 1_00)).part_payment_allowed_by is None
    strict = Policy(Minimum(5000, 0))  # half the due, whatever the category
    give_counter_policy(svc, strict, at="2026-12-01T11:00:00+05:30")
    due_now = svc.lookup(account).amount_due_paise
    half = strict.required_paise("DOM", due_now)
    assert half > minimum  # stricter than the UP rule: the server's policy, not the built-in one
    with pytest.raises(AmountError, match="least part payment"):
        svc.issue_receipt(session, Payment(account, half - 1))
    assert svc.issue_receipt(session, Payment(account, half)).amount_paise == half


def _cheque(today) -> Instrument:
    return Instrument(number="778899", date=(today - timedelta(days=1)).isoformat(), bank="Bank of Baroda",
                      ifsc="BARB0KANPUR")


def test_a_group_payment_is_refused_whole_when_one_account_is_below_its_minimum(ruled, session, clock):
    svc = ruled.service
    a, a_due, _ = owing(svc)
    b, _b_due, b_min = owing(svc, start=int(a[-3:]) + 1)
    req = GroupPaymentRequest(Mode.CHEQUE, _cheque(clock.now.date()), a_due + b_min - 1,
                              (GroupLine(a, a_due), GroupLine(b, b_min - 1)))
    before = fingerprint(ruled.store.path)
    with pytest.raises(AmountError) as e:
        issue_group(svc, session, req)
    assert e.value.key == "part_payment.refused" and e.value.params["account"] == b
    assert fingerprint(ruled.store.path) == before
    # with the supervisor's approval the group goes through; only the line below is marked
    g = issue_group(svc, session, GroupPaymentRequest(req.mode, req.instrument, req.total_paise, req.lines,
                                                      part_payment_approval=SUPERVISOR))
    assert [r.part_payment_allowed_by for r in g.receipts] == [None, SUPERVISOR[0]]
