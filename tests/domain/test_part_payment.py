"""The least part payment (kesco_protocol.part_payment, counter_app.domain.part_payment): the rule
min(due, max(ceil(share x due), minimum amount)), the UP default, the policy's wire and config forms
and their refusals, and the receipt's optional approver field outside the canonical form."""

from __future__ import annotations

import pytest

from counter_app.domain.part_payment import shortfall
from kesco_protocol.part_payment import UP_DEFAULT, Minimum, Policy, PolicyError, from_config, share_text
from kesco_protocol.records import Receipt

DOM = UP_DEFAULT.for_category("DOM")
OTHER = UP_DEFAULT.for_category("COM")


@pytest.mark.parametrize(("rule", "due", "required"), [
    (DOM, 5000_00, 500_00),      # 10 % is above Rs 250
    (DOM, 2000_00, 250_00),      # 10 % is Rs 200: the Rs 250 floor is the larger
    (DOM, 200_00, 200_00),       # never more than the due
    (DOM, 2500_01, 250_01),      # the share rounds up to the paisa: "at least 10 %"
    (OTHER, 10_000_00, 2500_00),  # 25 %
    (OTHER, 3000_00, 1000_00),   # 25 % is Rs 750: Rs 1,000 is the larger
    (OTHER, 0, 0),               # nothing due: nothing required
    (OTHER, -500_00, 0),         # an advance held
])
def test_the_rule_takes_the_larger_of_share_and_minimum_and_never_more_than_the_due(
        rule: Minimum, due: int, required: int) -> None:
    assert rule.required_paise(due) == required


def test_up_default_is_10_percent_or_250_for_domestic_and_25_or_1000_for_others() -> None:
    assert DOM == Minimum(1000, 250_00)
    for cat in ("COM", "PUB", "SMI", "", None):
        assert UP_DEFAULT.for_category(cat) == Minimum(2500, 1000_00)


def test_shortfall_only_below_the_required_and_never_for_the_full_due_or_an_unknown_account() -> None:
    s = shortfall(DOM, 5000_00, 499_99)
    assert s is not None and s.required_paise == 500_00
    assert s.params["minimum"] == "₹500.00" and s.params["share"] == "10" and s.params["floor"] == "₹250.00"
    assert shortfall(DOM, 5000_00, 500_00) is None          # exactly the minimum
    assert shortfall(DOM, 5000_00, 5000_00) is None         # the whole due
    assert shortfall(DOM, 5000_00, 9000_00) is None         # more than due
    assert shortfall(DOM, None, 1_00) is None               # account not in the local data
    assert shortfall(None, 5000_00, 1_00) is None
    assert shortfall(DOM, 5000_00, None) is None            # nothing typed yet


def test_the_wire_form_round_trips_and_its_id_follows_its_content() -> None:
    wire = UP_DEFAULT.to_wire()
    assert wire["format"] == 1 and wire["categories"] == {"DOM": {"share_bp": 1000, "minimum_paise": 25000}}
    assert Policy.from_wire(wire) == UP_DEFAULT
    other = Policy(Minimum(2500, 1000_00), {"DOM": Minimum(1500, 250_00)})
    assert other.policy_id != UP_DEFAULT.policy_id
    with pytest.raises(PolicyError, match="policy_id"):
        Policy.from_wire({**wire, "policy_id": other.policy_id})
    with pytest.raises(PolicyError, match="format"):
        Policy.from_wire({**wire, "format": 2})


def test_the_config_form_takes_percent_or_basis_points() -> None:
    p = from_config({"default": {"share_percent": 25, "minimum_paise": 100000},
                     "category": {"DOM": {"share_bp": 1000, "minimum_paise": 25000}}})
    assert p == UP_DEFAULT


@pytest.mark.parametrize(("config", "says"), [
    ({}, "default: missing"),
    ({"default": {"share_percent": 25}}, "minimum_paise is missing"),
    ({"default": {"share_percent": 25, "share_bp": 2500, "minimum_paise": 0}}, "give the share once"),
    ({"default": {"share_percent": 101, "minimum_paise": 0}}, "between 0 and 100"),
    ({"default": {"share_bp": 2500, "minimum_paise": -1}}, "between 0 and"),
    ({"default": {"share_bp": 25.5, "minimum_paise": 0}}, "whole number"),
    ({"default": {"share_bp": True, "minimum_paise": 0}}, "whole number"),
    ({"default": {"share_bp": 2500, "minimun_paise": 0}}, "unknown key 'minimun_paise'"),
    ({"default": {"share_bp": 2500, "minimum_paise": 0}, "category": {"DOMESTIC": {}}}, "'DOMESTIC'"),
    ({"default": {"share_bp": 2500, "minimum_paise": 0}, "categories": {}}, "unknown entry 'categories'"),
])
def test_a_bad_config_is_refused_with_what_is_wrong(config: dict[str, object], says: str) -> None:
    with pytest.raises(PolicyError, match=says.replace("(", r"\(")):
        from_config(config)


def test_share_text_without_floats() -> None:
    assert [share_text(b) for b in (1000, 1250, 1205, 0, 10000)] == ["10", "12.5", "12.05", "0", "100"]


def test_the_approver_is_in_the_canonical_form_only_when_there_is_one() -> None:
    base = Receipt("r1", "K07", 1, "K07-1", "2100000001", "A", "DOM", None, 100_00, "cash", None, None,
                   "clerk1", "s1", "2026-12-01T10:00:00+05:30", "2026-12-01", False, None)
    assert "part_payment_allowed_by" not in base.body()
    allowed = Receipt.from_wire({**base.wire(), "part_payment_allowed_by": "super1"})
    assert allowed.part_payment_allowed_by == "super1" and allowed.body()["part_payment_allowed_by"] == "super1"
    assert Receipt.from_wire(base.wire()).canonical() == base.canonical()
