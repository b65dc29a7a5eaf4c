"""Issue 11 item 8: digits of other scripts (Python's \\d and isdigit() take them all). The counter
turns them into ASCII at every input point (kesco_protocol.digits.to_ascii_digits); the server
refuses any non-ASCII identifier on the wire, the record alone. The class: several scripts × every
identifier, with ASCII as the negative control."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from counter_app.domain.chain import seal
from counter_app.domain.errors import ValidationError
from counter_app.domain.receipt import Instrument, validate_instrument
from counter_app.services.collection import Payment, normalise_account
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.records import Mode
from tests.conftest import CLERK, make_counter
from tests.server.util import API, enrolled, statuses
from tests.support.receipts import ReceiptChain, dishonour_record, void_record, wire

# zero of each script's digit block: Devanagari, fullwidth, Arabic-Indic, extended Arabic-Indic, Bengali
SCRIPTS = {"devanagari": 0x0966, "fullwidth": 0xFF10, "arabic_indic": 0x0660, "persian": 0x06F0,
           "bengali": 0x09E6}


def in_script(s: str, zero: int) -> str:
    return "".join(chr(zero + int(ch)) if ch in "0123456789" else ch for ch in s)


ACC = account_no_for_index(1)
TODAY = date.today()


@pytest.mark.parametrize("script", SCRIPTS)
def test_counter_normalises_every_identifier(script: str, tmp_path: Path) -> None:
    z = SCRIPTS[script]
    assert normalise_account(in_script(ACC, z)) == ACC
    cheque = Instrument(number=in_script("123456", z), date=TODAY.isoformat(), bank="SBI",
                        ifsc=in_script("SBIN0001234", z))
    got = validate_instrument(Mode.CHEQUE, cheque, TODAY)
    assert got is not None and got.number == "123456" and got.ifsc == "SBIN0001234"
    micr = validate_instrument(Mode.DD, replace(cheque, ifsc=in_script("208002003", z)), TODAY)
    assert micr is not None and micr.ifsc == "208002003"
    upi = validate_instrument(Mode.UPI, Instrument(reference=in_script("UPI123456789", z)), TODAY)
    assert upi is not None and upi.reference == "UPI123456789"
    c = make_counter(tmp_path / "c", consumers=20, code=in_script("K07", z))
    try:
        assert c.service.counter_code == "K07"
        c.service.add_user("clerk7", "Seven", "clerk", in_script("4321", z))
        assert c.service.login("clerk7", "4321").username == "clerk7"  # PIN typed on either keyboard
        assert c.service.login("clerk7", in_script("4321", z)).username == "clerk7"
        clerk = c.service.login(*CLERK)
        c.service.open_shift(clerk, 0)
        r = c.service.issue_receipt(clerk, Payment(in_script(ACC, z), 100_00, mode="cheque", instrument=cheque))
        assert r.account_no == ACC and r.instrument == {"number": "123456", "date": TODAY.isoformat(),
                                                        "bank": "SBI", "ifsc": "SBIN0001234"}
        assert json.dumps(r.wire(), ensure_ascii=False).isascii()
    finally:
        c.close()


@pytest.mark.parametrize("script", SCRIPTS)
def test_counter_refuses_what_is_not_a_digit_at_all(script: str) -> None:
    with pytest.raises(ValidationError):
        normalise_account("²" * 10)  # superscripts pass isdigit(), are not decimal digits
    with pytest.raises(ValidationError):
        validate_instrument(Mode.CHEQUE, Instrument(number="¹²³⁴⁵⁶", date=TODAY.isoformat(), bank="SBI",
                                                    ifsc="SBIN0001234"), TODAY)
    with pytest.raises(ValidationError):
        validate_instrument(Mode.CHEQUE, Instrument(number="123456", date=(TODAY - timedelta(days=1)).isoformat(),
                                                    bank="SBI", ifsc="²" * 9), TODAY)


def _sealed(chain: ReceiptChain, **changes: Any) -> dict[str, Any]:
    r = chain.next(mode="cheque")
    inst = {k[5:]: v for k, v in changes.items() if k.startswith("inst_")}
    fields = {k: v for k, v in changes.items() if not k.startswith("inst_")}
    r = replace(r, instrument={**(r.instrument or {}), **inst}, **fields)
    s = seal(r, r.prev_hash)
    chain.head = s.hash
    return wire(s)


SERVER_FIELDS = ["account_no", "receipt_no", "bill_no", "inst_number", "inst_ifsc"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_server_refuses_non_ascii_identifiers_each_record_alone(script: str, client, engine, accounts) -> None:
    z = SCRIPTS[script]
    code = "K3" + str(list(SCRIPTS).index(script))
    h = enrolled(client, engine, code)
    chain = ReceiptChain(code, accounts)
    for field in SERVER_FIELDS:
        good_before = wire(chain.next())
        proto = chain.next(mode="cheque")
        value = {"account_no": proto.account_no, "receipt_no": proto.receipt_no, "bill_no": "B2026110001",
                 "inst_number": "123456", "inst_ifsc": "SBIN0001234"}[field]
        chain.seq -= 1
        chain.head = proto.prev_hash
        bad = _sealed(chain, **{field: in_script(value, z)})
        good_after = wire(chain.next())
        res = client.post(f"{API}/counters/{code}/records", json={"records": [good_before, bad, good_after]},
                          headers=h).json()
        assert statuses(res) == ["accepted", "invalid", "accepted"], (field, res)
        assert "ASCII" in res["results"][1]["detail"]["reason"], (field, res)
    r = chain.next(mode="cheque")
    for rec in (void_record(r), dishonour_record(r)):
        for key in ("receipt_no", "account_no"):
            if key in rec["payload"]:
                rec = json.loads(json.dumps(rec))
                rec["payload"][key] = in_script(rec["payload"][key], z)
                res = client.post(f"{API}/counters/{code}/records", json={"records": [rec]}, headers=h).json()
                assert statuses(res) == ["invalid"], (rec["kind"], key, res)
    # negative control: the same fields in ASCII are taken
    ok = _sealed(chain, bill_no="B2026110001", inst_number="654321", inst_ifsc="HDFC0000001")
    res = client.post(f"{API}/counters/{code}/records", json={"records": [ok]}, headers=h).json()
    assert statuses(res) == ["accepted"], res
