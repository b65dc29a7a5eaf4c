"""The consumer's side (issue 15): signing a receipt (alone, and the issue latency with and
without signing, interleaved), and the public /verify page answering a receipt's QR. Prints one
JSON object.

Sizes: BENCH_CONSUMERS (50,000), BENCH_RECEIPTS (50,000) for the counter; BENCH_ISSUES (600);
BENCH_VERIFY_RECEIPTS (5,000) on the server, BENCH_VERIFY_CHECKS (500); for the disconnection check
BENCH_DISC_CONSUMERS (530,000) on a server holding BENCH_DISC_RECEIPTS (370,000, a month's
receipts) and a list of BENCH_DISC_LIST (100,000) accounts. Targets: sign_receipt_ms_p99 <= 1,
issue_signed_ms_p99 <= 5, verify_page_ms_p99 <= 50, disconnections_check_100k_s <= 10.

Where the check's wall time goes is printed beside it: the CPU it used (all threads), and how long
its main thread sat runnable waiting for a core (Linux's /proc/self/task/*/schedstat): on the
shared 2-core machine that wait, not the disk (no major faults, ~2 MB read), was most of the
11.5 s first measured."""

from __future__ import annotations

import os
import random
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import Timer, big_counter_dir, emit, median, pct  # noqa: E402

CONSUMERS = int(os.environ.get("BENCH_CONSUMERS", 50_000))
RECEIPTS = int(os.environ.get("BENCH_RECEIPTS", 50_000))
ISSUES = int(os.environ.get("BENCH_ISSUES", 600))
VERIFY_RECEIPTS = int(os.environ.get("BENCH_VERIFY_RECEIPTS", 5_000))
VERIFY_CHECKS = int(os.environ.get("BENCH_VERIFY_CHECKS", 500))
DISC_CONSUMERS = int(os.environ.get("BENCH_DISC_CONSUMERS", 530_000))
DISC_RECEIPTS = int(os.environ.get("BENCH_DISC_RECEIPTS", 370_000))
DISC_LIST = int(os.environ.get("BENCH_DISC_LIST", 100_000))


def counter_side(tmp: Path) -> dict[str, float]:
    from counter_app.app import open_application
    from counter_app.services.collection import Payment
    from kesco_demo.consumers import account_no_for_index
    from kesco_protocol.signing import Signer, new_private_key, private_to_text, sign_receipt

    signer = Signer.from_text(private_to_text(new_private_key()))
    c = open_application(big_counter_dir(CONSUMERS, RECEIPTS, workdir=tmp))
    svc = c.service
    clerk = svc.login("clerk1", "1111")
    svc.open_shift(clerk, 0)
    rng = random.Random(15)
    signed_ms: list[float] = []
    plain_ms: list[float] = []
    sign_ms: list[float] = []
    last = None
    for block in range(0, ISSUES, 50):  # interleaved: both see the same disk and neighbours
        for with_key, out in ((signer, signed_ms), (None, plain_ms)):
            svc.signer = with_key
            for i in range(block, min(block + 25, ISSUES)):
                with Timer() as tm:
                    last = svc.issue_receipt(clerk, Payment(account_no_for_index(rng.randrange(CONSUMERS)),
                                                            100_00 + i))
                out.append(tm.ms)
    assert last is not None
    for _ in range(2000):
        with Timer() as tm:
            sign_receipt(signer, last)
        sign_ms.append(tm.ms)
    c.close()
    return {"sign_receipt_ms_p50": median(sign_ms), "sign_receipt_ms_p99": pct(sign_ms, 99),
            "issue_signed_ms_p50": median(signed_ms), "issue_signed_ms_p99": pct(signed_ms, 99),
            "issue_unsigned_ms_p50": median(plain_ms), "issue_unsigned_ms_p99": pct(plain_ms, 99)}


def server_side(tmp: Path) -> dict[str, float]:
    from fastapi.testclient import TestClient

    from central_server import counters, db, keys
    from central_server.app import create_app
    from central_server.config import Settings
    from central_server.ingest import RecordIn, ingest_records
    from central_server.throttle import SlidingLimit
    from counter_app.domain.chain import seal
    from kesco_protocol.chain import GENESIS_HASH
    from kesco_protocol.records import Receipt
    from kesco_protocol.signing import (
        Signer,
        compact,
        new_private_key,
        private_to_text,
        public_text,
        sign_receipt,
    )

    settings = Settings(database_url=f"sqlite:///{tmp / 'central.sqlite3'}", migrate_on_start=True)
    app = create_app(settings)
    engine = app.state.engine
    signer = Signer.from_text(private_to_text(new_private_key()))
    from datetime import UTC, datetime

    with db.write_tx(engine) as conn:
        counters.add(conn, "B15", "Bench counter")
        keys.register(conn, "B15", public_text(signer.private), datetime.now(UTC))
    head, codes = GENESIS_HASH, []
    batch: list[Receipt] = []
    for seq in range(1, VERIFY_RECEIPTS + 1):
        r = seal(Receipt(f"00000000-0000-4000-8000-{seq:012d}", "B15", seq, f"B15/2026-27/{seq:07d}",
                         f"{2110000000 + seq}", "Ram Prasad", "LMV1", None, 500_00 + seq, "cash", None, None,
                         "clerk1", "shift-1", "2026-11-29T10:00:00+05:30", "2026-11-29", False, None), head)
        r = replace(r, key_id=signer.key_id, signature=sign_receipt(signer, r))
        head = r.hash
        batch.append(r)
        codes.append(compact(r))
        if len(batch) == 500 or seq == VERIFY_RECEIPTS:
            with db.write_tx(engine) as conn:
                ingest_records(conn, "B15", [RecordIn("receipt", x.receipt_id, x.wire()) for x in batch])
            batch = []
    app.state.verify_limit = SlidingLimit(10**9)  # the benchmark is one address
    rng = random.Random(15)
    ms: list[float] = []
    with TestClient(app) as client:
        for _ in range(VERIFY_CHECKS):
            code = rng.choice(codes)
            with Timer() as tm:
                resp = client.get("/verify", params={"r": code})
            assert resp.status_code == 200 and "Genuine receipt" in resp.text, resp.text[:300]
            ms.append(tm.ms)
    engine.dispose()
    return {"verify_page_ms_p50": median(ms), "verify_page_ms_p99": pct(ms, 99)}


def _runqueue_wait_s() -> float | None:
    """Seconds the main thread has spent runnable but not running (waiting for a core)."""
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/schedstat", encoding="ascii") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return None  # not Linux, or no scheduler statistics


def disconnection_side(tmp: Path) -> dict[str, float | None]:
    """A month's receipts on a city-sized server (stored straight in the table: the check reads
    only what ingest leaves there), then the CLI's check of a 100k-account list, timed whole:
    reading and staging the list, the join, writing the result."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from central_server import cli, db, master, migrate
    from central_server.config import Settings
    from central_server.models import receipts
    from kesco_demo.consumers import account_no_for_index, generate_consumers

    url = f"sqlite:///{tmp / 'disc.sqlite3'}"
    engine = db.make_engine(Settings(database_url=url))
    migrate.upgrade(engine)
    with db.write_tx(engine) as conn:
        master.load_consumers(conn, generate_consumers(DISC_CONSUMERS))
    rng = random.Random(1515)
    now = datetime.now(UTC)
    payload = "x" * 700  # a receipt's canonical JSON is ~700 bytes: the join reads rows of that width
    rows = []
    for i in range(DISC_RECEIPTS):
        rows.append({"receipt_id": f"r{i:09d}", "counter_code": f"K{i % 44:02d}", "seq": i // 44 + 1,
                     "receipt_no": f"K{i % 44:02d}/2026-27/{i // 44 + 1:07d}",
                     "account_no": account_no_for_index(rng.randrange(DISC_CONSUMERS)),
                     "amount_paise": rng.randrange(100_00, 5_000_00), "round_off_paise": 0, "mode": "cash",
                     "business_date": f"2026-11-{rng.randrange(1, 31):02d}", "issued_at": "2026-11-20T10:00:00+05:30",
                     "shift_id": "s", "prev_hash": "0" * 64, "hash": "0" * 64, "hash_ok": True, "payload": payload,
                     "received_at": now, "received_during_closing": False, "collected_during_closing": i % 7 == 0,
                     "parked_reason": "review" if i % 97 == 0 else None, "posted": True,
                     "reversed_by": "v" if i % 53 == 0 else None})
        if len(rows) == 20_000:
            with db.write_tx(engine) as conn:
                conn.execute(insert(receipts), rows)
            rows = []
    if rows:
        with db.write_tx(engine) as conn:
            conn.execute(insert(receipts), rows)
    engine.dispose()
    lst, out = tmp / "list.csv", tmp / "result.csv"
    picked = rng.sample(range(DISC_CONSUMERS), DISC_LIST)
    with lst.open("w", encoding="utf-8") as f:
        f.write("account_no,bill_no,amount_due,bill_date\n")
        for i in picked:
            f.write(f"{account_no_for_index(i)},B{i},{rng.randrange(100, 9000)}.50,2026-11-{rng.randrange(1, 20):02d}\n")
    cpu, waited, load = time.process_time(), _runqueue_wait_s(), os.getloadavg()[0]
    with Timer() as tm:
        assert cli.main(["disconnections", "check", str(lst), "--out", str(out), "--database-url", url]) == 0
    after = _runqueue_wait_s()
    # the CPU time too: on a shared machine the wall time is mostly waiting for a core
    return {"disconnections_check_100k_s": round(tm.ms / 1000, 2),
            "disconnections_check_100k_cpu_s": round(time.process_time() - cpu, 2),
            "disconnections_check_100k_runqueue_s": None if waited is None or after is None else round(after - waited, 2),
            "disconnections_check_100k_load_1m": round(load, 2)}


def main() -> None:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        out = counter_side(Path(tmp))
        server_dir = Path(tmp) / "server"
        server_dir.mkdir()
        out.update(server_side(server_dir))
        disc_dir = Path(tmp) / "disconnections"
        disc_dir.mkdir()
        out.update(disconnection_side(disc_dir))
    # the machine's load beside the figures: on a shared box a p99 says as much about the neighbours
    emit({"consumers": CONSUMERS, "receipts_before": RECEIPTS, "issues": ISSUES,
          "verify_receipts": VERIFY_RECEIPTS, "verify_checks": VERIFY_CHECKS, "disc_consumers": DISC_CONSUMERS,
          "disc_receipts": DISC_RECEIPTS, "disc_list": DISC_LIST, **out,
          "load_1m_before": load_before, "load_1m_after": os.getloadavg()[0], "cpus": os.cpu_count()})


if __name__ == "__main__":
    main()
