"""`counter-app doctor`: what is wrong with this counter, and what IT should do about it.

Read-only: the database is opened without the instance lock and without a schema upgrade, so the
doctor can run beside a running counter and on a database it would refuse to open. Every finding
carries a message key (the text, in English and Hindi, lives in domain/messages.py) and, when
something is wrong, an advice key."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from counter_app.config import Config, resolve_data_dir
from counter_app.domain.errors import ValidationError
from counter_app.domain.messages import render
from counter_app.ops import cache_probe, identity_probe, mirror_probe, policy_probe, probes
from counter_app.ops.findings import FAIL, OK, SKIP, WARN, Context, Finding
from counter_app.services.clock import Clock, system_clock
from counter_app.storage.anchors import parse_anchor

log = logging.getLogger(__name__)


def run_doctor(data_dir: str | Path | None = None, *, server: bool = True, clock: Clock = system_clock,
               timeout_s: float = 5.0, anchors: Sequence[str] = ()) -> list[Finding]:
    """Every check, in an order that reads well: database first, then sync, disk, backup, server.
    `anchors`: 'SEQ:HASH' chain heads from signed shift reports, checked with the server's."""
    path = resolve_data_dir(data_dir)
    typed = [(*parse_anchor(a), "shift report") for a in anchors]  # a typing mistake: said at once
    try:
        config = Config.load(path)
    except (OSError, ValueError, ValidationError) as e:  # ValidationError: a refused server address
        config = Config()
        bad_config: Finding | None = Finding("config", FAIL, "doctor.config_unreadable", {"detail": str(e)},
                                             "doctor.do.config")
    else:
        bad_config = None
    ctx = Context(path, config, clock(), server, timeout_s)
    ctx.facts["anchors"] = typed
    findings: list[Finding] = [bad_config] if bad_config else []
    checks: list[Callable[[Context], list[Finding]]] = [
        probes.check_config, probes.check_database, cache_probe.check_cache, probes.check_records, probes.check_outbox,
        probes.check_disk, probes.check_backup, mirror_probe.check_mirror, probes.check_keyring, probes.check_server,
        identity_probe.check_installation, policy_probe.check_part_payment_policy,
    ]
    for check in checks:
        try:
            findings.extend(check(ctx))
        except Exception as e:  # a check that crashes is itself a finding, never a crashed doctor
            log.exception("doctor check %s crashed", check.__name__)
            findings.append(Finding(check.__name__.removeprefix("check_"), FAIL, "doctor.check_crashed",
                                    {"detail": f"{type(e).__name__}: {e}"}, "doctor.do.report"))
    return findings


def exit_code(findings: list[Finding]) -> int:
    return 1 if any(f.status == FAIL for f in findings) else 0


def report_text(findings: list[Finding], lang: str = "en") -> str:
    marks = {OK: "ok  ", WARN: "WARN", FAIL: "FAIL", SKIP: "skip"}
    lines = []
    for f in findings:
        lines.append(f"[{marks[f.status]}] {f.check:9} {f.text(lang)}")
        advice = f.advice_text(lang)
        if advice and f.status in (WARN, FAIL):
            lines.append(f"       {'':9} -> {advice}")
    bad = sum(f.status == FAIL for f in findings)
    warn = sum(f.status == WARN for f in findings)
    lines.append(render("doctor.summary", lang, fail=bad, warn=warn))
    return "\n".join(lines)


def report_json(findings: list[Finding], lang: str = "en") -> str:
    return json.dumps({"ok": exit_code(findings) == 0, "findings": [f.to_dict(lang) for f in findings]},
                      indent=2, ensure_ascii=False)
