"""The sealed export file that carries a counter's unsynced records to the central office on a USB
stick during an outage of days: its format, how it is sealed and how it is checked.

The file: one header line (JSON: format, counter code, key id, Ed25519 signature of the body),
then the body (canonical JSON: the records exactly as they would be pushed). It is signed with the
counter's own signing key (kesco_protocol.signing), whose private half never leaves the counter's
keyring; the server checks it with the public key registered at enrolment, so not even someone
holding a copy of the server's database can make or change a file. (Format 1 was sealed with an
HMAC under the token's hash, which is what the server stores: forgeable from the database, and
refused now.)"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature

from kesco_protocol.errors import SealError
from kesco_protocol.records import RecordKind, canonical_json
from kesco_protocol.signing import Signer, public_from_text, unb64u

FORMAT = "kesco-counter-export/2"
ALG = "Ed25519"
MAX_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ExportFile:
    counter_code: str
    created_at: str
    records: list[dict[str, Any]]
    receipts: int
    receipts_total_paise: int


def write_sealed(path: str | Path, signer: Signer, counter_code: str, created_at: str,
                 records: list[dict[str, Any]]) -> ExportFile:
    """Write `records` (wire form: kind, record_id, payload) to `path`, signed by `signer` (the
    counter's key); atomic (temp file, fsync, rename)."""
    receipts = [r["payload"] for r in records if r["kind"] == RecordKind.RECEIPT]
    total = sum(int(p["amount_paise"]) for p in receipts)
    body_obj = {
        "format": FORMAT, "counter_code": counter_code, "created_at": created_at, "count": len(records),
        "receipts": {"count": len(receipts), "total_paise": total,
                     "first_seq": min((int(p["seq"]) for p in receipts), default=None),
                     "last_seq": max((int(p["seq"]) for p in receipts), default=None)},
        "records": records,
    }
    body = canonical_json(body_obj).encode("utf-8")
    header = {"format": FORMAT, "counter_code": counter_code, "alg": ALG, "key_id": signer.key_id,
              "sig": signer.sign(body), "body_bytes": len(body)}
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(canonical_json(header).encode("utf-8") + b"\n")
        fh.write(body)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return ExportFile(counter_code, created_at, records, len(receipts), total)


def read_export(path: str | Path, keys_for: Callable[[str], Mapping[str, str] | None]) -> ExportFile:
    """Read and check a signed export. `keys_for(counter_code)` gives the counter's public keys by
    key id (None when the counter is unknown or revoked). Raises SealError on anything wrong."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise SealError(detail=f"{size} bytes: larger than any export")
        data = p.read_bytes()
    except OSError as e:
        raise SealError(detail=f"cannot read {p}: {e}") from e
    head, sep, body = data.partition(b"\n")
    try:
        header = json.loads(head)
    except ValueError:
        header = None
    if not sep or not isinstance(header, dict) or header.get("format") != FORMAT:
        raise SealError(detail="not a counter export file")
    code, kid, sig = header.get("counter_code"), header.get("key_id"), header.get("sig")
    if header.get("alg") != ALG or not all(isinstance(v, str) for v in (code, kid, sig)):
        raise SealError(detail="the header lacks the counter code or the seal")
    assert isinstance(code, str) and isinstance(kid, str) and isinstance(sig, str)
    if header.get("body_bytes") != len(body):
        raise SealError(detail="the file was cut off or extended after sealing")
    keys = keys_for(code)
    if keys is None:
        raise SealError(detail=f"counter {code[:16]} is unknown or not enrolled here: no key to check the seal")
    public = keys.get(kid)
    if public is None:
        raise SealError(detail=f"the seal does not match: key {kid[:16]!a} is not one of counter {code[:16]}'s keys")
    try:
        public_from_text(public).verify(unb64u(sig), body)
    except (InvalidSignature, ValueError, TypeError):
        raise SealError(detail="the seal does not match: the file was changed, or made with another key") from None
    try:
        obj = json.loads(body)
    except ValueError as e:  # pragma: no cover - a sealed body is our own canonical JSON
        raise SealError(detail="the sealed body is not JSON") from e
    if obj.get("counter_code") != code or obj.get("format") != FORMAT or not isinstance(obj.get("records"), list):
        raise SealError(detail="the sealed body does not match its header")
    rec = obj.get("receipts") or {}
    return ExportFile(code, str(obj.get("created_at")), obj["records"], int(rec.get("count") or 0),
                      int(rec.get("total_paise") or 0))
