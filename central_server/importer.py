"""`central-server import FILE`: a counter's sealed export (written by `counter-app export-pending`
during an outage of days, carried on a USB stick) checked and ingested under the same
exactly-once rules as the records endpoint: the same ingest_records, in the same batches.

The seal is the counter's Ed25519 signature, checked with the public keys it registered at its
enrolments (central_server.keys): the server holds nothing that could make one. A revoked counter,
or one waiting for its re-enrolment, has no token, and its files are refused until an operator
looks at them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from central_server import db, keys
from central_server.config import Settings
from central_server.ingest import RecordIn, ingest_records
from central_server.models import counters
from kesco_protocol.export import ExportFile, read_export


@dataclass
class ImportReport:
    counter_code: str
    created_at: str
    records: int
    statuses: dict[str, int] = field(default_factory=dict)
    results: list[dict[str, Any]] = field(default_factory=list)


def _key_lookup(engine: Engine) -> Any:
    def keys_for(code: str) -> dict[str, str] | None:
        with db.read_tx(engine) as conn:
            h = conn.execute(select(counters.c.token_hash).where(counters.c.code == code)).scalar_one_or_none()
            if not h:
                return None
            return {k.key_id: k.public_key for k in keys.of_counter(conn, code)}

    return keys_for


def verify_file(engine: Engine, path: str | Path) -> ExportFile:
    """Check the seal against the counter's registered public keys; raises SealError."""
    return read_export(path, _key_lookup(engine))


def import_file(engine: Engine, path: str | Path, settings: Settings | None = None) -> ImportReport:
    """Verify, then ingest the file's records in batches (one transaction each, retried on a
    deadlock like the endpoint). Importing the same file twice stores nothing new."""
    settings = settings or Settings()
    exp = verify_file(engine, path)
    report = ImportReport(exp.counter_code, exp.created_at, len(exp.records))
    tally: Counter[str] = Counter()
    step = max(1, min(settings.max_batch, 500))
    for i in range(0, len(exp.records), step):
        items = [RecordIn(str(r.get("kind")), str(r.get("record_id")), r.get("payload"))
                 for r in exp.records[i:i + step]]

        def work(conn: Any, items: list[RecordIn] = items) -> list[dict[str, Any]]:
            return [r.to_dict() for r in ingest_records(conn, exp.counter_code, items,
                                                        sanity_limit_paise=settings.sanity_limit_paise)]

        results = db.with_retry(engine, work)
        tally.update(r["status"] for r in results)
        report.results.extend(results)
    report.statuses = dict(tally)
    return report
