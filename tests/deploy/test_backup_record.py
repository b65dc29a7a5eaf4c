"""`central-server backup record --at ... --note ...` (run by the backup job) and the HQ board
showing the last backup, or that none was recorded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from central_server import cli, db
from central_server.app import create_app
from central_server.config import Settings
from central_server.hq import auth as hq_auth

PASSWORD = "correct horse battery"


def _board(url: str) -> str:
    app = create_app(Settings(database_url=url))
    with db.write_tx(app.state.engine) as conn:
        if not hq_auth.list_users(conn):
            hq_auth.add_user(conn, "accounts1", PASSWORD)
    with TestClient(app, follow_redirects=False) as c:
        csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/hq/login").text).group(1)  # type: ignore[union-attr]
        assert c.post("/hq/login", data={"name": "accounts1", "password": PASSWORD, "csrf": csrf}).status_code == 303
        text = c.get("/hq/").text
    app.state.engine.dispose()
    return text


def test_backup_recorded_and_shown_on_the_board(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert "No database backup recorded" in _board(database_url)
    assert cli.main(["backup", "record", "--database-url", database_url, "--at", "2026-11-30T02:00:00+05:30",
                     "--note", "pg_dump kesco-2026-11-30.dump"]) == 0
    assert cli.main(["backup", "record", "--database-url", database_url, "--at", "2026-12-01T02:00:00+05:30",
                     "--note", "pg_dump kesco-2026-12-01.dump"]) == 0
    assert cli.main(["backup", "show", "--database-url", database_url]) == 0
    assert "kesco-2026-12-01.dump" in capsys.readouterr().out
    board = _board(database_url)
    assert "Last database backup" in board and "kesco-2026-12-01.dump" in board
    assert "01 Dec 2026" in board or "1 Dec" in board or "2026-12-01" in board


def test_a_backup_time_without_offset_or_in_the_future_is_refused(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    assert cli.main(["backup", "record", "--database-url", url, "--at", "2026-11-30T02:00", "--note", "x"]) == 1
    assert "offset" in capsys.readouterr().err
    assert cli.main(["backup", "record", "--database-url", url, "--at", "2099-01-01T00:00:00+00:00", "--note", "x"]) == 1
    assert "future" in capsys.readouterr().err
    assert cli.main(["backup", "record", "--database-url", url, "--at", "yesterday", "--note", "x"]) == 1
    assert cli.main(["backup", "show", "--database-url", url]) == 0
    assert "no backup recorded" in capsys.readouterr().out  # nothing stored by the refusals
