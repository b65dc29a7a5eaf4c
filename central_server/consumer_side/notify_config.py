"""The notification gateway's settings, from the server's environment like its other secrets
(central_server.credentials):

    CENTRAL_NOTIFY_KIND          webhook | sms (unset: no notifications are delivered; they queue)
    CENTRAL_NOTIFY_URL           the gateway's HTTPS endpoint
    CENTRAL_NOTIFY_KEY(_FILE)    the key it issued us (sent as a bearer token)
    CENTRAL_NOTIFY_TEMPLATE_ID   sms: the DLT-registered template id of the confirmation
    CENTRAL_NOTIFY_CANCEL_TEMPLATE_ID  sms: that of the cancellation (default: the same id)
    CENTRAL_NOTIFY_SENDER        sms: the registered sender id (header), e.g. KESCOK
    CENTRAL_NOTIFY_TIMEOUT_S     seconds one delivery may take (default 10)
    CENTRAL_NOTIFY_WORKER        0: the server does not start the delivery worker itself (run
                                 `central-server notify run` as its own service instead)

Kept out of central_server.config so that module stays free of the gateway's details."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from central_server.credentials import SecretError, read_secret

KINDS = ("webhook", "sms")


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    kind: str
    url: str
    key: str
    template_id: str | None = None
    cancel_template_id: str | None = None
    sender: str | None = None
    timeout_s: float = 10.0
    start_worker: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise SecretError(f"CENTRAL_NOTIFY_KIND must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if not self.url.startswith(("https://", "http://")):
            raise SecretError("CENTRAL_NOTIFY_URL must be an http(s) URL")
        if not self.key:
            raise SecretError("CENTRAL_NOTIFY_KEY (or CENTRAL_NOTIFY_KEY_FILE) is not set: the gateway's key")
        if self.kind == "sms" and not self.template_id:
            raise SecretError("an SMS gateway needs CENTRAL_NOTIFY_TEMPLATE_ID (the DLT-registered template)")


def from_env(env: Mapping[str, str] | None = None) -> NotifyConfig | None:
    env = os.environ if env is None else env
    kind = env.get("CENTRAL_NOTIFY_KIND", "").strip()
    if not kind:
        return None
    return NotifyConfig(
        kind=kind, url=env.get("CENTRAL_NOTIFY_URL", "").strip(), key=read_secret("CENTRAL_NOTIFY_KEY", env) or "",
        template_id=env.get("CENTRAL_NOTIFY_TEMPLATE_ID") or None,
        cancel_template_id=env.get("CENTRAL_NOTIFY_CANCEL_TEMPLATE_ID") or None,
        sender=env.get("CENTRAL_NOTIFY_SENDER") or None,
        timeout_s=float(env.get("CENTRAL_NOTIFY_TIMEOUT_S", "10")),
        start_worker=env.get("CENTRAL_NOTIFY_WORKER", "1") != "0",
    )
