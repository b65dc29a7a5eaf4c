"""The shipped alert rules: valid for promtool and passing their own rule unit tests (where
Debian's prometheus package is installed), and naming only metrics the server really exports."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx
import yaml

from tests.deploy.conftest import binary_or_skip
from tests.support.live_server import LiveServer

PROM = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"


def test_rules_parse_and_have_what_an_operator_needs() -> None:
    doc = yaml.safe_load((PROM / "alerts.yml").read_text(encoding="utf-8"))
    rules = {r["alert"]: r for g in doc["groups"] for r in g["rules"]}
    assert {"KescoCounterSilent", "KescoAlarmsOpen", "KescoIngestErrors"} <= rules.keys()
    for name, r in rules.items():
        assert r["expr"].strip() and r["labels"]["severity"] in ("warning", "critical"), name
        assert r["annotations"]["summary"], name
    assert "30 * 60" in rules["KescoCounterSilent"]["expr"] and "hour()" in rules["KescoCounterSilent"]["expr"]
    yaml.safe_load((PROM / "prometheus.yml").read_text(encoding="utf-8"))


def test_promtool_checks_and_unit_tests_the_rules() -> None:
    promtool = binary_or_skip("promtool", "prometheus")
    check = subprocess.run([promtool, "check", "rules", "alerts.yml"], cwd=PROM, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    tests = subprocess.run([promtool, "test", "rules", "alerts_test.yml"], cwd=PROM, capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    config = subprocess.run([promtool, "check", "config", "--syntax-only", "prometheus.yml"], cwd=PROM,
                            capture_output=True, text=True)
    assert config.returncode == 0, config.stdout + config.stderr


def test_rules_name_only_exported_metrics(tmp_path: Path) -> None:
    text = (PROM / "alerts.yml").read_text(encoding="utf-8")
    wanted = set(re.findall(r"\bkesco_[a-z_]+", text))
    with LiveServer(f"sqlite:///{tmp_path / 'c.sqlite3'}") as srv:
        httpx.get(f"{srv.api}/counters/K1/records", timeout=10)  # one answer, so the HTTP counter has a series
        exposition = httpx.get(f"{srv.url}/metrics", timeout=10).text
    declared = set(re.findall(r"^# TYPE (\S+) ", exposition, flags=re.M))
    missing = {m for m in wanted if m not in declared and re.sub(r"_total$", "", m) not in declared}
    assert not missing, f"alert rules use metrics the server does not export: {sorted(missing)}"
