"""The consumer's SMS in Hindi (issue 15 loose end): the SMS length rules counted as an SMSC counts
them (GSM 7-bit 160 / 153 a part, extension characters two; UCS-2 70 / 67 a part, pairs never
split), the language chosen per consumer, by the server's setting, or by which DLT templates are
registered, and the body a real SMS gateway on loopback receives for each."""

from __future__ import annotations

from typing import Any

import pytest

from central_server.consumer_side import gateways, sms_text
from central_server.consumer_side.notify_config import NotifyConfig, from_env
from central_server.credentials import SecretError
from tests.support.fake_gateway import FakeGateway

KEY = "gateway-key-" + "k" * 32


def item(event: str = "receipt", amount_paise: int = 1_234_50, **kw: Any) -> dict[str, Any]:
    return {"event": event, "amount_paise": amount_paise, "account_no": "2110000018", "value_date": "2026-11-29",
            "receipt_no": "K07/2026-27/0000123", "mobile": "9876543210", "idempotency_key": "k-" + event,
            "receipt_id": "r1", "counter_code": "K07", **kw}


@pytest.mark.parametrize(("text", "encoding", "units", "parts"), [
    ("a" * 160, "gsm7", 160, 1),
    ("a" * 161, "gsm7", 161, 2),
    ("a" * 306, "gsm7", 306, 2),  # 2 x 153
    ("a" * 307, "gsm7", 307, 3),
    ("€" * 80, "gsm7", 160, 1),  # an extension character is two septets
    ("{" * 81, "gsm7", 162, 2),
    ("a" * 152 + "€" + "a" * 152, "gsm7", 306, 3),  # the escape pair is not split across parts
    ("क" * 70, "ucs2", 70, 1),
    ("क" * 71, "ucs2", 71, 2),
    ("क" * 134, "ucs2", 134, 2),  # 2 x 67
    ("क" * 135, "ucs2", 135, 3),
    ("₹" + "a" * 69, "ucs2", 70, 1),  # one rupee sign makes the whole text UCS-2
    ("₹" + "a" * 70, "ucs2", 71, 2),
    ("😀" * 35, "ucs2", 70, 1),  # outside the BMP: two UTF-16 units
    ("a" * 66 + "😀" + "a" * 66, "ucs2", 134, 3),  # the surrogate pair is not split either
    ("", "gsm7", 0, 0),
])
def test_sms_length_rules(text: str, encoding: str, units: int, parts: int) -> None:
    assert sms_text.measure(text) == sms_text.SmsLength(encoding, units, parts)


def test_hindi_and_english_texts_say_the_receipt_and_english_stays_in_the_gsm_alphabet() -> None:
    hi, en, both = (sms_text.text(item(), lang) for lang in (sms_text.HI, sms_text.EN, sms_text.HI_EN))
    assert "खाता 2110000018" in hi and "₹1,234.50" in hi and "रसीद K07/2026-27/0000123" in hi and "29-11-2026" in hi
    assert "Rs.1,234.50" in en and "K07/2026-27/0000123" in en and "₹" not in en
    assert sms_text.measure(en).encoding == "gsm7" and sms_text.measure(hi).encoding == "ucs2"
    assert both.startswith(hi) and both.endswith(en.removeprefix("KESCO: "))
    void = sms_text.text(item("void"), sms_text.HI)
    assert "रद्द" in void and "K07/2026-27/0000123" in void


def test_the_language_chosen() -> None:
    receipt, void = item(), item("void")
    assert sms_text.measure(sms_text.text(receipt, sms_text.HI_EN)).parts == 3
    assert sms_text.choose(receipt, sms_text.AUTO, 3) == sms_text.HI_EN  # both, when it fits
    assert sms_text.choose(receipt, sms_text.AUTO, 2) == sms_text.HI  # else Hindi
    assert sms_text.measure(sms_text.text(void, sms_text.HI_EN)).parts > 3
    assert sms_text.choose(void, sms_text.AUTO, 3) == sms_text.HI
    assert sms_text.choose(receipt, sms_text.EN, 3) == sms_text.EN  # the server's setting
    assert sms_text.choose(receipt, sms_text.AUTO, 3, consumer_language="en") == sms_text.EN  # the consumer's own
    # only templates registered with DLT are delivered: English alone when only it is registered
    assert sms_text.choose(receipt, sms_text.AUTO, 3, available=(sms_text.EN,)) == sms_text.EN
    assert sms_text.choose(receipt, sms_text.HI_EN, 3, available=(sms_text.HI, sms_text.EN)) == sms_text.HI


def _sms(gw: FakeGateway, **kw: Any) -> gateways.Gateway:
    return gateways.from_config(NotifyConfig(kind="sms", url=gw.url, key=KEY, sender="KESCOK", timeout_s=2, **kw))


def test_the_sms_gateway_sends_the_hindi_templates_by_default() -> None:
    with FakeGateway(key=KEY) as gw:
        g = _sms(gw, template_id="1107000000000000001", template_id_hi="1107000000000000002",
                 cancel_template_id_hi="1107000000000000003", template_id_hi_en="1107000000000000004")
        assert g.send(item()).kind == "delivered"
        assert g.send(item("dishonour")).kind == "delivered"
        g.close()
    (_, receipt), (_, dishonour) = gw.delivered
    assert receipt["template_id"] == "1107000000000000004" and receipt["language"] == "hi+en"
    assert receipt["unicode"] is True and receipt["parts"] == sms_text.measure(receipt["text"]).parts == 3
    assert receipt["variables"] == ["₹1,234.50", "2110000018", "29-11-2026", "K07/2026-27/0000123"]
    assert "प्राप्त" in receipt["text"] and "received" in receipt["text"]
    # the cancellation does not fit in three parts in both languages: the Hindi cancellation template
    assert dishonour["template_id"] == "1107000000000000003" and dishonour["language"] == "hi"
    assert dishonour["variables"][-1] == sms_text.WHY_HI["dishonour"] and "received" not in dishonour["text"]


def test_negative_control_a_gateway_with_only_the_english_template_sends_english_in_gsm() -> None:
    with FakeGateway(key=KEY) as gw:
        g = _sms(gw, template_id="1107000000000000001")
        assert g.send(item()).kind == "delivered"
        g.close()
    [(_, body)] = gw.delivered
    assert body["template_id"] == "1107000000000000001" and body["language"] == "en"
    assert body["unicode"] is False and body["parts"] == 1 and "₹" not in body["text"]


def test_the_webhook_carries_the_message_in_the_consumers_language_as_well() -> None:
    with FakeGateway(key=KEY) as gw:
        g = gateways.from_config(NotifyConfig(kind="webhook", url=gw.url, key=KEY, timeout_s=2, language="hi"))
        assert g.send(item()).kind == "delivered"
        g.close()
    [(_, body)] = gw.delivered
    assert body["text"].startswith("KESCO: ₹")  # the English text as before
    assert body["language"] == "hi" and "खाता" in body["message"] and body["encoding"] == "ucs2"


def test_language_settings_from_the_environment() -> None:
    base = {"CENTRAL_NOTIFY_KIND": "sms", "CENTRAL_NOTIFY_URL": "https://sms.example/api", "CENTRAL_NOTIFY_KEY": "k"}
    cfg = from_env({**base, "CENTRAL_NOTIFY_TEMPLATE_ID_HI": "1107"})  # Hindi alone is enough
    assert cfg is not None and cfg.language == "auto" and cfg.max_parts == 3 and list(cfg.templates()) == ["hi"]
    cfg = from_env({**base, "CENTRAL_NOTIFY_TEMPLATE_ID": "1", "CENTRAL_NOTIFY_LANGUAGE": "HI+EN",
                    "CENTRAL_NOTIFY_SMS_MAX_PARTS": "4"})
    assert cfg is not None and (cfg.language, cfg.max_parts) == ("hi+en", 4)
    for bad, says in (({"CENTRAL_NOTIFY_LANGUAGE": "fr"}, "CENTRAL_NOTIFY_LANGUAGE"),
                      ({"CENTRAL_NOTIFY_SMS_MAX_PARTS": "many"}, "whole number"),
                      ({"CENTRAL_NOTIFY_SMS_MAX_PARTS": "0"}, "1 to 10")):
        with pytest.raises(SecretError, match=says):
            from_env({**base, "CENTRAL_NOTIFY_TEMPLATE_ID": "1", **bad})
