"""The token's home (keyring wrapper, never the OS keyring in tests), enrollment, the sealed
export for a USB stick and its import at the central office, and the sync subcommands, all against
a real central server on loopback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from central_server import counters as counters_mod
from central_server import db as sdb
from central_server.cli import main as server_main
from counter_app.cli import main as counter_main
from counter_app.config import Config
from counter_app.domain.messages import render
from counter_app.sync import setup as sync_setup
from counter_app.sync.engine import SyncEngine
from counter_app.sync.errors import KeyringUnavailable
from counter_app.sync.keyring_store import KeyringTokenStore, MemoryTokenStore
from counter_app.sync.setup import enroll, make_client
from counter_app.sync.state import Link
from tests.support.live_server import register_counter
from tests.sync.harness import LiveEnv


class DictBackend(KeyringBackend):
    """A working keyring backend that lives in this process only."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.d: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.d.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.d[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        import keyring.errors

        if (service, username) not in self.d:
            raise keyring.errors.PasswordDeleteError("none")
        del self.d[(service, username)]


def test_keyring_wrapper_round_trip_on_a_working_backend() -> None:
    store = KeyringTokenStore(DictBackend())
    store.check()
    store.set("https://central.example", "K07", "secret")
    assert store.get("https://central.example", "K07") == "secret"
    assert store.get("https://other.example", "K07") is None
    store.delete("https://central.example", "K07")
    store.delete("https://central.example", "K07")  # already gone: fine
    assert store.get("https://central.example", "K07") is None
    mem = MemoryTokenStore()
    mem.set("u", "K07", "t")
    assert mem.get("u", "K07") == "t" and mem.get("u", "K08") is None


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()])
def test_no_usable_keyring_is_reported_clearly(backend: Any) -> None:
    store = KeyringTokenStore(backend)
    with pytest.raises(KeyringUnavailable) as info:
        store.get("https://central.example", "K07")
    assert info.value.key == "sync.keyring_unavailable"
    assert "keyring" in info.value.message("en").lower() and "कीरिंग" in info.value.message("hi")
    assert type(backend).__module__ in info.value.params["backend"]


def test_enrollment_checks_the_keyring_before_spending_the_one_time_code(sqlite_env: LiveEnv,
                                                                        tmp_path: Path) -> None:
    env = sqlite_env
    assert env.server is not None
    k = env.counter("E01")
    code = register_counter(env.database_url, "E02")
    k.counter.service.store.set_meta("counter_code", "E02")
    with pytest.raises(KeyringUnavailable):
        enroll(k.counter, env.server.url, code, tokens=KeyringTokenStore(fail.Keyring()))
    tokens = MemoryTokenStore()
    assert enroll(k.counter, env.server.url, code, tokens=tokens) == "E02"  # the code still works
    assert tokens.get(env.server.url, "E02")
    assert Config.load(k.counter.data_dir).server_url == env.server.url


def test_wrong_enrollment_code_is_refused_with_a_clear_message(sqlite_env: LiveEnv) -> None:
    env = sqlite_env
    assert env.server is not None
    k = env.counter("E03")
    from counter_app.sync.errors import EnrollRefused

    with pytest.raises(EnrollRefused) as info:
        enroll(k.counter, env.server.url, "AAAA-BBBB-CCCC-DDDD", tokens=MemoryTokenStore())
    assert "enrol" in info.value.message("en")


# --- the sealed export and the import at the central office ------------------------------------------

def _use_tokens(monkeypatch: pytest.MonkeyPatch, tokens: MemoryTokenStore) -> None:
    monkeypatch.setattr(sync_setup, "default_token_store", lambda: tokens)


def test_export_pending_import_at_the_office_then_the_counter_learns_they_arrived(
        env: LiveEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _use_tokens(monkeypatch, env.tokens)
    k = env.counter("X01")
    k.issue(5)
    k.engine.drain()  # five delivered the normal way
    rs = k.issue(40, cheque_every=10)
    k.dishonour(rs[0])
    data_dir = k.counter.data_dir
    k.close()  # the counter PC is shut; IT exports with the CLI
    usb = tmp_path / "X01-pending.kesco"
    assert counter_main(["--data-dir", str(data_dir), "export-pending", str(usb)]) == 0
    assert "41 unsynced records (40 receipts" in capsys.readouterr().out

    tampered = tmp_path / "tampered.kesco"
    raw = usb.read_bytes()
    tampered.write_bytes(raw.replace(b'"amount_paise":', b'"amount_paise":1', 1))
    assert server_main(["import", str(tampered), "--database-url", env.database_url]) == 1
    assert "seal" in capsys.readouterr().err
    assert server_main(["import", str(usb), "--database-url", env.database_url]) == 0
    assert "accepted 41" in capsys.readouterr().out
    assert server_main(["import", str(usb), "--database-url", env.database_url]) == 0  # twice: nothing new
    assert "duplicate 41" in capsys.readouterr().out

    from counter_app.app import open_application

    c = open_application(data_dir)
    engine = SyncEngine(c, make_client(c, tokens=env.tokens), pull=False)
    st = engine.run_once(force=True)
    assert st.link is Link.ONLINE and st.pending == 0
    # the receipts were confirmed from the server's chain head, not sent again; only the dishonour
    # (which the status cannot show) went again and was answered duplicate
    assert engine.last_push is not None and engine.last_push.sent == 1
    from tests.sync.invariants import LocalView, ServerView, check_delivered

    check_delivered(LocalView.read(c), ServerView.read(env.server_engine, "X01"))
    c.close()


def test_import_refuses_a_revoked_counters_file(sqlite_env: LiveEnv, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    env = sqlite_env
    _use_tokens(monkeypatch, env.tokens)
    k = env.counter("X02")
    k.issue(3)
    usb = tmp_path / "x02.kesco"
    from counter_app.sync.export import write_export

    write_export(k.counter, usb, env.tokens.get(k.counter.config.server_url, "X02") or "")
    with sdb.write_tx(env.server_engine) as conn:
        counters_mod.revoke(conn, "X02")
    assert server_main(["import", str(usb), "--database-url", env.database_url]) == 1
    assert "not enrolled" in capsys.readouterr().err


# --- the subcommands ------------------------------------------------------------------------------------

def test_cli_init_enroll_sync_once_status_and_problems(sqlite_env: LiveEnv, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    env = sqlite_env
    assert env.server is not None
    tokens = MemoryTokenStore()
    _use_tokens(monkeypatch, tokens)
    d = tmp_path / "cli-counter"
    code = register_counter(env.database_url, "C01")
    assert counter_main(["--data-dir", str(d), "init", "--counter-code", "C01", "--server", env.server.url]) == 2
    assert counter_main(["--data-dir", str(d), "init", "--counter-code", "C01", "--server", env.server.url,
                         "--enroll", code]) == 0
    assert "enrolled" in capsys.readouterr().out
    assert tokens.get(env.server.url, "C01")
    cfg = Config.load(d)
    assert (cfg.counter_code, cfg.server_url) == ("C01", env.server.url)

    assert counter_main(["--data-dir", str(d), "sync", "--once", "--json"]) == 0
    st = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert st["link"] == "online" and st["snapshot"]["complete"] and st["pending"] == 0
    assert counter_main(["--data-dir", str(d), "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["sync"]["link"] == "online" and status["sync"]["pending"] == 0
    assert status["consumers"] == 300 and status["sync"]["consumers_snapshot"] == "complete"
    assert counter_main(["--data-dir", str(d), "sync", "--problems"]) == 0

    env.server.stop()  # the server goes away: sync --once fails, says why, keeps everything
    assert counter_main(["--data-dir", str(d), "--lang", "hi", "sync", "--once"]) == 1
    out = capsys.readouterr().out
    assert "offline" in out and render("sync.offline", "hi")[:20] in out
