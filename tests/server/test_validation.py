"""What the server reads is checked before it is stored or answered (issue 11, items 2 and 5):
a lone surrogate anywhere in a body never gives a 500 (every endpoint that takes a body, every
string position of every record kind: the bad record alone is `invalid`, the others are taken),
and every text field of every record kind has a length limit (kesco_protocol.limits), with the
limit itself still taken as the negative control."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from central_server import db
from central_server.models import alarms
from counter_app.domain.chain import seal
from kesco_protocol import limits
from kesco_protocol.records import DayClose, ShiftClose
from tests.server.util import API, enrolled, statuses
from tests.support.receipts import ReceiptChain, dishonour_record, void_record, wire

BAD = "\ud800"  # a lone surrogate: json.dumps writes it as the escape \ud800


def _shift_close(code: str) -> dict[str, Any]:
    sc = ShiftClose(
        shift_close_id="sc-1", counter_code=code, shift_id="s-1", business_date="2026-11-27", clerk="clerk1",
        opening_float_paise=1000_00, counts={"N500": 1}, counted_cash_paise=1500_00, blind_count_paise=1500_00,
        expected_cash_paise=1500_00, variance_paise=0, cash_receipts=1, cash_collected_paise=500_00,
        voided_cash_paise=0, instruments=[{"receipt_id": "r-1", "receipt_no": "K/1", "mode": "cheque",
                                           "number": "123456", "bank": "SBI", "date": "2026-11-27",
                                           "amount_paise": 100}],
        instruments_missing=["K/2"], other_modes={"upi": 100}, remark="ok", approved_by="super1",
        closed_by="clerk1", closed_at="2026-11-27T18:00:00+05:30")
    return {"kind": "shift_close", "record_id": sc.shift_close_id, "payload": sc.body()}


def _day_close(code: str) -> dict[str, Any]:
    dc = DayClose(day_close_id="dc-1", counter_code=code, business_date="2026-11-27", receipt_count=0,
                  total_paise=0, void_count=0, void_total_paise=0, net_total_paise=0, by_mode={"cash": 0},
                  by_category={"DOM": 0}, shift_ids=["s-1"], variance_total_paise=0, receipt_ids=["r-1"],
                  closed_by="super1", closed_at="2026-11-27T20:00:00+05:30")
    return {"kind": "day_close", "record_id": dc.day_close_id, "payload": dc.body()}


def _one_of_each(code: str, accounts: list[str]) -> dict[str, dict[str, Any]]:
    r = ReceiptChain(code, accounts, seed=7).next(mode="cheque")
    return {"receipt": wire(r), "void": void_record(r), "dishonour": dishonour_record(r),
            "shift_close": _shift_close(code), "day_close": _day_close(code)}


def _string_positions(obj: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in `obj` that holds a string: values, and ("key", path) for object keys."""
    out: list[tuple[Any, ...]] = []
    if isinstance(obj, str):
        out.append(path)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            out.append(("key", *path, k))
            out.extend(_string_positions(v, (*path, k)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out.extend(_string_positions(v, (*path, i)))
    return out


def _with_bad(obj: Any, position: tuple[Any, ...]) -> Any:
    obj = json.loads(json.dumps(obj))
    if position[0] == "key":
        *where, key = position[1:]
        parent = obj
        for p in where:
            parent = parent[p]
        parent[key + BAD] = parent.pop(key)
        return obj
    *where, last = position
    parent = obj
    for p in where:
        parent = parent[p]
    parent[last] = parent[last] + BAD
    return obj


def _post_text(client: TestClient, code: str, headers: dict[str, str], records: list[Any]) -> Any:
    text = json.dumps({"records": records})  # ensure_ascii: the surrogate travels as \ud800
    return client.post(f"{API}/counters/{code}/records", content=text.encode("ascii"),
                       headers={**headers, "Content-Type": "application/json"})


@pytest.fixture
def lenient(app):
    """A client that shows a 500 as a response instead of raising it."""
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_lone_surrogate_in_every_record_position_fails_that_record_alone(lenient, engine, accounts):
    h = enrolled(lenient, engine, "K21")
    good = ReceiptChain("K21", accounts)
    samples = _one_of_each("K21", accounts)
    tried = 0
    for kind, record in samples.items():
        for position in _string_positions(record):
            if position[0] == "key" and len(position) == 2:
                continue  # a key of the envelope itself ("kind", "payload"): below
            before, after = good.next(), good.next()
            r = _post_text(lenient, "K21", h, [wire(before), _with_bad(record, position), wire(after)])
            assert r.status_code == 200, (kind, position, r.status_code, r.text[:300])
            r.content.decode("utf-8")  # the answer itself is valid UTF-8
            assert statuses(r.json()) == ["accepted", "invalid", "accepted"], (kind, position)
            tried += 1
    assert tried > 60  # every kind's every string position (keys included)
    with db.read_tx(engine) as conn:
        assert len(conn.execute(alarms.select().where(alarms.c.kind == "invalid")).all()) == tried
    # a record without its "kind" or "payload" (the key spelt with a surrogate) is a malformed
    # envelope, refused whole as before (422); an unknown extra key of the envelope is ignored
    for key in ("kind", "record_id", "payload"):
        r = _post_text(lenient, "K21", h, [_with_bad(samples["void"], ("key", key))])
        assert r.status_code == 422, (key, r.status_code, r.text[:200])
        r.content.decode("utf-8")
    r = _post_text(lenient, "K21", h, [{**samples["shift_close"], "extra" + BAD: BAD}])
    assert r.status_code == 200 and statuses(r.json()) == ["accepted"], r.text[:300]


def test_lone_surrogate_in_every_body_endpoint_is_a_clear_refusal(lenient, engine, app):
    schema = app.openapi()["components"]["schemas"]
    fields = [k for k, v in schema["EnrollIn"]["properties"].items() if v.get("type") == "string"]
    assert fields == ["counter_code", "enrollment_code"]
    good = {"counter_code": "K22", "enrollment_code": "ABCD-EFGH-JKLM-NPQR"}
    for body in [{**good, f: good[f] + BAD} for f in fields] + [{**good, "extra" + BAD: 1}]:
        r = lenient.post(f"{API}/enroll", content=json.dumps(body).encode("ascii"),
                         headers={"Content-Type": "application/json"})
        assert r.status_code in (401, 422), (body, r.status_code, r.text[:200])
        r.content.decode("utf-8")
    # the envelope of the records endpoint, and the HQ forms (a surrogate as CESU-8 bytes: the
    # only way to put one in a form)
    h = enrolled(lenient, engine, "K23")
    r = lenient.post(f"{API}/counters/K23/records", content=b'{"records": [], "x\\ud800": "\\ud800"}',
                     headers={**h, "Content-Type": "application/json"})
    assert r.status_code in (200, 422), r.text[:200]
    for path in ("/hq/login", "/hq/logout"):
        r = lenient.post(path, content=b"name=%ED%A0%80&password=%ED%A0%80&csrf=%ED%A0%80",
                         headers={"Content-Type": "application/x-www-form-urlencoded"}, follow_redirects=False)
        assert r.status_code < 500, (path, r.status_code)


# --- length limits ----------------------------------------------------------------------------------

def _receipt_with(chain: ReceiptChain, field: str, value: str) -> dict[str, Any]:
    """A receipt sealed with `field` set to `value` (so that only the length is wrong)."""
    r = chain.next(mode="cheque")
    if field in limits.INSTRUMENT:
        r = replace(r, instrument={**(r.instrument or {}), field: value})
    elif field not in ("prev_hash", "hash", "kind"):
        r = replace(r, **{field: value})
    sealed = seal(r, r.prev_hash)
    chain.head = sealed.hash
    w = wire(sealed)
    if field in ("prev_hash", "hash", "kind"):
        w["payload"][field] = value
    if field == "receipt_id":
        w["record_id"] = value
    return w


def test_every_receipt_and_instrument_text_field_has_a_limit(client, engine, accounts):
    h = enrolled(client, engine, "K24")
    chain = ReceiptChain("K24", accounts)
    body = chain.next(mode="cheque").wire()
    text_fields = {k for k, v in body.items() if isinstance(v, str) or k in ("bill_no", "balance_as_of")}
    assert text_fields <= set(limits.RECEIPT), text_fields - set(limits.RECEIPT)
    for field, limit in [*limits.RECEIPT.items(), *limits.INSTRUMENT.items()]:
        if field in ("counter_code", "kind"):
            continue  # must be the counter's own code / "receipt": refused for that already
        long = _receipt_with(chain, field, "9" * (limit + 1))
        res = client.post(f"{API}/counters/K24/records", json={"records": [long]}, headers=h).json()
        assert statuses(res) == ["invalid"], (field, res)
        assert "longer than" in res["results"][0]["detail"]["reason"], (field, res)
    # a 10 MB consumer name: refused alone, and nothing of its size is kept
    huge = _receipt_with(chain, "consumer_name", "N" * 10_000_000)
    r = client.post(f"{API}/counters/K24/records", json={"records": [huge]}, headers=h)
    assert r.status_code in (200, 413)
    if r.status_code == 200:
        assert statuses(r.json()) == ["invalid"]
    with db.read_tx(engine) as conn:
        stored = max((len(a.payload or "") for a in conn.execute(alarms.select())), default=0)
    assert stored <= 100_000


def test_a_field_at_its_limit_is_taken(client, engine, accounts):
    """Negative control: the limit itself is within the rule."""
    h = enrolled(client, engine, "K25")
    chain = ReceiptChain("K25", accounts)
    res = client.post(f"{API}/counters/K25/records", headers=h, json={"records": [
        _receipt_with(chain, "consumer_name", "N" * limits.RECEIPT["consumer_name"]),
        _receipt_with(chain, "bank", "B" * limits.INSTRUMENT["bank"]),
    ]}).json()
    assert statuses(res) == ["accepted", "accepted"], res


@pytest.mark.parametrize("kind", ["void", "dishonour", "shift_close", "day_close"])
def test_every_text_field_of_the_other_kinds_has_a_limit(client, engine, accounts, kind):
    h = enrolled(client, engine, "K26")
    table = {"void": limits.VOID, "dishonour": limits.DISHONOUR, "shift_close": limits.SHIFT_CLOSE,
             "day_close": limits.DAY_CLOSE}[kind]
    record = _one_of_each("K26", accounts)[kind]
    strings = {k for k, v in record["payload"].items() if isinstance(v, str)}
    assert strings <= set(table), strings - set(table)
    for field, limit in table.items():
        if field in ("counter_code", "kind") or field not in record["payload"]:
            continue
        payload = {**record["payload"], field: "9" * (limit + 1)}
        rid = payload[field] if field.endswith("_id") and field not in ("receipt_id", "shift_id") else record["record_id"]
        res = client.post(f"{API}/counters/K26/records", headers=h,
                          json={"records": [{"kind": kind, "record_id": rid[:64], "payload": payload}]}).json()
        assert statuses(res) == ["invalid"], (kind, field, res)


def test_a_receipt_dated_outside_the_plausible_window_is_parked_not_refused(client, engine, accounts):
    """Money collected is never refused: an implausible date parks the receipt for review."""
    h = enrolled(client, engine, "K27")
    chain = ReceiptChain("K27", accounts)
    ok = chain.next()
    early = chain.next()
    early = seal(replace(early, business_date="2019-12-31"), early.prev_hash)
    chain.head = early.hash
    future = chain.next()
    future = seal(replace(future, issued_at="9999-12-31T23:59:00-12:00"), future.prev_hash)
    res = client.post(f"{API}/counters/K27/records", headers=h,
                      json={"records": [wire(ok), wire(early), wire(future)]}).json()
    assert statuses(res) == ["accepted", "parked", "parked"], res
    assert res["results"][1]["detail"]["reason"].startswith("business_date:")
    assert res["results"][2]["detail"]["reason"].startswith("issued_at:")
