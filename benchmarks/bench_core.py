"""Counter core: receipt issue latency (service vs the same statements in bare sqlite3), the same
with the ledger mirror on (vs bare sqlite3 plus a plain fsynced append to a second file), lookups,
search, and demo-data generation. Prints one JSON object.

Sizes: BENCH_CONSUMERS (530,000), BENCH_RECEIPTS (500,000), BENCH_ISSUES (1,000)."""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import Timer, big_counter_dir, emit, median, pct  # noqa: E402

CONSUMERS = int(os.environ.get("BENCH_CONSUMERS", 530_000))
RECEIPTS = int(os.environ.get("BENCH_RECEIPTS", 500_000))
ISSUES = int(os.environ.get("BENCH_ISSUES", 1000))


def bare_issue(con: sqlite3.Connection, i: int, shift_id: str) -> None:
    """The statements of one receipt, by hand: read the chain head, insert receipt, outbox, audit."""
    from counter_app.domain.receipt import new_id

    con.execute("BEGIN IMMEDIATE")
    seq, head = con.execute("SELECT seq, hash FROM receipts ORDER BY seq DESC LIMIT 1").fetchone()
    rid = new_id()
    seq += 1
    canon = f'{{"amount_paise":{100_00 + i},"receipt_id":"{rid}","seq":{seq}}}'
    con.execute(
        "INSERT INTO receipts (seq, receipt_id, receipt_no, counter_code, account_no, amount_paise, mode, clerk, "
        "shift_id, business_date, issued_at, canonical, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (seq, rid, f"K07/B/{seq}", "K07", "2110000002", 100_00 + i, "cash", "clerk1", shift_id, "2026-11-29",
         "2026-11-29T10:00:00+05:30", canon, head, head),
    )
    con.execute("INSERT INTO outbox (record_id, kind, payload, created_at) VALUES (?,?,?,?)",
                (rid, "receipt", canon, "2026-11-29T10:00:00+05:30"))
    con.execute("INSERT INTO audit (at, actor, action, subject, detail) VALUES (?,?,?,?,?)",
                ("2026-11-29T10:00:00+05:30", "clerk1", "receipt", rid, None))
    con.execute("COMMIT")


def bare_append(fd: int, i: int) -> None:
    """The mirror's bare equivalent: one line of about a receipt's size appended and fsynced."""
    os.write(fd, (f'{{"n":{i},"payload":"' + "x" * 900 + '"}\n').encode())
    os.fsync(fd)


def mirrored(data_dir: Path, mirror_dir: Path, shift_id: str, accounts: list[str]) -> dict[str, float]:
    """Receipts with mirror_dir set, interleaved with bare sqlite3 + a bare fsynced append (the
    baseline that also writes two files), in blocks so both see the same disk."""
    from counter_app.app import open_application
    from counter_app.config import Config
    from counter_app.services.collection import Payment

    cfg = Config.load(data_dir)
    cfg.mirror_dir = str(mirror_dir)
    cfg.save(data_dir)
    mirror_dir.mkdir(exist_ok=True)
    t = time.perf_counter()
    c = open_application(data_dir)  # the first start copies the ledger to the mirror (the most in the background)
    if c.mirror is not None and c.mirror._thread is not None:
        c.mirror._thread.join()  # measured apart: issuing is timed with the mirror caught up
    initial_copy_s = time.perf_counter() - t
    assert c.mirror is not None and c.mirror_status().ok, c.mirror_status()
    svc = c.service
    clerk = svc.login("clerk1", "1111")
    bare = sqlite3.connect(data_dir / "counter.sqlite3", isolation_level=None, check_same_thread=False)
    for pragma in ("busy_timeout=5000", "journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        bare.execute(f"PRAGMA {pragma}")
    fd = os.open(mirror_dir / "bare.journal", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    issue_ms: list[float] = []
    bare_ms: list[float] = []
    try:
        for block in range(0, len(accounts), 50):
            for i in range(block, min(block + 50, len(accounts))):
                with Timer() as tm:
                    svc.issue_receipt(clerk, Payment(accounts[i], 100_00 + i))
                issue_ms.append(tm.ms)
            for i in range(block, min(block + 50, len(accounts))):
                with Timer() as tm:
                    bare_issue(bare, i, shift_id)
                    bare_append(fd, i)
                bare_ms.append(tm.ms)
        assert c.mirror_status().ok and c.mirror_status().behind == 0
    finally:
        os.close(fd)
        bare.close()
        c.close()
    return {
        "issue_ms_p50_mirror": median(issue_ms),
        "issue_ms_p99_mirror": pct(issue_ms, 99),
        "bare_two_files_ms_p50": median(bare_ms),
        "bare_two_files_ms_p99": pct(bare_ms, 99),
        "issue_vs_bare_ratio_mirror": median(issue_ms) / median(bare_ms),
        "mirror_initial_copy_s": initial_copy_s,
    }


def main() -> None:
    from counter_app.app import open_application
    from counter_app.services.collection import Payment
    from kesco_demo.consumers import account_no_for_index, generate_consumers

    t = time.perf_counter()
    for _ in generate_consumers(CONSUMERS):
        pass
    demo_generate_s = time.perf_counter() - t

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        t = time.perf_counter()
        data_dir = big_counter_dir(CONSUMERS, RECEIPTS, workdir=Path(tmp))
        prepare_s = time.perf_counter() - t
        c = open_application(data_dir)
        svc = c.service
        clerk = svc.login("clerk1", "1111")
        shift = svc.open_shift(clerk, 0)

        bare = sqlite3.connect(data_dir / "counter.sqlite3", isolation_level=None, check_same_thread=False)
        for pragma in ("busy_timeout=5000", "journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            bare.execute(f"PRAGMA {pragma}")

        rng = random.Random(1)
        accounts = [account_no_for_index(rng.randrange(CONSUMERS)) for _ in range(ISSUES)]
        issue_ms: list[float] = []
        bare_ms: list[float] = []
        # Interleave blocks so that both see the same disk and the same neighbours' noise.
        for block in range(0, ISSUES, 50):
            for i in range(block, min(block + 50, ISSUES)):
                with Timer() as tm:
                    svc.issue_receipt(clerk, Payment(accounts[i], 100_00 + i))
                issue_ms.append(tm.ms)
            for i in range(block, min(block + 50, ISSUES)):
                with Timer() as tm:
                    bare_issue(bare, i, shift.shift_id)
                bare_ms.append(tm.ms)
        bare.close()

        lookup_ms: list[float] = []
        for _ in range(2000):
            acc = account_no_for_index(rng.randrange(CONSUMERS))
            with Timer() as tm:
                svc.lookup(acc)
            lookup_ms.append(tm.ms)

        names = []
        for _ in range(300):
            cons = svc.lookup(account_no_for_index(rng.randrange(CONSUMERS))).consumer
            parts = cons.name.split()
            names.append(parts[0][:3] if rng.random() < 0.5 else f"{parts[0][:4]} {parts[-1][:3]}")
        search_ms: list[float] = []
        for q in names:
            with Timer() as tm:
                svc.search(q, limit=20)
            search_ms.append(tm.ms)
        c.close()
        # BENCH_MIRROR_DIR: a folder on a second disk, as a counter would have; default the same disk
        mirror_dir = Path(os.environ.get("BENCH_MIRROR_DIR") or Path(tmp) / "mirror")
        with_mirror = mirrored(data_dir, mirror_dir, shift.shift_id,
                               [account_no_for_index(rng.randrange(CONSUMERS)) for _ in range(ISSUES)])

    p50, bp50 = median(issue_ms), median(bare_ms)
    emit({
        "consumers": CONSUMERS,
        "receipts_before": RECEIPTS,
        "issues": ISSUES,
        "issue_ms_p50": p50,
        "issue_ms_p99": pct(issue_ms, 99),
        "bare_issue_ms_p50": bp50,
        "bare_issue_ms_p99": pct(bare_ms, 99),
        "issue_vs_bare_ratio": p50 / bp50,
        **with_mirror,
        "lookup_account_ms_p50": median(lookup_ms),
        "lookup_account_ms_p99": pct(lookup_ms, 99),
        "search_name_ms_p50": median(search_ms),
        "search_name_ms_p99": pct(search_ms, 99),
        "demo_generate_s": demo_generate_s,
        "prepare_db_s": prepare_s,
    })


if __name__ == "__main__":
    main()
