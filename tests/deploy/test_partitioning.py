"""Receipts partitioned by month (PostgreSQL declarative partitioning), converted from today's
schema with every row kept; afterwards ingest is still exactly once (duplicates and conflicts
found across partitions), the HQ numbers are unchanged, and a day's query reads one partition."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from central_server import cli, db, master, partitioning, reports
from central_server.app import create_app
from central_server.config import Settings
from central_server.models import receipts
from kesco_demo.consumers import generate_consumers
from tests.server.util import enrolled, post
from tests.support.pg import PostgresServer
from tests.support.receipts import ReceiptChain, void_record, wire

OCT, NOV = date(2026, 10, 30), date(2026, 11, 27)


def _snapshot(conn: Any) -> dict[str, Any]:
    return {
        "count": conn.execute(select(func.count()).select_from(receipts)).scalar_one(),
        "sum": conn.execute(select(func.sum(receipts.c.amount_paise))).scalar_one(),
        "ids": sorted(conn.execute(select(receipts.c.receipt_id)).scalars()),
        "oct": reports.reconcile(conn, OCT.isoformat()),
        "nov": reports.reconcile(conn, NOV.isoformat()),
    }


def test_partition_receipts_keeps_data_and_exactly_once(pg_server: PostgresServer, capsys: Any) -> None:
    url = pg_server.create_database("partitioned")
    app = create_app(Settings(database_url=url))
    engine = app.state.engine
    with db.write_tx(engine) as conn:
        master.load_consumers(conn, generate_consumers(300))
    accounts = [r[0] for r in generate_consumers(300) if r[8] == "active"]
    with TestClient(app) as c:
        h = enrolled(c, engine, "K01")
        chain = ReceiptChain("K01", accounts)
        october = [chain.next(business_date=OCT) for _ in range(30)]
        november = [chain.next(business_date=NOV) for _ in range(40)]
        parked = chain.next(business_date=NOV, account_no="9999999999")
        post(c, "K01", h, [wire(r) for r in [*october, *november, parked]])
        post(c, "K01", h, [void_record(november[3])])
        with db.read_tx(engine) as conn:
            before = _snapshot(conn)

        assert cli.main(["partition", "--database-url", url]) == 0
        assert "71 receipts kept" in capsys.readouterr().out
        with db.read_tx(engine) as conn:
            assert partitioning.is_partitioned(conn)
            assert _snapshot(conn) == before
            where = dict(conn.execute(text("SELECT business_date, tableoid::regclass::text FROM receipts "
                                           "GROUP BY 1, 2")).all())
            assert where == {OCT.isoformat(): "receipts_2026_10", NOV.isoformat(): "receipts_2026_11"}
            assert conn.execute(text("SELECT count(*) FROM receipt_keys")).scalar_one() == 71
            plan = "\n".join(conn.execute(text(
                "EXPLAIN SELECT sum(amount_paise) FROM receipts WHERE counter_code = 'K01' "
                "AND business_date = '2026-11-27'")).scalars())
        assert "receipts_2026_11" in plan and "receipts_2026_10" not in plan, plan

        # ingest after: new ones accepted, a re-send is a duplicate, and a forged copy under
        # another month (another partition) is a conflict, not a second receipt
        more = [chain.next(business_date=NOV) for _ in range(5)]
        assert {r["status"] for r in post(c, "K01", h, [wire(r) for r in more])["results"]} == {"accepted"}
        assert {r["status"] for r in post(c, "K01", h, [wire(r) for r in october[:5]])["results"]} == {"duplicate"}
        forged = wire(october[0])
        forged["payload"] = {**forged["payload"], "business_date": NOV.isoformat()}
        assert post(c, "K01", h, [forged])["results"][0]["status"] == "conflict"
        other = wire(ReceiptChain("K01", accounts, seed=99, business_date=date(2026, 12, 1)).next())
        assert post(c, "K01", h, [other])["results"][0]["status"] == "conflict"  # seq 1 again, other id
        with db.read_tx(engine) as conn:
            assert conn.execute(select(func.count()).select_from(receipts)).scalar_one() == 76
            assert conn.execute(select(func.count()).select_from(receipts)
                                .where(receipts.c.receipt_id == october[0].receipt_id)).scalar_one() == 1
        # negative control: without the key guard the partitions alone would store it twice
        with db.write_tx(engine) as conn:
            conn.execute(text("DROP TRIGGER receipts_claim_keys ON receipts"))
        again = wire(october[1])
        again["payload"] = {**again["payload"], "business_date": NOV.isoformat()}
        assert post(c, "K01", h, [again])["results"][0]["status"] != "conflict"
        with db.read_tx(engine) as conn:
            assert conn.execute(select(func.count()).select_from(receipts)
                                .where(receipts.c.receipt_id == october[1].receipt_id)).scalar_one() == 2

    # run again: nothing to convert, only months ahead
    assert cli.main(["partition", "--database-url", url, "--months-ahead", "6"]) == 0
    assert "partitioned already" in capsys.readouterr().out
    engine.dispose()


def test_partition_refused_on_sqlite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    assert cli.main(["partition", "--database-url", url]) == 1
    assert "PostgreSQL" in capsys.readouterr().err
