"""`central-server master import` and `master loads` on the command line (exit codes, summary,
rejects file, the progress bar), and the loads on record on the HQ billing page."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from central_server import cli
from kesco_demo.billing_export import write_full
from tests.server.billing.util import EXAMPLE_MAPPING
from tests.server.test_hq_auth import add_user, login


def test_master_import_command_and_the_loads_page(client: TestClient, engine: Engine, database_url: str,
                                                  tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = ["--database-url", database_url]
    path = tmp_path / "master.csv"
    write_full(path, 120)
    args = ["master", "import", str(path), "--mapping", str(EXAMPLE_MAPPING), "--by", "it-ops", *url]
    assert cli.main([*args, "--dry-run", "--quiet"]) == 0
    assert "dry_run" in capsys.readouterr().out
    assert cli.main(args) == 0  # with the progress bar (rich, on stderr)
    out = capsys.readouterr()
    assert "full load applied: 120 rows read, 0 rejected, 120 new" in out.out
    assert "full load" in out.err  # the bar's label
    assert cli.main([*args, "--quiet"]) == 0
    assert "duplicate" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(path.read_bytes().replace(b"LOCALITY", b"AREA", 1))
    assert cli.main(["master", "import", str(bad), "--mapping", str(EXAMPLE_MAPPING), "--quiet", *url]) == 1
    err = capsys.readouterr().err
    assert "unknown column(s) 'AREA'" in err and "nothing applied" in err and "rejects:" in err
    assert cli.main(["master", "import", str(tmp_path / "nope.csv"), *url]) == 2
    assert cli.main(["master", "import", str(path), "--mapping", str(tmp_path / "nope.toml"), *url]) == 2
    capsys.readouterr()
    assert cli.main(["master", "loads", *url]) == 0
    listing = capsys.readouterr().out
    assert listing.count("\n") == 4 and "refused" in listing and "by it-ops" in listing
    add_user(engine)
    assert login(client).status_code == 303
    page = client.get("/hq/billing")
    assert page.status_code == 200
    assert "it-ops" in page.text and "refused" in page.text and "unknown column" in page.text
    assert "Nothing to clarify" in page.text and "No postings yet" in page.text
