"""The sealed export file that carries a counter's unsynced records to the central office on a USB
stick during an outage of days: its format, how it is sealed and how it is checked.

The file: one header line (JSON: format, counter code, HMAC-SHA256 of the body), then the body
(canonical JSON: the records exactly as they would be pushed). The HMAC key is SHA-256 of the
counter's token, which the server holds (it stores only that hash), so the server can check the
seal, and nobody without the token (or the server's database) can make or change a file."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kesco_protocol.errors import SealError
from kesco_protocol.records import RecordKind, canonical_json

FORMAT = "kesco-counter-export/1"
ALG = "HMAC-SHA256"
MAX_BYTES = 512 * 1024 * 1024


def seal_key(token: str) -> bytes:
    """The counter's sealing key: SHA-256 of its token (the server's stored token hash)."""
    return hashlib.sha256(token.encode("utf-8")).digest()


@dataclass(frozen=True, slots=True)
class ExportFile:
    counter_code: str
    created_at: str
    records: list[dict[str, Any]]
    receipts: int
    receipts_total_paise: int


def write_sealed(path: str | Path, key: bytes, counter_code: str, created_at: str,
                 records: list[dict[str, Any]]) -> ExportFile:
    """Write `records` (wire form: kind, record_id, payload) to `path`, sealed with `key`; atomic
    (temp file, fsync, rename)."""
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
    mac = hmac.new(key, body, hashlib.sha256).hexdigest()
    header = {"format": FORMAT, "counter_code": counter_code, "alg": ALG, "mac": mac, "body_bytes": len(body)}
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(canonical_json(header).encode("utf-8") + b"\n")
        fh.write(body)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return ExportFile(counter_code, created_at, records, len(receipts), total)


def read_export(path: str | Path, key_for: Callable[[str], bytes | None]) -> ExportFile:
    """Read and check a sealed export. `key_for(counter_code)` gives the counter's key (None when
    the counter is unknown or revoked). Raises SealError on anything wrong."""
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
    code = header.get("counter_code")
    mac = header.get("mac")
    if header.get("alg") != ALG or not isinstance(code, str) or not isinstance(mac, str):
        raise SealError(detail="the header lacks the counter code or the seal")
    if header.get("body_bytes") != len(body):
        raise SealError(detail="the file was cut off or extended after sealing")
    key = key_for(code)
    if key is None:
        raise SealError(detail=f"counter {code[:16]} is unknown or not enrolled here: no key to check the seal")
    if not hmac.compare_digest(hmac.new(key, body, hashlib.sha256).hexdigest(), mac):
        raise SealError(detail="the seal does not match: the file was changed, or made with another key")
    try:
        obj = json.loads(body)
    except ValueError as e:  # pragma: no cover - a sealed body is our own canonical JSON
        raise SealError(detail="the sealed body is not JSON") from e
    if obj.get("counter_code") != code or obj.get("format") != FORMAT or not isinstance(obj.get("records"), list):
        raise SealError(detail="the sealed body does not match its header")
    rec = obj.get("receipts") or {}
    return ExportFile(code, str(obj.get("created_at")), obj["records"], int(rec.get("count") or 0),
                      int(rec.get("total_paise") or 0))
