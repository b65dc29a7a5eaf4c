"""The disconnection check as an HQ upload: behind the login, refused without the session's
anti-forgery token or from another site, a bad list answered with its reason and nothing
recorded, a list above the cap refused by its size before it is read; a good one recorded with its
summary and its result file downloadable."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from central_server import db, limits
from central_server.consumer_side import hq_pages
from central_server.consumer_side.models import disconnection_checks
from tests.server.test_hq_auth import add_user, login

GOOD = b"account_no,bill_no,amount_due,bill_date\n2110000002,B1,100,2026-11-20\n2110000018,B2,50.5,2026-11-20\n"


def _csrf(client: TestClient) -> str:
    r = client.get("/hq/consumers")
    assert r.status_code == 200, r.text
    return re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]


def _checks(engine: Engine) -> int:
    with db.read_tx(engine) as conn:
        return int(conn.execute(select(func.count()).select_from(disconnection_checks)).scalar_one())


def test_upload_needs_login_and_the_form_token(client: TestClient, engine: Engine, accounts: list[str]) -> None:
    r = client.get("/hq/consumers", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/hq/login")
    add_user(engine)
    assert login(client).status_code == 303
    csrf = _csrf(client)
    files = {"file": ("list.csv", GOOD, "text/csv")}
    assert client.post("/hq/consumers/disconnections", data={"csrf": "forged"}, files=files).status_code == 400
    r = client.post("/hq/consumers/disconnections", data={"csrf": csrf}, files=files,
                    headers={"Origin": "https://evil.example"})
    assert r.status_code == 400
    assert _checks(engine) == 0
    r = client.post("/hq/consumers/disconnections", data={"csrf": csrf}, files=files, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"]).text
    assert "list.csv" in page and "Download CSV" in page
    got = client.get("/hq/consumers/disconnections/1.csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    lines = got.text.splitlines()
    assert lines[0].startswith("line,account_no,bill_no,amount_due_paise,paid_paise,covers,verdict")
    assert [ln.split(",")[1] for ln in lines[1:]] == ["2110000002", "2110000018"]
    assert _checks(engine) == 1


def test_bad_and_oversized_lists_are_refused(client: TestClient, engine: Engine) -> None:
    add_user(engine)
    login(client)
    csrf = _csrf(client)
    r = client.post("/hq/consumers/disconnections", data={"csrf": csrf},
                    files={"file": ("bad.csv", b"account_no,bill_no,amount_due\n2110000002,B1,abc\n", "text/csv")})
    assert r.status_code == 422 and "line 2, column &#39;amount_due&#39;: not an amount" in r.text
    big = b"account_no,bill_no,amount_due\n" + b"2110000002,B1,100\n" * (limits.DISCONNECTIONS_MAX_BODY // 18 + 10)
    r = client.post("/hq/consumers/disconnections", data={"csrf": csrf}, files={"file": ("big.csv", big, "text/csv")})
    assert r.status_code == 413
    assert _checks(engine) == 0
    # the cap belongs to this one path: the other HQ forms keep theirs
    assert limits.DISCONNECTIONS_UPLOAD == hq_pages.UPLOAD_PATH
    assert limits.body_limit(client.app.state.settings, "/hq/login") < 100_000  # type: ignore[attr-defined]
