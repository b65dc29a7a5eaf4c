"""Strict reading of every record kind's payload before anything of it is stored: types, ranges,
text lengths (kesco_protocol.limits), dates within a plausible window, and no text that cannot be
stored or sent back (a lone surrogate, a NUL) anywhere in it, keys included. A record that fails
is `invalid` on its own; the others in its batch are unaffected.

Each kind has one table of field rules; a field that the table does not name is kept as received
but still has its text checked (docs/PROTOCOL.md: extra keys are kept but not read)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from central_server.ingest.batch import MAX_INT, Invalid
from kesco_protocol import limits
from kesco_protocol.digits import is_ascii_digits

Rule = Callable[[Any, str], None]
_MISSING = object()
# the earliest business date a record may carry, and how far past today one may lie: anything
# outside is a wrong clock or made up (a year 9999 with an offset breaks date arithmetic)
DATE_MIN = date(2020, 1, 1)
FUTURE = timedelta(days=366)
MAX_DEPTH = 6


def _bad(name: str, why: str) -> Invalid:
    return Invalid(f"{name}: {why}")


def encodable(s: str) -> bool:
    """Valid Unicode: no lone surrogate (JSON lets a client send one; UTF-8 cannot hold it)."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def storable(s: str) -> bool:
    """Text that every database column and every JSON answer takes."""
    return "\x00" not in s and encodable(s)


def safe_text(s: str) -> str:
    """`s` with what cannot be stored or sent written as escapes (for answers and alarms)."""
    return s.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\u0000")


def _storable_fast(s: str) -> bool:
    """storable(), without encoding text that is ASCII (no surrogate can be in it)."""
    return "\x00" not in s and (s.isascii() or encodable(s))


_FLAT = (int, float, bool, type(None))


def check_tree(obj: Any, name: str = "payload", depth: int = 0, text_limit: int = limits.REMARK) -> None:
    """Every string and key in `obj` storable and at most `text_limit` long; bounded nesting.
    Text and numbers directly inside an object or list are checked in its loop (a receipt has
    twenty of them: a call each was most of this check's cost); anything else, a subclass
    included, is checked by the call below it."""
    if depth > MAX_DEPTH:
        raise _bad(name, "nested too deep")
    inline = depth < MAX_DEPTH  # a child one level down is still within the nesting bound
    if isinstance(obj, dict):
        if len(obj) > limits.MAX_ITEMS:
            raise _bad(name, f"more than {limits.MAX_ITEMS} entries")
        for k, v in obj.items():
            if not isinstance(k, str) or not _storable_fast(k) or len(k) > limits.OTHER_TEXT:
                raise _bad(name, "a key that is not short valid text")
            if inline and _flat_ok(v, text_limit):
                continue
            check_tree(v, f"{name}.{k}" if depth < 2 else name, depth + 1, text_limit)
    elif isinstance(obj, list):
        if len(obj) > limits.MAX_ITEMS:
            raise _bad(name, f"more than {limits.MAX_ITEMS} items")
        for v in obj:
            if inline and _flat_ok(v, text_limit):
                continue
            check_tree(v, name, depth + 1, text_limit)
    elif isinstance(obj, str):
        if not storable(obj):
            raise _bad(name, "text that is not valid Unicode (a lone surrogate or NUL)")
        if len(obj) > text_limit:
            raise _bad(name, f"longer than {text_limit} characters")


def _flat_ok(v: Any, text_limit: int) -> bool:
    """A number, boolean, null or short storable text (exact types): nothing more to check."""
    t = type(v)
    return t in _FLAT or (t is str and len(v) <= text_limit and _storable_fast(v))


# --- field rules -------------------------------------------------------------------------------

def text(limit: int, *, optional: bool = False) -> Rule:
    def rule(v: Any, name: str) -> None:
        if v is _MISSING or v is None:
            if optional:
                return
            raise _bad(name, "missing or of the wrong type")
        if not isinstance(v, str):
            raise _bad(name, "missing or of the wrong type")
        if len(v) > limit:
            raise Invalid(f"{name} longer than {limit} characters")
    return rule


def ident(limit: int, *, optional: bool = False, digits: bool = False) -> Rule:
    """An identifier on the wire (account, receipt, bill, cheque number, IFSC, counter code, ids):
    text of at most `limit`, ASCII only; `digits`: ASCII 0-9 only. Other scripts' digits pass \\d
    and isdigit(), so a record carrying them is refused here rather than parked or posted."""
    check_text = text(limit, optional=optional)

    def rule(v: Any, name: str) -> None:
        check_text(v, name)
        if isinstance(v, str) and v:
            if digits and not is_ascii_digits(v):
                raise _bad(name, "not ASCII digits 0-9 (digits of another script are refused)")
            if not v.isascii():
                raise _bad(name, "not ASCII (an identifier is ASCII only)")
    return rule


def integer(lo: int = -MAX_INT + 1, hi: int = MAX_INT - 1, *, optional: bool = False) -> Rule:
    def rule(v: Any, name: str) -> None:
        if (v is _MISSING or v is None) and optional:
            return
        if isinstance(v, bool) or not isinstance(v, int):
            raise _bad(name, "missing or of the wrong type")
        if not lo <= v <= hi:
            raise Invalid(f"{name} out of range")
    return rule


def boolean(v: Any, name: str) -> None:
    if not isinstance(v, bool):
        raise _bad(name, "missing or of the wrong type")


def plausible_date(s: str) -> bool:
    try:
        d = date.fromisoformat(s)
    except ValueError:
        return False
    return len(s) == 10 and DATE_MIN <= d <= datetime.now(UTC).date() + FUTURE


def plausible_time(s: str) -> bool:
    """ISO 8601 with a UTC offset, within the window."""
    try:
        t = datetime.fromisoformat(s)
    except ValueError:
        return False
    if t.tzinfo is None or t.utcoffset() is None or abs(t.utcoffset() or timedelta()) > timedelta(hours=14):
        return False
    return DATE_MIN <= t.date() <= datetime.now(UTC).date() + FUTURE


def day(*, optional: bool = False) -> Rule:
    def rule(v: Any, name: str) -> None:
        text(limits.DATE, optional=optional)(v, name)
        if isinstance(v, str) and not plausible_date(v):
            raise _bad(name, f"not a date between {DATE_MIN} and a year from now")
    return rule


def moment(*, optional: bool = False) -> Rule:
    def rule(v: Any, name: str) -> None:
        text(limits.TIMESTAMP, optional=optional)(v, name)
        if isinstance(v, str) and not plausible_time(v):
            raise _bad(name, "not a time with its UTC offset within the plausible window")
    return rule


def items(each: Rule, *, optional: bool = False) -> Rule:
    def rule(v: Any, name: str) -> None:
        if (v is _MISSING or v is None) and optional:
            return
        if not isinstance(v, list) or len(v) > limits.MAX_ITEMS:
            raise _bad(name, "missing or not a list")
        for x in v:
            each(x, name)
    return rule


def mapping(value: Rule, key_limit: int = limits.OTHER_TEXT, *, optional: bool = False) -> Rule:
    def rule(v: Any, name: str) -> None:
        if (v is _MISSING or v is None) and optional:
            return
        if not isinstance(v, dict):
            raise _bad(name, "missing or not an object")
        for k, x in v.items():
            if len(k) > key_limit:
                raise Invalid(f"{name} has a key longer than {key_limit} characters")
            value(x, name)
    return rule


def record(fields: dict[str, Rule], *, optional: bool = False, closed: bool = False) -> Rule:
    """An object checked field by field (for objects inside a payload); `closed`: no other keys."""
    def rule(v: Any, name: str) -> None:
        if (v is _MISSING or v is None) and optional:
            return
        if not isinstance(v, dict):
            raise _bad(name, "missing or not an object")
        if closed and v.keys() - fields.keys():
            raise _bad(name, f"unknown fields {sorted(v.keys() - fields.keys())[:3]!a}")
        check_fields(v, fields, prefix=f"{name}.")
    return rule


def check_fields(payload: dict[str, Any], fields: dict[str, Rule], prefix: str = "") -> None:
    for name, rule in fields.items():
        rule(payload.get(name, _MISSING), prefix + name)


def check(payload: dict[str, Any], fields: dict[str, Rule]) -> None:
    """The whole payload: its text first (so that no message quotes unstorable text), then the
    fields of its kind."""
    check_tree(payload)
    check_fields(payload, fields)
