"""44 counters push at once to a real uvicorn server and re-send random batches (as after a lost
response): every receipt is stored exactly once, every counter's sequence is contiguous, and the
balances moved by exactly the money received."""

from __future__ import annotations

import random
import threading
import time

import httpx
from sqlalchemy import func, select

from central_server import counters, db
from central_server.models import consumers, receipts
from central_server.models import counters as counters_table
from tests.support.live_server import LiveServer, enroll
from tests.support.receipts import ReceiptChain, wires

COUNTERS = 44
PER_COUNTER = 1000
BATCH = 125
RESENDS = 3


def test_44_counters_push_and_resend_exactly_once(engine, accounts, database_url):
    codes = [f"K{i:02d}" for i in range(1, COUNTERS + 1)]
    with db.write_tx(engine) as conn:
        enrollment = {c: counters.add(conn, c, f"Counter {c}") for c in codes}
        balance_before = conn.execute(select(func.sum(consumers.c.balance_paise))).scalar_one()
    chains = {c: wires(ReceiptChain(c, accounts).take(PER_COUNTER)) for c in codes}
    errors: list[BaseException] = []

    with LiveServer(database_url) as srv:
        tokens = {c: enroll(srv.api, c, enrollment[c]) for c in codes}

        def counter(code: str) -> None:
            rng = random.Random(code)
            batches = [chains[code][i:i + BATCH] for i in range(0, PER_COUNTER, BATCH)]
            plan = list(range(len(batches)))
            for _ in range(RESENDS):  # a re-send of a batch already sent, as after a lost response
                plan.insert(rng.randrange(1, len(plan) + 1), rng.randrange(len(batches)))
            try:
                with httpx.Client(timeout=120, headers={"Authorization": f"Bearer {tokens[code]}"}) as http:
                    sent: set[int] = set()
                    for b in plan:
                        while True:  # as the counter does: a busy answer is retried after Retry-After
                            r = http.post(f"{srv.api}/counters/{code}/records", json={"records": batches[b]})
                            if r.status_code != 503 or "busy" not in r.text:
                                break
                            time.sleep(float(r.headers.get("Retry-After", "1")))
                        r.raise_for_status()
                        got = {x["status"] for x in r.json()["results"]}
                        assert got == ({"duplicate"} if b in sent else {"accepted"}), (code, b, got)
                        sent.add(b)
            except BaseException as e:  # noqa: BLE001 - reported by the main thread
                errors.append(e)

        threads = [threading.Thread(target=counter, args=(c,)) for c in codes]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
    assert not errors, errors[:3]

    with db.read_tx(engine) as conn:
        total = conn.execute(select(func.count(), func.count(func.distinct(receipts.c.receipt_id)))
                             .select_from(receipts)).one()
        assert tuple(total) == (COUNTERS * PER_COUNTER, COUNTERS * PER_COUNTER)
        per = conn.execute(select(receipts.c.counter_code, func.count(), func.min(receipts.c.seq),
                                  func.max(receipts.c.seq)).group_by(receipts.c.counter_code)).all()
        assert sorted(tuple(p) for p in per) == [(c, PER_COUNTER, 1, PER_COUNTER) for c in codes]
        for row in conn.execute(select(counters_table)).mappings():
            assert (row["high_water_seq"], row["chain_broken_at"]) == (PER_COUNTER, None), row["code"]
            assert row["receipt_count"] == PER_COUNTER
            assert counters.gaps(conn, row["code"], row["high_water_seq"], row["max_seq"]) == []
        received = conn.execute(select(func.sum(receipts.c.amount_paise)).where(receipts.c.posted)).scalar_one()
        balance_after = conn.execute(select(func.sum(consumers.c.balance_paise))).scalar_one()
    assert balance_before - balance_after == received
