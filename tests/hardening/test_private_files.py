"""Issue 11 item 11: on Linux the counter's data is private to its account (folders 0700, files
0600: database and its -wal/-shm, config.toml, backups, exports, logs), an older installation is
tightened when opened, and a counter without a Secret Service keeps its token in a private file
chosen by `token_store = "file"` (docs/INSTALL.md, "A Linux counter PC"): enrolment and a sync
through it, by the commands the guide gives."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from counter_app.cli import main as counter_main
from counter_app.config import Config
from counter_app.ops.backup import make_backup
from counter_app.services.collection import Payment
from counter_app.sync.errors import KeyringUnavailable
from counter_app.sync.export import write_export
from counter_app.sync.token_file import FileTokenStore
from kesco_demo.consumers import account_no_for_index
from tests.conftest import CLERK, make_counter
from tests.support.live_server import LiveServer, register_counter

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes; Windows has the installer's ACLs")


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def _everything_private(d: Path) -> list[str]:
    loose = []
    for root, dirs, files in os.walk(d):
        for name in dirs:
            if mode(Path(root) / name) & 0o077:
                loose.append(f"{Path(root) / name} {mode(Path(root) / name):o}")
        for name in files:
            if mode(Path(root) / name) & 0o077:
                loose.append(f"{Path(root) / name} {mode(Path(root) / name):o}")
    if mode(d) & 0o077:
        loose.append(f"{d} {mode(d):o}")
    return loose


def test_data_folder_and_every_file_in_it_are_private(tmp_path: Path) -> None:
    os.umask(0o022)  # what a desktop session gives: 0755 folders, 0644 files
    d = tmp_path / "counter"
    c = make_counter(d, consumers=20)
    try:
        clerk = c.service.login(*CLERK)
        c.service.open_shift(clerk, 0)
        c.service.issue_receipt(clerk, Payment(account_no_for_index(1), 100_00))
        c.config.counter_name = "Kidwai Nagar"
        c.config.save(d)
        make_backup(c.store.path, d / "backups")
        (d / "exports").mkdir()
        from counter_app.sync.signing_keys import new_key_text
        from kesco_protocol.signing import Signer

        c.service.signer = Signer.from_text(new_key_text())  # the export is signed with the enrolled key
        write_export(c, d / "exports" / "pending.kesco", "token-for-the-seal")
        assert (d / "counter.sqlite3-wal").exists() or (d / f"{c.store.path.name}-wal").exists()
        assert _everything_private(d) == []
        assert mode(d) == 0o700 and mode(c.store.path) == 0o600 and mode(d / "config.toml") == 0o600
    finally:
        c.close()


def test_an_older_open_installation_is_tightened_when_opened(tmp_path: Path) -> None:
    d = tmp_path / "counter"
    make_counter(d, consumers=5).close()
    for root, _dirs, files in os.walk(d):
        os.chmod(root, 0o755)
        for f in files:
            os.chmod(Path(root) / f, 0o644)
    assert _everything_private(d) != []  # the control: it was open
    os.umask(0o022)
    assert counter_main(["--data-dir", str(d), "status"]) == 0
    assert _everything_private(d) == []
    assert counter_main(["--data-dir", str(d), "verify"]) == 0
    assert _everything_private(d) == []


def test_token_file_store_is_private_and_refuses_an_open_file(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "secrets" / "token.json")
    store.set("https://kesco.invalid", "K07", "s3cret")
    assert mode(tmp_path / "secrets") == 0o700 and mode(tmp_path / "secrets" / "token.json") == 0o600
    assert store.get("https://kesco.invalid", "K07") == "s3cret"
    os.chmod(tmp_path / "secrets" / "token.json", 0o644)
    with pytest.raises(KeyringUnavailable) as info:
        store.get("https://kesco.invalid", "K07")
    assert "600" in info.value.params.get("detail", "") or "600" in str(info.value.detail)
    os.chmod(tmp_path / "secrets" / "token.json", 0o600)
    os.chmod(tmp_path / "secrets", 0o755)
    with pytest.raises(KeyringUnavailable):
        store.get("https://kesco.invalid", "K07")


def test_linux_counter_enrols_and_syncs_with_the_token_file(tmp_path: Path, monkeypatch) -> None:
    """The steps of docs/INSTALL.md's Linux section, as far as they run here (no systemd, no root):
    config.toml says token_store = "file", `init --enroll`, then `sync --once`."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")  # no Secret Service
    d = tmp_path / "var-lib-kesco"
    token_file = tmp_path / "etc-kesco" / "counter-token.json"
    db_url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    with LiveServer(db_url) as srv:
        enrollment = register_counter(db_url, "K07")
        d.mkdir(mode=0o700)
        Config(token_store="file", token_file=str(token_file)).save(d)
        rc = counter_main(["--data-dir", str(d), "init", "--counter-code", "K07", "--server", srv.url,
                           "--enroll", enrollment])
        assert rc == 0
        assert mode(token_file) == 0o600 and mode(token_file.parent) == 0o700
        assert FileTokenStore(token_file).get(srv.url, "K07")
        assert Config.load(d).token_store == "file"
        assert counter_main(["--data-dir", str(d), "users", "add", CLERK[0], "--pin", CLERK[1]]) == 0
        c = make_counter.__globals__["open_application"](d)
        try:
            from kesco_demo.load import load_demo_consumers

            load_demo_consumers(c.store, 20)
            clerk = c.service.login(*CLERK)
            c.service.open_shift(clerk, 0)
            c.service.issue_receipt(clerk, Payment(account_no_for_index(1), 100_00))
        finally:
            c.close()
        assert counter_main(["--data-dir", str(d), "sync", "--once", "--no-pull"]) == 0
        assert _everything_private(d) == []
        from counter_app.ops.doctor import run_doctor

        keyring = [f for f in run_doctor(d, server=False) if f.check == "keyring"]
        assert [f.key for f in keyring] == ["doctor.keyring_ok"], keyring  # the file store, not "no keyring"
        os.chmod(token_file, 0o644)
        keyring = [f for f in run_doctor(d, server=False) if f.check == "keyring"]
        assert [f.key for f in keyring] == ["doctor.keyring_unusable"], keyring
