"""The `central-server` command line, in process, on both databases."""

from __future__ import annotations

import io
import json
import logging

from central_server import cli, logs


def run(capsys, *argv):
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_admin_commands(database_url, capsys):
    url = ("--database-url", database_url)
    assert run(capsys, "migrate", *url)[0] == 0
    code, out, _ = run(capsys, "counters", "add", "K07", "--name", "Kidwai Nagar", *url)
    assert code == 0 and len(out.strip().splitlines()[-1]) == 19  # XXXX-XXXX-XXXX-XXXX
    assert run(capsys, "counters", "add", "K07", *url)[0] == 1
    assert run(capsys, "counters", "add", "k7!", *url)[0] == 1
    assert "pending" in run(capsys, "counters", "list", *url)[1]
    assert run(capsys, "counters", "revoke", "K07", *url)[0] == 0
    assert "revoked" in run(capsys, "counters", "list", *url)[1]
    assert run(capsys, "counters", "reissue", "K07", *url)[0] == 0
    assert run(capsys, "counters", "revoke", "K99", *url)[0] == 1
    assert run(capsys, "demo-data", "--consumers", "50", *url)[1].startswith("loaded 50")
    assert run(capsys, "demo-data", "--consumers", "50", *url)[0] == 1
    assert run(capsys, "demo-data", "--consumers", "20", "--replace", *url)[0] == 0
    assert "legacy" in run(capsys, "period", "close", "--legacy", "--label", "2026-11", *url)[1]
    assert "closing" in run(capsys, "period", "status", *url)[1]
    assert "open" in run(capsys, "period", "open", *url)[1]
    code, out, _ = run(capsys, "reconcile", "--date", "2026-11-27", "--json", *url)
    assert code == 0 and json.loads(out)[0]["counter_code"] == "K07"
    assert "K07" in run(capsys, "reconcile", "--date", "2026-11-27", *url)[1]
    assert run(capsys, "reconcile", "--date", "27-11-2026", *url)[0] == 1
    assert "no open alarms" in run(capsys, "alarms", *url)[1]
    assert run(capsys, "parked", "--json", "--counter", "K07", *url)[1].strip() == "[]"
    code, _, err = run(capsys, "import", "no-such-file.kexp", *url)
    assert code != 0 and "error" in err


def test_openapi_command_prints_the_document(capsys):
    code, out, _ = run(capsys, "openapi")
    assert code == 0 and "/api/v1/counters/{code}/records" in json.loads(out)["paths"]


def test_logs_are_json_lines():
    buf = io.StringIO()
    logs.configure("INFO", stream=buf)
    try:
        logging.getLogger("central_server").info("request", extra={"path": "/api/v1/health", "status": 200})
    finally:
        logging.getLogger().handlers.clear()
    line = json.loads(buf.getvalue())
    assert line["msg"] == "request" and line["status"] == 200 and line["level"] == "info"


def test_file_commands_refuse_a_missing_file_or_an_unreadable_mapping_before_touching_the_database(
        tmp_path, capsys):
    """bank import, master import and disconnections check: exit 2 with a message, and no database
    is made (each command checks its mapping and its file first)."""
    url = ("--database-url", f"sqlite:///{tmp_path / 'never.sqlite3'}")
    bad = tmp_path / "bad.toml"
    bad.write_text("[file\n", encoding="utf-8")
    present = tmp_path / "present.csv"
    present.write_text("x\n", encoding="utf-8")
    missing = str(tmp_path / "missing.csv")
    for argv in (("bank", "import", missing), ("master", "import", missing),
                 ("disconnections", "check", missing, "--out", str(tmp_path / "out.csv"))):
        code, _out, err = run(capsys, *argv, *url)
        assert code == 2 and f"error: no such file {missing}" in err, argv
        code, _out, err = run(capsys, *argv[:2], str(present), *argv[3:], "--mapping", str(bad), *url)
        assert code == 2 and "error: cannot read the mapping" in err, argv
    assert not (tmp_path / "never.sqlite3").exists()
