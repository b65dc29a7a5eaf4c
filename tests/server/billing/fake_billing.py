"""A small billing system of our own, for the tests: it reads posting batches (the exported files
or the HTTP feed), checks their control figures, books what it can, rejects the rest (an account
it does not know, a reversal of a posting it never booked) and answers. A batch delivered again
gets the same answers and books nothing twice."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import defaultdict
from pathlib import Path
from typing import Any


class FakeBilling:
    def __init__(self, known_accounts: set[str]) -> None:
        self.known = set(known_accounts)
        self.booked: dict[int, dict[str, Any]] = {}  # posting_id -> posting
        self.answers: dict[int, tuple[str, str | None]] = {}
        self.batches_read: list[int] = []
        self.done_manifests: set[str] = set()

    # --- what billing holds -------------------------------------------------------------------
    @property
    def total_paise(self) -> int:
        return sum(p["amount_paise"] for p in self.booked.values())

    def net_by_receipt(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for p in self.booked.values():
            out[p["receipt_id"]] += p["amount_paise"]
        return dict(out)

    def balance_of(self, account: str) -> int:
        return sum(p["amount_paise"] for p in self.booked.values() if p["account_no"] == account)

    # --- taking a batch -------------------------------------------------------------------------
    def take(self, batch_id: int, postings: list[dict[str, Any]], control_count: int,
             control_total: int) -> list[dict[str, Any]]:
        assert len(postings) == control_count, "control count differs"
        assert sum(int(p["amount_paise"]) for p in postings) == control_total, "control total differs"
        self.batches_read.append(batch_id)
        acks = []
        for p in postings:
            pid = int(p["posting_id"])
            if pid not in self.answers:
                self.answers[pid] = self._decide(p)
            result, reason = self.answers[pid]
            acks.append({"batch_id": batch_id, "posting_id": pid, "result": result, "reason": reason})
        return acks

    def _decide(self, p: dict[str, Any]) -> tuple[str, str | None]:
        if p["account_no"] not in self.known:
            return "rejected", f"unknown account {p['account_no']}"
        rev = p.get("reverses_posting_id")
        if p["kind"] == "reversal" and rev not in (None, "") and int(rev) not in self.booked:
            return "rejected", f"reverses posting {rev}, which is not booked"
        pid = int(p["posting_id"])
        assert pid not in self.booked, f"posting {pid} booked twice"
        self.booked[pid] = {**p, "amount_paise": int(p["amount_paise"]), "posting_id": pid}
        return "posted", None

    # --- the file door -------------------------------------------------------------------------
    def read_dir(self, out: Path, answers: Path) -> list[Path]:
        """Every manifest not read yet: check the CSV's hash, take it, write an ack file."""
        written = []
        for man in sorted(out.glob("postings-*.json")):
            if man.name in self.done_manifests:
                continue
            m = json.loads(man.read_text(encoding="utf-8"))
            data = (out / m["file"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == m["sha256"], "CSV does not match its manifest"
            rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
            for r in rows:
                r["reverses_posting_id"] = int(r["reverses_posting_id"]) if r["reverses_posting_id"] else None
            acks = self.take(int(m["batch_id"]), rows, int(m["control_count"]), int(m["control_total_paise"]))
            path = answers / f"ack-{m['batch_id']:08d}.csv"
            with path.open("w", encoding="utf-8", newline="") as f:
                w = csv.DictWriter(f, fieldnames=["batch_id", "posting_id", "result", "reason"])
                w.writeheader()
                w.writerows(acks)
            self.done_manifests.add(man.name)
            written.append(path)
        return written
