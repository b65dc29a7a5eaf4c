"""canonical_json is json.dumps's text byte for byte, with or without msgspec: every stored
payload and every receipt's hash was made with json.dumps, and a re-send is compared with what is
stored byte for byte."""

from __future__ import annotations

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from kesco_protocol import records
from kesco_protocol.records import canonical_json


def reference(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def same_or_same_error(obj) -> None:
    try:
        want = reference(obj)
    except Exception as e:  # noqa: BLE001 - whatever json.dumps raises, canonical_json must raise too
        try:
            canonical_json(obj)
        except type(e):
            return
        raise AssertionError(f"json.dumps raised {type(e).__name__}, canonical_json did not") from None
    assert canonical_json(obj) == want


def test_the_accelerator_is_installed_here_so_these_tests_exercise_it():
    assert records._fast_encode is not None


def test_negative_control_msgspec_alone_writes_other_text_for_floats_and_nan():
    # what the type check in front of msgspec is for: without it these would hash differently
    for v in (1e16, 1.5e-7, math.nan, math.inf):
        assert records._fast_encode({"v": v}).decode() != reference({"v": v})
        assert canonical_json({"v": v}) == reference({"v": v})


def test_every_code_point_as_a_key_and_as_text():
    cps = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for i in range(0, len(cps), 2048):
        chunk = "".join(map(chr, cps[i:i + 2048]))
        # one key per character, so the sort order of every code point is compared too
        obj = {"text": chunk, "keys": {ch: j for j, ch in enumerate(reversed(chunk[::7]))}}
        assert canonical_json(obj) == reference(obj), hex(cps[i])


def test_lone_surrogates_big_numbers_tuples_and_subclasses():
    from kesco_protocol.records import RecordKind

    for obj in ({"a": "\ud800"}, {"\udfff": 1}, {"a": 2**64 + 1, "b": -(10**40)}, {"a": (1, "x", None)},
                {"k": RecordKind.RECEIPT}, {"b": True, "n": None, "i": 0}, {1: "int key"}, {"a": [[[]]]},
                {"a": 1.0}, {"a": [1, 2.5]}):
        same_or_same_error(obj)


def test_nesting_deeper_than_the_fast_path_takes():
    obj: dict = {"x": 1}
    for _ in range(200):
        obj = {"d": obj}
    assert canonical_json(obj) == reference(obj)


def test_a_real_receipt_body_and_wire_form():
    from tests.support.receipts import ReceiptChain

    r = ReceiptChain("K07", seed=3).next(mode="cheque")
    assert canonical_json(r.wire()) == reference(r.wire())
    assert r.canonical() == reference(r.body())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(st.characters(codec=None), max_size=12),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(st.characters(codec=None), max_size=6),
                                                                inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=8), json_values, max_size=8))
def test_any_json_value_gives_json_dumps_text(obj):
    same_or_same_error(obj)
