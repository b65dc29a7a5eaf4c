"""Issue 11 item 6: the sealed USB export must not be forgeable by anyone who can read the
server's database. It was sealed with an HMAC under SHA-256 of the token, which is exactly the
token hash the server stores; now it is signed with the counter's Ed25519 key, whose private half
never leaves the counter, and the server checks it with the public key registered at enrolment."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest
from sqlalchemy import select

from central_server import db as sdb
from central_server.importer import import_file
from central_server.models import counters, receipts
from counter_app.sync.export import write_export
from kesco_protocol.errors import SealError
from kesco_protocol.records import canonical_json
from tests.sync.harness import LiveEnv


def _forge(path: Path, key: bytes, code: str, fmt: str, records: list[dict]) -> None:
    """What someone holding only a copy of the server's database could write: the old format, the
    old HMAC seal, keyed with the stored token hash."""
    body = canonical_json({"format": fmt, "counter_code": code, "created_at": "2026-11-28T10:00:00+05:30",
                           "count": len(records), "receipts": {"count": len(records), "total_paise": 0,
                                                               "first_seq": None, "last_seq": None},
                           "records": records}).encode()
    header = {"format": fmt, "counter_code": code, "alg": "HMAC-SHA256",
              "mac": hmac.new(key, body, hashlib.sha256).hexdigest(), "body_bytes": len(body)}
    path.write_bytes(canonical_json(header).encode() + b"\n" + body)


@pytest.mark.parametrize("fmt", ["kesco-counter-export/1", "kesco-counter-export/2"])
def test_a_receipt_made_up_with_the_stored_token_hash_is_refused(sqlite_env: LiveEnv, tmp_path: Path,
                                                                 fmt: str) -> None:
    env = sqlite_env
    k = env.counter("X11")
    genuine = k.issue(2)
    # the forger edits a genuine receipt's amount and re-seals with what the database holds
    made_up = dict(genuine[1].wire(), amount_paise=99_999_00)
    with sdb.read_tx(env.server_engine) as conn:
        token_hash = conn.execute(select(counters.c.token_hash).where(counters.c.code == "X11")).scalar_one()
    forged = tmp_path / "forged.kesco"
    _forge(forged, bytes.fromhex(token_hash), "X11", fmt,
           [{"kind": "receipt", "record_id": made_up["receipt_id"], "payload": made_up}])
    with pytest.raises(SealError):
        import_file(env.server_engine, forged)
    with sdb.read_tx(env.server_engine) as conn:
        assert conn.execute(select(receipts.c.receipt_id)).all() == []  # nothing stored

    # the negative control: the counter's own export of the same records is accepted
    usb = tmp_path / "genuine.kesco"
    write_export(k.counter, usb, env.tokens.get(k.counter.config.server_url, "X11") or "")
    report = import_file(env.server_engine, usb)
    assert report.statuses == {"accepted": 2}
    with sdb.read_tx(env.server_engine) as conn:
        amounts = sorted(conn.execute(select(receipts.c.amount_paise)).scalars())
    assert amounts == sorted(r.amount_paise for r in genuine)


def test_an_export_signed_by_another_counters_key_is_refused(sqlite_env: LiveEnv, tmp_path: Path) -> None:
    env = sqlite_env
    a, b = env.counter("X12"), env.counter("X13")
    b.issue(1)
    a.service.signer, b.service.signer = b.service.signer, a.service.signer  # X13's file, X12's key
    usb = tmp_path / "x13.kesco"
    write_export(b.counter, usb, "")
    with pytest.raises(SealError):
        import_file(env.server_engine, usb)
