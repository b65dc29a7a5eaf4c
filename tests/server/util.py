"""Helpers shared by the server tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from central_server import counters, db
from central_server.models import receipts
from kesco_demo.consumers import generate_consumers

N_CONSUMERS = 300
API = "/api/v1"


def inactive_account(status: str) -> str:
    for r in generate_consumers(N_CONSUMERS):
        if r[8] == status:
            return str(r[0])
    raise LookupError(status)


def enrolled(client: TestClient, engine: Engine, code: str) -> dict[str, str]:
    """Register and enroll a counter; the Authorization header for it."""
    with db.write_tx(engine) as conn:
        enrollment = counters.add(conn, code, f"Counter {code}")
    r = client.post("/api/v1/enroll", json={"counter_code": code, "enrollment_code": enrollment})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}



def post(client: Any, code: str, headers: dict[str, str], records: list[dict[str, Any]]) -> Any:
    r = client.post(f"{API}/counters/{code}/records", json={"records": records}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def statuses(body: dict[str, Any]) -> list[str]:
    return [x["status"] for x in body["results"]]


def receipt_rows(engine: Engine, code: str | None = None) -> int:
    q = select(func.count()).select_from(receipts)
    if code:
        q = q.where(receipts.c.counter_code == code)
    with db.read_tx(engine) as conn:
        return int(conn.execute(q).scalar_one())
