"""The notification gateway's settings, from the server's environment like its other secrets
(central_server.credentials):

    CENTRAL_NOTIFY_KIND          webhook | sms (unset: no notifications are delivered; they queue)
    CENTRAL_NOTIFY_URL           the gateway's HTTPS endpoint
    CENTRAL_NOTIFY_KEY(_FILE)    the key it issued us (sent as a bearer token)
    CENTRAL_NOTIFY_TEMPLATE_ID   sms: the DLT-registered template id of the English confirmation
    CENTRAL_NOTIFY_CANCEL_TEMPLATE_ID  sms: that of the cancellation (default: the same id)
    CENTRAL_NOTIFY_TEMPLATE_ID_HI, CENTRAL_NOTIFY_CANCEL_TEMPLATE_ID_HI        sms: the Hindi ones
    CENTRAL_NOTIFY_TEMPLATE_ID_HI_EN, CENTRAL_NOTIFY_CANCEL_TEMPLATE_ID_HI_EN  sms: Hindi + English
                                 (an SMS gateway needs at least one confirmation template; only the
                                 languages with one are sent)
    CENTRAL_NOTIFY_LANGUAGE      auto (default: Hindi + English when it fits in the parts below,
                                 else Hindi) | hi | en | hi+en; a consumer's own language from the
                                 master data comes first when it has one
    CENTRAL_NOTIFY_SMS_MAX_PARTS the SMS parts a bilingual message may take under `auto` (default 3)
    CENTRAL_NOTIFY_SENDER        sms: the registered sender id (header), e.g. KESCOK
    CENTRAL_NOTIFY_TIMEOUT_S     seconds one delivery may take (default 10)
    CENTRAL_NOTIFY_WORKER        0: the server does not start the delivery worker itself (run
                                 `central-server notify run` as its own service instead)

Kept out of central_server.config so that module stays free of the gateway's details."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from central_server.consumer_side import sms_text
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
    template_id_hi: str | None = None
    cancel_template_id_hi: str | None = None
    template_id_hi_en: str | None = None
    cancel_template_id_hi_en: str | None = None
    language: str = sms_text.AUTO
    max_parts: int = 3

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise SecretError(f"CENTRAL_NOTIFY_KIND must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if not self.url.startswith(("https://", "http://")):
            raise SecretError("CENTRAL_NOTIFY_URL must be an http(s) URL")
        if not self.key:
            raise SecretError("CENTRAL_NOTIFY_KEY (or CENTRAL_NOTIFY_KEY_FILE) is not set: the gateway's key")
        if self.kind == "sms" and not self.templates():
            raise SecretError("an SMS gateway needs CENTRAL_NOTIFY_TEMPLATE_ID (the DLT-registered template; "
                              "or CENTRAL_NOTIFY_TEMPLATE_ID_HI / _HI_EN for Hindi)")
        if self.language not in (sms_text.AUTO, *sms_text.LANGUAGES):
            raise SecretError(f"CENTRAL_NOTIFY_LANGUAGE must be one of auto, {', '.join(sms_text.LANGUAGES)}, "
                              f"not {self.language!r}")
        if not 1 <= self.max_parts <= 10:
            raise SecretError(f"CENTRAL_NOTIFY_SMS_MAX_PARTS must be 1 to 10, not {self.max_parts}")

    def templates(self) -> dict[str, tuple[str, str]]:
        """Language -> (confirmation template id, cancellation template id) registered with DLT."""
        ids = {sms_text.EN: (self.template_id, self.cancel_template_id),
               sms_text.HI: (self.template_id_hi, self.cancel_template_id_hi),
               sms_text.HI_EN: (self.template_id_hi_en, self.cancel_template_id_hi_en)}
        return {lang: (t, c or t) for lang, (t, c) in ids.items() if t}


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
        template_id_hi=env.get("CENTRAL_NOTIFY_TEMPLATE_ID_HI") or None,
        cancel_template_id_hi=env.get("CENTRAL_NOTIFY_CANCEL_TEMPLATE_ID_HI") or None,
        template_id_hi_en=env.get("CENTRAL_NOTIFY_TEMPLATE_ID_HI_EN") or None,
        cancel_template_id_hi_en=env.get("CENTRAL_NOTIFY_CANCEL_TEMPLATE_ID_HI_EN") or None,
        language=env.get("CENTRAL_NOTIFY_LANGUAGE", "").strip().lower() or sms_text.AUTO,
        max_parts=_int(env, "CENTRAL_NOTIFY_SMS_MAX_PARTS", 3),
    )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SecretError(f"{name} must be a whole number, not {raw!r}") from None
