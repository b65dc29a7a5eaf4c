"""The ledger on its own (issue 14): the daily backup of a counter with 5.3 lakh consumers and a
year of receipts, now that the consumer cache is a file of its own that backups leave out.
Baseline in the same run: the same backup of one file holding ledger and consumers together (the
layout before migration 0007). Prints one JSON object. Target: backup_s <= 2 (median of 3).

Sizes: BENCH_CONSUMERS (530,000), BENCH_RECEIPTS (250,000)."""

from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import _build, emit  # noqa: E402

CONSUMERS = int(os.environ.get("BENCH_CONSUMERS", 530_000))
RECEIPTS = int(os.environ.get("BENCH_RECEIPTS", 250_000))
RUNS = 3


def _timed_backups(db_file: Path, dest: Path) -> list[float]:
    from counter_app.ops.backup import make_backup

    out = []
    for _ in range(RUNS):
        t = time.perf_counter()
        info = make_backup(db_file, dest, kind="manual")
        out.append(time.perf_counter() - t)
        Path(info.path).unlink()
        Path(info.path + ".json").unlink()
    return out


def _one_file(data_dir: Path, dest: Path) -> Path:
    """The ledger with the consumers copied back in: what a backup copied before 0007."""
    from counter_app.storage.cache import CACHE_FILENAME
    from counter_app.storage.migrate import backup_copy

    backup_copy(data_dir / "counter.sqlite3", dest)
    con = sqlite3.connect(dest)
    con.execute("ATTACH DATABASE ? AS c", (str(data_dir / CACHE_FILENAME),))
    con.execute("CREATE TABLE consumers AS SELECT * FROM c.consumers")
    con.execute("CREATE INDEX ix_consumers_meter ON consumers (meter_no)")
    con.execute("CREATE INDEX ix_consumers_mobile ON consumers (mobile)")
    con.execute("CREATE VIRTUAL TABLE consumers_fts USING fts5(name, relation_name, address, locality, "
                "content='consumers', tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')")
    con.execute("INSERT INTO consumers_fts(consumers_fts) VALUES ('rebuild')")
    con.commit()
    con.close()
    return dest


def main() -> None:
    from counter_app.storage.cache import CACHE_FILENAME

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        data_dir = Path(tmp) / "counter"
        _build(data_dir, CONSUMERS, RECEIPTS)  # built here, never shared: its schema is this branch's
        ledger = data_dir / "counter.sqlite3"
        split = _timed_backups(ledger, Path(tmp) / "bk")
        baseline_file = _one_file(data_dir, Path(tmp) / "one-file.sqlite3")
        baseline = _timed_backups(baseline_file, Path(tmp) / "bk-one")
        emit({
            "consumers": CONSUMERS,
            "receipts": RECEIPTS,
            "ledger_mb": ledger.stat().st_size / 1e6,
            "cache_mb": (data_dir / CACHE_FILENAME).stat().st_size / 1e6,
            "one_file_mb": baseline_file.stat().st_size / 1e6,
            "backup_s": statistics.median(split),
            "backup_s_runs": [round(x, 3) for x in split],
            "backup_one_file_s": statistics.median(baseline),
            "backup_vs_one_file_ratio": statistics.median(split) / statistics.median(baseline),
        })


if __name__ == "__main__":
    main()
