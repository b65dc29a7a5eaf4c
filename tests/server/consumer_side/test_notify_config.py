"""The gateway's settings from the environment: unset means queue only; a half configuration is
refused with the variable to fix, never guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from central_server.consumer_side.notify_config import from_env
from central_server.credentials import SecretError


def test_unset_means_no_gateway() -> None:
    assert from_env({}) is None


def test_sms_from_env_with_the_key_in_a_file(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_text("s3cr3t-key-of-the-provider-0123456789\n", encoding="utf-8")
    cfg = from_env({"CENTRAL_NOTIFY_KIND": "sms", "CENTRAL_NOTIFY_URL": "https://sms.example/api",
                    "CENTRAL_NOTIFY_KEY_FILE": str(key), "CENTRAL_NOTIFY_TEMPLATE_ID": "1107", "CENTRAL_NOTIFY_WORKER": "0"})
    assert cfg is not None and (cfg.kind, cfg.key, cfg.template_id, cfg.start_worker) == (
        "sms", "s3cr3t-key-of-the-provider-0123456789", "1107", False)


@pytest.mark.parametrize(("env", "message"), [
    ({"CENTRAL_NOTIFY_KIND": "pigeon"}, "must be one of webhook, sms"),
    ({"CENTRAL_NOTIFY_KIND": "webhook", "CENTRAL_NOTIFY_URL": "ftp://x", "CENTRAL_NOTIFY_KEY": "k"}, "http(s) URL"),
    ({"CENTRAL_NOTIFY_KIND": "webhook", "CENTRAL_NOTIFY_URL": "https://x"}, "CENTRAL_NOTIFY_KEY"),
    ({"CENTRAL_NOTIFY_KIND": "sms", "CENTRAL_NOTIFY_URL": "https://x", "CENTRAL_NOTIFY_KEY": "k"}, "TEMPLATE_ID"),
])
def test_half_configurations_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(SecretError, match=message.replace("(", r"\(").replace(")", r"\)")):
        from_env(env)
