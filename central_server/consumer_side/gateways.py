"""Gateway adapters that deliver one notification: a generic JSON webhook, and an SMS provider's
HTTP API with a DLT-registered template (Indian operators deliver only registered templates; the
variables fill its blanks). Both send the notification's idempotency key, in the Idempotency-Key
header and in the body, so a gateway that received a message whose answer we never saw drops
the copy we send again.

An answer is `Delivered` (2xx, or 409: the gateway holds that key already), `Retry` (5xx, 408,
429, a timeout, a refused or cut connection: maybe later), or `Permanent` (any other 4xx: a bad
number or template, which no retry changes; it goes to the dead-letter list)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from central_server.consumer_side import sms_text
from kesco_protocol.money import format_inr

EVENT_WORDS = {"void": "CANCELLED (voided at the counter)", "dishonour": "CANCELLED (cheque/DD dishonoured)",
               "reversal": "CANCELLED (reversed)"}


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str  # delivered | retry | permanent
    detail: str = ""
    ref: str | None = None  # the gateway's id of the message, when it gives one


class Gateway(Protocol):
    def send(self, item: dict[str, Any]) -> Outcome: ...

    def close(self) -> None: ...


def _date(iso: str) -> str:
    y, m, d = iso.split("-") if iso.count("-") == 2 else ("", "", iso)
    return f"{d}-{m}-{y}" if y else iso


def message_text(item: dict[str, Any]) -> str:
    """The plain text (what the webhook carries as `text`; the SMS template says the same)."""
    amount = format_inr(int(item["amount_paise"]))
    if item["event"] == "receipt":
        return (f"KESCO: {amount} received for account {item['account_no']} on {_date(item['value_date'])}, "
                f"receipt {item['receipt_no']}. Thank you.")
    return (f"KESCO: receipt {item['receipt_no']} of {amount} for account {item['account_no']} was "
            f"{EVENT_WORDS.get(item['event'], 'CANCELLED')} on {_date(item['value_date'])}. If you paid, "
            "contact KESCO with your receipt.")


def localised(item: dict[str, Any], cfg: Any, available: tuple[str, ...] = sms_text.LANGUAGES) -> dict[str, Any]:
    """The message in the language chosen for this consumer (sms_text.choose), with its SMS length."""
    lang = sms_text.choose(item, cfg.language, cfg.max_parts, available, item.get("language"))
    words = sms_text.text(item, lang)
    length = sms_text.measure(words)
    return {"language": lang, "message": words, "encoding": length.encoding, "parts": length.parts}


def _classify(resp: httpx.Response) -> Outcome:
    if 200 <= resp.status_code < 300 or resp.status_code == 409:
        ref = None
        try:
            body = resp.json()
            if isinstance(body, dict):
                ref = str(body.get("id") or body.get("message_id") or body.get("request_id") or "") or None
        except ValueError:
            pass
        return Outcome("delivered", f"HTTP {resp.status_code}", ref)
    detail = f"HTTP {resp.status_code}: {resp.text[:200]}"
    if resp.status_code >= 500 or resp.status_code in (408, 425, 429):
        return Outcome("retry", detail)
    return Outcome("permanent", detail)


class _Http:
    def __init__(self, url: str, key: str, timeout_s: float) -> None:
        self.url = url
        self.client = httpx.Client(timeout=httpx.Timeout(timeout_s), headers={"Authorization": f"Bearer {key}"},
                                   follow_redirects=False)

    def _post(self, item: dict[str, Any], body: dict[str, Any]) -> Outcome:
        try:
            resp = self.client.post(self.url, json=body, headers={"Idempotency-Key": item["idempotency_key"]})
        except httpx.TimeoutException as e:
            return Outcome("retry", f"timeout: {type(e).__name__}")
        except httpx.HTTPError as e:
            return Outcome("retry", f"{type(e).__name__}: {str(e)[:200]}")
        return _classify(resp)

    def close(self) -> None:
        self.client.close()


class WebhookGateway(_Http):
    """POST of one JSON object per notification to the configured URL: `text` in English as
    always, and `message` in the consumer's language (with `language`, `encoding`, `parts`)."""

    def __init__(self, url: str, key: str, timeout_s: float, cfg: Any = None) -> None:
        super().__init__(url, key, timeout_s)
        self.cfg = cfg

    def send(self, item: dict[str, Any]) -> Outcome:
        return self._post(item, {
            "idempotency_key": item["idempotency_key"], "event": item["event"], "mobile": item["mobile"],
            "account_no": item["account_no"], "receipt_no": item["receipt_no"], "receipt_id": item["receipt_id"],
            "amount_paise": int(item["amount_paise"]), "value_date": item["value_date"],
            "counter_code": item["counter_code"], "text": message_text(item),
            **(localised(item, self.cfg) if self.cfg is not None else {})})


class SmsGateway(_Http):
    """An Indian SMS provider's HTTP API: the DLT template id of the language chosen for the
    consumer (only registered templates are delivered), the sender id, the number with 91, the
    template's variables in order (amount, account, date, receipt[, reason]) in that language, the
    whole text, and whether it is Unicode (UCS-2) with its parts (sms_text.measure)."""

    def __init__(self, url: str, key: str, timeout_s: float, cfg: Any) -> None:
        super().__init__(url, key, timeout_s)
        self.cfg, self.sender = cfg, cfg.sender
        self.templates: dict[str, tuple[str, str]] = cfg.templates()

    def send(self, item: dict[str, Any]) -> Outcome:
        receipt = item["event"] == "receipt"
        words = localised(item, self.cfg, tuple(self.templates))
        confirm, cancel = self.templates[words["language"]]
        return self._post(item, {
            "template_id": confirm if receipt else cancel,
            "sender": self.sender, "to": "91" + item["mobile"], "reference": item["idempotency_key"],
            "variables": sms_text.variables(item, words["language"]), "language": words["language"],
            "text": words["message"], "unicode": words["encoding"] == "ucs2", "parts": words["parts"]})


def from_config(cfg: Any) -> Gateway:
    if cfg.kind == "sms":
        return SmsGateway(cfg.url, cfg.key, cfg.timeout_s, cfg)
    return WebhookGateway(cfg.url, cfg.key, cfg.timeout_s, cfg)
