"""Issue 11 item 7: plain http to anything but this machine is refused wherever a server address
enters (the token travels in every request): the CLI's init --enroll, the setup flow, config.toml
when it is read, the client constructor. `http://kesco.invalid` never resolves, so nothing here can
leave loopback even if a check were missing; the negative controls use the real loopback server."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_app.cli import main as counter_main
from counter_app.config import Config
from counter_app.domain.errors import ValidationError
from counter_app.ops.setup import apply_setup
from counter_app.sync.address import check_server_url
from counter_app.sync.client import ServerClient
from counter_app.sync.keyring_store import MemoryTokenStore
from counter_app.sync.setup import enroll
from tests.conftest import make_counter

REMOTE_HTTP = ["http://kesco.invalid", "http://kesco.invalid:8080/api/v1", "HTTP://KESCO.INVALID",
               "http://10.0.0.5", "http://[2001:db8::1]", " http://kesco.invalid/ "]
LOCAL_OR_TLS = ["https://kesco.invalid", "http://127.0.0.1:8000", "http://localhost:9", "http://[::1]:80",
                "https://10.0.0.5/prefix"]


@pytest.mark.parametrize("url", REMOTE_HTTP)
def test_the_rule_refuses_plain_http_off_this_machine(url: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_server_url(url)
    assert info.value.key == "ops.bad_server_url"
    assert "https://" in info.value.message("en") and "https://" in info.value.message("hi")


@pytest.mark.parametrize("url", LOCAL_OR_TLS)
def test_the_rule_keeps_tls_and_loopback(url: str) -> None:  # negative control
    assert check_server_url(url) == url.strip().rstrip("/")


@pytest.mark.parametrize("url", ["ftp://kesco", "kesco.invalid", "https://", "http:///x", ""])
def test_the_rule_refuses_what_is_not_an_address(url: str) -> None:
    with pytest.raises(ValidationError):
        check_server_url(url)


def test_client_constructor_refuses_remote_http() -> None:
    with pytest.raises(ValidationError):
        ServerClient("http://kesco.invalid", "K07", "token")
    ServerClient("https://kesco.invalid", "K07", "token").close()  # control


def test_cli_init_refuses_remote_http_before_sending(tmp_path: Path, capsys) -> None:
    d = tmp_path / "counter"
    rc = counter_main(["--data-dir", str(d), "init", "--counter-code", "K07", "--server", "http://kesco.invalid",
                       "--enroll", "ABCD-EFGH"])
    err = capsys.readouterr().err
    assert rc != 0 and "https://" in err
    assert Config.load(d).server_url == ""


def test_enroll_refuses_remote_http_and_keeps_nothing(tmp_path: Path) -> None:
    c = make_counter(tmp_path / "counter", consumers=10)
    tokens = MemoryTokenStore()
    try:
        with pytest.raises(ValidationError):
            enroll(c, "http://kesco.invalid", "ABCD-EFGH", tokens=tokens)
    finally:
        c.close()
    assert Config.load(tmp_path / "counter").server_url == ""
    assert tokens.get("http://kesco.invalid", "K07") is None


def test_setup_flow_refuses_remote_http(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        apply_setup(tmp_path / "counter", "K07", "http://kesco.invalid", "ABCD-EFGH", tokens=MemoryTokenStore())


def test_config_file_with_remote_http_is_refused_when_read(tmp_path: Path) -> None:
    d = tmp_path / "counter"
    d.mkdir()
    (d / "config.toml").write_text('counter_code = "K07"\nserver_url = "http://kesco.invalid"\n')
    with pytest.raises(ValidationError) as info:
        Config.load(d)
    assert info.value.key == "ops.bad_server_url"
    from counter_app.ops.doctor import run_doctor

    assert [f.key for f in run_doctor(d, server=False) if f.check == "config"][:1] == ["doctor.config_unreadable"]
    (d / "config.toml").write_text('counter_code = "K07"\nserver_url = "https://kesco.invalid"\n')
    assert Config.load(d).server_url == "https://kesco.invalid"  # control
