"""The HQ disconnection upload takes the same column mapping as the CLI's --mapping (the master
import's TOML with [disconnections] amount_due): a billing export with its own column names,
delimiter and amounts in paise is checked through the form; without the mapping the same file is
refused (the negative control); a bad or oversized mapping is refused with its reason and nothing
is recorded."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from central_server.consumer_side import hq_pages
from tests.server.consumer_side.test_hq_disconnections import _checks, _csrf
from tests.server.test_hq_auth import add_user, login

MAPPING = (b'[file]\ndelimiter = ";"\namounts = "paise"\ndate_formats = ["DD-MM-YYYY"]\n'
           b'[columns]\naccount_no = "ACCT"\nbill_no = "BILLNO"\nbill_date = "BILLDT"\n'
           b'[disconnections]\namount_due = "NET_DUE"\n')
EXPORT = b"ACCT;BILLNO;NET_DUE;BILLDT\n2110000002;B1;12345;20-11-2026\n2110000018;B2;500;20-11-2026\n"


def _post(client: TestClient, csrf: str, mapping: bytes | None) -> object:
    files = {"file": ("export.csv", EXPORT, "text/csv")}
    if mapping is not None:
        files["mapping"] = ("billing.toml", mapping, "text/plain")
    return client.post("/hq/consumers/disconnections", data={"csrf": csrf}, files=files, follow_redirects=False)


def test_the_upload_reads_the_list_through_a_mapping(client: TestClient, engine: Engine, accounts: list[str]) -> None:
    add_user(engine)
    login(client)
    csrf = _csrf(client)
    assert 'name="mapping"' in client.get("/hq/consumers").text
    r = _post(client, csrf, None)  # the default columns: this export's are not there
    assert r.status_code == 422 and "nothing checked" in r.text  # type: ignore[attr-defined]
    assert _checks(engine) == 0
    r = _post(client, csrf, MAPPING)
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    got = client.get("/hq/consumers/disconnections/1.csv")
    rows = {row["account_no"]: row for row in csv.DictReader(io.StringIO(got.text))}
    assert rows["2110000002"]["amount_due_paise"] == "12345" and rows["2110000018"]["amount_due_paise"] == "500"
    assert rows["2110000002"]["bill_no"] == "B1"
    assert _checks(engine) == 1


def test_a_bad_or_oversized_mapping_is_refused_and_nothing_recorded(client: TestClient, engine: Engine) -> None:
    add_user(engine)
    login(client)
    csrf = _csrf(client)
    r = _post(client, csrf, b"[file\nnot toml")
    assert r.status_code == 422 and "mapping was refused" in r.text  # type: ignore[attr-defined]
    r = _post(client, csrf, b'[disconnections]\namount_due = ""\n')
    assert r.status_code == 422 and "amount_due" in r.text  # type: ignore[attr-defined]
    r = _post(client, csrf, b"#" * (hq_pages.MAPPING_MAX_BYTES + 1))
    assert r.status_code == 413  # type: ignore[attr-defined]
    assert _checks(engine) == 0
