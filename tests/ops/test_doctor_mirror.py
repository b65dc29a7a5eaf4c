"""`counter-app doctor` on the ledger's mirror: missing, behind, another counter's, on the same
disk, and fine, on real files, in English and Hindi."""

from __future__ import annotations

from pathlib import Path

from counter_app.config import Config
from counter_app.ops.doctor import run_doctor
from counter_app.services.collection import Payment
from counter_app.storage.mirror import encode_frame, journal_path
from kesco_demo.consumers import account_no_for_index
from tests.conftest import CLERK, FixedClock, make_counter


def _mirror_findings(data: Path) -> list:  # type: ignore[type-arg]
    return [f for f in run_doctor(data, server=False) if f.check == "mirror"]


def _counter_with_receipts(tmp_path: Path, mirror: Path) -> Path:
    data = tmp_path / "counter"
    data.mkdir()
    Config(mirror_dir=str(mirror)).save(data)
    app = make_counter(data, consumers=20, clock=FixedClock())
    try:
        clerk = app.service.login(*CLERK)
        app.service.open_shift(clerk, 0)
        for i in range(3):
            app.service.issue_receipt(clerk, Payment(account_no_for_index(i + 1), 100_00))
    finally:
        app.close()
    return data


def test_a_kept_mirror_is_ok_but_the_same_disk_is_said(tmp_path: Path) -> None:
    mirror = tmp_path / "usb"
    mirror.mkdir()
    data = _counter_with_receipts(tmp_path, mirror)
    found = _mirror_findings(data)
    assert [(f.status, f.key) for f in found] == [("warn", "mirror.same_disk")]  # tmp_path is one disk
    assert "same disk" in found[0].text("en") and "उसी डिस्क" in found[0].text("hi")


def test_a_missing_mirror_fails_loudly(tmp_path: Path) -> None:
    data = _counter_with_receipts(tmp_path, tmp_path / "usb")
    (f,) = _mirror_findings(data)
    assert (f.status, f.key) == ("fail", "mirror.missing")
    assert f.text("en").startswith("SECOND COPY MISSING") and f.text("hi").startswith("दूसरी प्रति नहीं")
    assert f.advice_text("en")


def test_a_mirror_behind_the_ledger_fails(tmp_path: Path) -> None:
    mirror = tmp_path / "usb"
    mirror.mkdir()
    data = _counter_with_receipts(tmp_path, mirror)
    path = journal_path(mirror, "K07")
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-2]))  # an old copy of the stick
    found = {f.key: f for f in _mirror_findings(data)}
    assert found["mirror.behind"].status == "fail" and found["mirror.behind"].params["behind"] == 2


def test_another_counters_stick_fails(tmp_path: Path) -> None:
    mirror = tmp_path / "usb"
    mirror.mkdir()
    data = _counter_with_receipts(tmp_path, tmp_path / "elsewhere")
    journal_path(mirror, "K07").write_bytes(encode_frame({"t": "meta", "counter_code": "K99", "n": 1, "o": 0}))
    cfg = Config.load(data)
    cfg.mirror_dir = str(mirror)
    cfg.save(data)
    found = {f.key: f for f in _mirror_findings(data)}
    assert found["mirror.foreign"].status == "fail"


def test_no_mirror_configured_is_skipped(tmp_path: Path) -> None:
    data = tmp_path / "counter"
    make_counter(data, consumers=0).close()
    assert [(f.status, f.key) for f in _mirror_findings(data)] == [("skip", "mirror.off")]
