"""Chain anchors: where the receipt chain is checked against something a clerk with write access to
the database file cannot rewrite. An anchor is (seq, hash prefix): the printed `Chain head` line
of a shift report that the supervisor signed (short form SEQ:first 12 hex), or what the server
last said it holds (its contiguous high-water seq and that receipt's hash, kept in kv
`server_status`). A rewritten receipt at or below an anchor changes every later hash, so the
anchor no longer matches. Also here: the outbox copy of each receipt against the sealed receipt
(an edit of only the outbox payload would be sent, and verify saw nothing).

Plain sqlite3 connections, so that `verify` (inside the store) and `doctor` (read-only, outside
it) run the same checks."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from typing import Any

from kesco_protocol.errors import ValidationError

SHORT_HEX = 12
_ANCHOR = re.compile(r"^([0-9]{1,12})[:/ ]([0-9a-f]{12,64})$", re.ASCII)


def short_form(seq: int, hash_hex: str) -> str:
    """What the shift report prints and a supervisor types back: 'SEQ:first-12-hex'."""
    return f"{seq}:{hash_hex[:SHORT_HEX]}"


def parse_anchor(text: str) -> tuple[int, str]:
    m = _ANCHOR.match(text.strip().lower())
    if not m:
        raise ValidationError("integrity.bad_anchor", anchor=text.strip()[:80])
    return int(m.group(1)), m.group(2)


def server_anchors(con: sqlite3.Connection) -> list[tuple[int, str, str]]:
    """(seq, hash, "server") for what the server last said: its contiguous high-water seq and hash,
    and the chain heads of the shift closes it holds."""
    row = con.execute("SELECT value FROM kv WHERE key = 'server_status'").fetchone()
    if not row or not row[0]:
        return []
    out: list[tuple[int, str, str]] = []
    try:
        st = json.loads(row[0])
        seq, head = int(st.get("high_water_seq") or 0), str(st.get("chain_head_hash") or "")
        if seq > 0 and head:
            out.append((seq, head, "server"))
        for a in st.get("anchors") or []:
            if isinstance(a, dict) and isinstance(a.get("seq"), int) and isinstance(a.get("hash"), str):
                out.append((int(a["seq"]), str(a["hash"]).lower(), "server"))
    except (ValueError, TypeError, AttributeError):
        return out
    return out


def anchor_problems(con: sqlite3.Connection, anchors: Iterable[tuple[int, str, str]]) -> list[dict[str, Any]]:
    """Problems (message key + params) for anchors (seq, hash or prefix, source) that the local
    chain does not match. A receipt missing at an anchor's seq is a problem too (deleted rows)."""
    out: list[dict[str, Any]] = []
    for seq, prefix, source in anchors:
        row = con.execute("SELECT hash FROM receipts WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            # The server holding more than this database is a restore from an older backup, which
            # the sync and the doctor report on their own (restored_behind_seq); a signed anchor
            # beyond the head means receipts were removed.
            if source != "server":
                out.append({"key": "integrity.anchor_missing", "seq": seq, "source": source})
        elif not str(row[0]).startswith(prefix):
            out.append({"key": "integrity.anchor_mismatch", "seq": seq, "source": source,
                        "expected": prefix[:SHORT_HEX], "found": str(row[0])[:SHORT_HEX]})
    return out


def outbox_mismatches(con: sqlite3.Connection) -> list[int]:
    """Receipt seqs whose outbox payload is not the sealed receipt (its canonical text + hashes)."""
    bad: list[int] = []
    # a signed receipt's wire form carries its key id and signature, kept beside it in
    # receipt_signatures (written in the receipt's own transaction)
    cur = con.execute("SELECT r.seq, r.canonical, r.prev_hash, r.hash, o.payload, s.key_id, s.signature "
                      "FROM receipts r JOIN outbox o ON o.record_id = r.receipt_id "
                      "LEFT JOIN receipt_signatures s ON s.receipt_id = r.receipt_id ORDER BY r.seq")
    for seq, canonical, prev_hash, hash_hex, payload, key_id, signature in cur:
        try:
            sealed = json.loads(canonical)
            sealed["prev_hash"], sealed["hash"] = prev_hash, hash_hex
            if key_id is not None or signature is not None:
                sealed["key_id"], sealed["signature"] = key_id, signature
            sent = json.loads(payload)
        except ValueError:
            bad.append(int(seq))
            continue
        if sent != sealed:
            bad.append(int(seq))
    return bad
