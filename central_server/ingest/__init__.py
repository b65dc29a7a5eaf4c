"""Exactly-once ingestion of a counter's records: `ingest_records` (records.py) is the entry point
for the HTTP endpoint and the sealed-file import; batch.py holds the batch state and the one
set-based insert, receipts.py the reading and checks of records, others.py voids, dishonours,
closes and the posting of balances."""

from central_server.ingest.batch import RecordIn, Result
from central_server.ingest.records import ingest_records

__all__ = ["RecordIn", "Result", "ingest_records"]
