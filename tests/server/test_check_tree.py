"""validate.check_tree, written for speed (a receipt's twenty fields checked in the loop, not a
call each), decides every tree exactly as the plain recursive walk it replaced: the same pass, or
the same refusal with the same message."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import central_server.ingest  # noqa: F401 - validate's import order
from central_server import validate
from central_server.ingest.batch import Invalid
from central_server.validate import MAX_DEPTH, _bad, check_tree, storable
from kesco_protocol import limits


def plain_walk(obj: Any, name: str = "payload", depth: int = 0, text_limit: int = limits.REMARK) -> None:
    """The walk as it was before (one call per value)."""
    if depth > MAX_DEPTH:
        raise _bad(name, "nested too deep")
    if isinstance(obj, str):
        if not storable(obj):
            raise _bad(name, "text that is not valid Unicode (a lone surrogate or NUL)")
        if len(obj) > text_limit:
            raise _bad(name, f"longer than {text_limit} characters")
    elif isinstance(obj, dict):
        if len(obj) > limits.MAX_ITEMS:
            raise _bad(name, f"more than {limits.MAX_ITEMS} entries")
        for k, v in obj.items():
            if not storable(k) or len(k) > limits.OTHER_TEXT:
                raise _bad(name, "a key that is not short valid text")
            plain_walk(v, f"{name}.{k}" if depth < 2 else name, depth + 1, text_limit)
    elif isinstance(obj, list):
        if len(obj) > limits.MAX_ITEMS:
            raise _bad(name, f"more than {limits.MAX_ITEMS} items")
        for v in obj:
            plain_walk(v, name, depth + 1, text_limit)


def outcome(fn: Any, obj: Any, limit: int) -> str | None:
    try:
        fn(obj, text_limit=limit)
    except Invalid as e:
        return str(e)
    return None


TEXT = st.text(st.sampled_from("ab\x00\ud800\udfffé\u0900x"), max_size=9)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=40,
)


@settings(max_examples=600, deadline=None)
@given(VALUES, st.sampled_from([3, 8, limits.REMARK]))
def test_the_same_outcome_as_the_plain_walk(obj, limit):
    assert outcome(check_tree, obj, limit) == outcome(plain_walk, obj, limit)


def _nest(depth: int, leaf: Any) -> Any:
    for i in range(depth):
        leaf = {"k": leaf} if i % 2 else [leaf]
    return leaf


@pytest.mark.parametrize("depth", range(MAX_DEPTH - 1, MAX_DEPTH + 3))
@pytest.mark.parametrize("leaf", ["ok", "\x00", 5, None, [], {}])
def test_the_nesting_bound_at_every_depth_around_it(depth, leaf):
    assert outcome(check_tree, _nest(depth, leaf), 10) == outcome(plain_walk, _nest(depth, leaf), 10)


def test_negative_control_the_comparison_sees_a_changed_message(monkeypatch):
    # a walk that forgot the NUL check is told apart from the plain one
    monkeypatch.setattr(validate, "_storable_fast", lambda s: s.isascii() or validate.encodable(s))
    obj = {"a": "x\x00"}
    assert outcome(check_tree, obj, 10) != outcome(plain_walk, obj, 10)
