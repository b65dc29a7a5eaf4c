"""The billing system's answers, on SQLite and PostgreSQL: bad ack files and feed posts are refused
whole with a clear message and the database unchanged (fingerprinted before and after); a
repeated answer changes nothing; the export writes nothing when nothing is new; the schema of
migration 0005 is the models'."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from central_server import cli, db
from central_server.billing import acks, feed, postings
from central_server.models import metadata
from tests.server.billing.util import fingerprint
from tests.server.util import enrolled, post, statuses
from tests.support.receipts import ReceiptChain, wires


@pytest.fixture
def batch(client: TestClient, engine: Engine, accounts: list[str]) -> dict[str, Any]:
    """Five receipts accepted and cut into batch 1."""
    h = enrolled(client, engine, "K01")
    assert set(statuses(post(client, "K01", h, wires(ReceiptChain("K01", accounts[:5]).take(5))))) == {"accepted"}
    head = db.with_retry(engine, lambda conn: postings.cut_batch(conn, "test"))
    assert head is not None
    with db.read_tx(engine) as conn:
        head["postings"] = postings.batch_postings(conn, head["batch_id"])
    return head


def _write(tmp_path: Path, name: str, rows: list[dict[str, Any]] | bytes) -> Path:
    path = tmp_path / name
    if isinstance(rows, bytes):
        path.write_bytes(rows)
        return path
    lines = ["batch_id,posting_id,result,reason"] + [
        f"{r['batch_id']},{r['posting_id']},{r['result']},{r.get('reason') or ''}" for r in rows]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _answers(batch: dict[str, Any], result: str = "posted", reason: str | None = None) -> list[dict[str, Any]]:
    return [{"batch_id": batch["batch_id"], "posting_id": p["posting_id"], "result": result, "reason": reason}
            for p in batch["postings"]]


def test_bad_ack_files_are_refused_whole(engine: Engine, batch: dict[str, Any], database_url: str,
                                         tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = ["--database-url", database_url]
    good = _answers(batch)
    first = _write(tmp_path, "first.csv", good[:2])
    assert cli.main(["postings", "ack", str(first), *url]) == 0
    other_batch = [dict(a, batch_id=a["batch_id"] + 1) for a in good]
    flipped = [dict(good[0], result="rejected", reason="unknown account"), *good[2:]]
    cases = {
        "unknown batch": (_write(tmp_path, "b.csv", other_batch), "unknown batch"),
        "answered twice, differently": (_write(tmp_path, "twice.csv", flipped), "different answer"),
        "not in the batch": (_write(tmp_path, "nib.csv", [dict(good[2], posting_id=10**9)]), "is not in batch"),
        "twice in one file": (_write(tmp_path, "dup.csv", [good[3], dict(good[3], result="rejected", reason="x")]),
                              "twice with different answers"),
        "no reason": (_write(tmp_path, "noreason.csv", [dict(good[3], result="rejected")]), "needs a reason"),
        "bad result": (_write(tmp_path, "badres.csv", [dict(good[3], result="maybe")]), "posted or rejected"),
        "missing column": (_write(tmp_path, "cols.csv", b"batch_id,posting_id\r\n1,1\r\n"), "missing column"),
        "not UTF-8": (_write(tmp_path, "latin.csv", b"batch_id,posting_id,result,reason\r\n1,1,rejected,caf\xe9\r\n"),
                      "not UTF-8"),
        "not a number": (_write(tmp_path, "nan.csv", [dict(good[3], posting_id="x")]), "whole numbers"),
    }
    before = fingerprint(engine)
    capsys.readouterr()
    for what, (path, message) in cases.items():
        assert cli.main(["postings", "ack", str(path), *url]) == 1, what
        err = capsys.readouterr().err
        assert message in err and "nothing stored" in err, (what, err)
        assert fingerprint(engine) == before, what
    # negative control: the rest of the good answers go in, and again changes nothing
    rest = _write(tmp_path, "rest.csv", good)
    assert cli.main(["postings", "ack", str(rest), *url]) == 0
    assert "3 posted" in capsys.readouterr().out
    after = fingerprint(engine)
    assert after != before
    assert cli.main(["postings", "ack", str(rest), *url]) == 0
    assert fingerprint(engine) == after


def test_feed_refuses_a_bad_answer_set_whole(client: TestClient, engine: Engine, batch: dict[str, Any]) -> None:
    with db.write_tx(engine) as conn:
        token = feed.add_client(conn, "billing1")
    auth = {"Authorization": f"Bearer {token}"}
    good = _answers(batch)
    before = fingerprint(engine)
    bad = [*good[:4], dict(good[4], batch_id=999)]
    r = client.post("/api/v1/postings/acks", json={"acks": bad}, headers=auth)
    assert r.status_code == 409 and "unknown batch 999" in r.json()["detail"]
    r = client.post("/api/v1/postings/acks", json={"acks": [dict(good[0], result="lost")]}, headers=auth)
    assert r.status_code == 422
    assert fingerprint(engine) == before
    r = client.post("/api/v1/postings/acks", json={"acks": good}, headers=auth)
    assert r.json() == {"posted": 5, "rejected": 0, "duplicate": 0}


def test_export_writes_atomically_and_nothing_when_nothing_is_new(engine: Engine, batch: dict[str, Any],
                                                                  database_url: str, tmp_path: Path) -> None:
    url = ["--database-url", database_url]
    out = tmp_path / "out"
    assert cli.main(["postings", "export", "--out", str(out), *url]) == 0
    assert not out.exists() or not any(out.iterdir())  # batch 1 was cut by the fixture: nothing new
    assert cli.main(["postings", "export", "--out", str(out), "--batch", str(batch["batch_id"]), *url]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["postings-00000001.csv", "postings-00000001.json"]  # no temporary file left
    man = json.loads((out / names[1]).read_text())
    assert (man["control_count"], man["control_total_paise"]) == (5, batch["control_total_paise"])
    lines = (out / names[0]).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("batch_id,posting_id,kind,account_no,amount_paise,value_date") and len(lines) == 6


def test_acks_refused_in_the_module_too(engine: Engine, batch: dict[str, Any]) -> None:
    with db.write_tx(engine) as conn, pytest.raises(acks.AckError, match="unknown batch"):
        acks.apply_acks(conn, [acks.Ack(42, 1, "posted", None)], "test")


def test_migration_0005_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    ours = [d for d in diff if "billing_" in repr(d)]
    assert ours == []


def test_feed_answers_are_bounded_and_resume_after_the_last_batch(client: TestClient, engine: Engine,
                                                                  batch: dict[str, Any],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    h = enrolled(client, engine, "K02")
    assert set(statuses(post(client, "K02", h, wires(ReceiptChain("K02", ["2110000002"]).take(4))))) <= {
        "accepted", "parked"}
    with db.write_tx(engine) as conn:
        token = feed.add_client(conn, "billing1")
    auth = {"Authorization": f"Bearer {token}"}
    monkeypatch.setattr(feed, "FEED_MAX_POSTINGS", 3)
    first = client.get("/api/v1/postings/batches", headers=auth).json()
    assert [b["batch_id"] for b in first["batches"]] == [batch["batch_id"]] and first["more"] is True
    second = client.get("/api/v1/postings/batches", params={"after": batch["batch_id"]}, headers=auth).json()
    assert len(second["batches"]) == 1 and second["more"] is False
    assert second["batches"][0]["batch_id"] > batch["batch_id"]
    assert sum(p["amount_paise"] for p in second["batches"][0]["postings"]) == \
        second["batches"][0]["control_total_paise"]
