"""The doctor's check of the consumer cache, the second file beside the ledger (storage/cache.py):
how many consumers it holds, whether a full snapshot is in, and whether SQLite's quick_check
passes. A missing or damaged cache is a warning, never a failure: the counter fetches it again and
collects by account number meanwhile. Reads only."""

from __future__ import annotations

import sqlite3

from counter_app.ops.findings import OK, WARN, Context, Finding
from counter_app.storage.cache import cache_path
from counter_app.storage.dbfile import connect_read_only, quick_check

MB = 1024 * 1024


def check_cache(ctx: Context) -> list[Finding]:
    path = cache_path(ctx.data_dir)
    if not path.exists():
        return [Finding("cache", WARN, "doctor.cache_missing", {"path": str(path)}, "doctor.do.cache_fetch")]
    damage = quick_check(path)
    if damage is not None:
        return [Finding("cache", WARN, "doctor.cache_damaged", {"path": str(path), "detail": damage},
                        "doctor.do.cache_fetch")]
    try:
        con = connect_read_only(path)
        try:
            n = int(con.execute("SELECT COUNT(*) FROM consumers").fetchone()[0])
            row = con.execute("SELECT value FROM kv WHERE key='consumers_snapshot'").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        return [Finding("cache", WARN, "doctor.cache_damaged", {"path": str(path), "detail": str(e)},
                        "doctor.do.cache_fetch")]
    params = {"path": str(path), "consumers": n, "size_mb": round(path.stat().st_size / MB, 1)}
    if row is None or row[0] != "complete":
        return [Finding("cache", WARN, "doctor.cache_incomplete", params, "doctor.do.cache_fetch")]
    return [Finding("cache", OK, "doctor.cache_ok", params)]
