"""What the offline /verify page is served with (issue 15), without a browser: the counters' public
keys with their validity in IST (a re-enrolment closes the old key), bounded, with an ETag; the
service worker allowed to control /verify and carrying the page's build; the page's policy letting
its own script run and nothing else; the QR parser refusing what is not the printed base64url."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from central_server import counters, db, keys
from central_server import verify as verifier
from central_server.api.routes import verify_offline
from kesco_protocol.errors import ValidationError
from kesco_protocol.signing import new_private_key, parse, public_text

ENROLLED = datetime(2026, 11, 1, 19, 0, tzinfo=UTC)  # 2 Nov 2026, 00:30 IST: the IST date counts
REENROLLED = datetime(2026, 11, 20, 4, 30, tzinfo=UTC)


def _keys(engine) -> tuple[str, str]:
    first, second = public_text(new_private_key()), public_text(new_private_key())
    with db.write_tx(engine) as conn:
        counters.add(conn, "K01", "Counter K01")
        keys.register(conn, "K01", first, ENROLLED)
        keys.register(conn, "K01", second, REENROLLED)
    return first, second


def test_the_key_list_has_every_key_with_its_validity(client, engine):
    first, second = _keys(engine)
    r = client.get("/verify/keys.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.headers["cache-control"] == "public, max-age=300"
    doc = r.json()
    assert doc["format"] == "kesco-verify-keys/1" and doc["truncated"] is False
    assert [(k["public_key"], k["counter_code"], k["valid_from"], k["valid_to"]) for k in doc["keys"]] == [
        (second, "K01", "2026-11-20T10:00:00+05:30", None),
        (first, "K01", "2026-11-02T00:30:00+05:30", "2026-11-20T10:00:00+05:30"),
    ]
    assert {k["key_id"] for k in doc["keys"]} == {keys.key_id(first), keys.key_id(second)}
    again = client.get("/verify/keys.json", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_the_key_list_is_bounded_newest_first(engine, monkeypatch):
    _keys(engine)
    monkeypatch.setattr(verifier, "MAX_PUBLIC_KEYS", 1)
    with db.read_tx(engine) as conn:
        doc = verifier.public_keys(conn, datetime.now(UTC))
    assert doc["truncated"] is True and [k["valid_from"][:10] for k in doc["keys"]] == ["2026-11-20"]


def test_the_worker_controls_verify_and_the_page_runs_only_its_own_script(client):
    sw = client.get("/verify/sw.js")
    assert sw.status_code == 200 and sw.headers["content-type"].startswith("text/javascript")
    assert sw.headers["service-worker-allowed"] == "/verify" and sw.headers["cache-control"] == "no-cache"
    assert f'var VERSION = "{verify_offline.BUILD}";' in sw.text and "__VERSION__" not in sw.text
    assert client.get("/verify/sw.js", headers={"If-None-Match": sw.headers["etag"]}).status_code == 304
    js = client.get("/verify/verify.js")
    assert js.status_code == 200 and "KescoVerify" in js.text
    assert not re.search(r"https?://|import\(|importScripts", js.text + sw.text)  # nothing from elsewhere

    page = client.get("/verify?lang=hi")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "'unsafe-inline'" not in csp
    assert '<script src="/verify/verify.js" defer></script>' in page.text
    texts = page.text.split('<script type="application/json" id="verify-text">', 1)[1].split("</script>", 1)[0]
    assert json.loads(texts)["offline_valid"].startswith("हस्ताक्षर सही है — सर्वर पर स्थिति अज्ञात (ऑफ़लाइन)")
    assert page.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("change", [
    lambda sig: sig.replace("-", "+").replace("_", "/") + ("+" if "-" not in sig and "_" not in sig else ""),
    lambda sig: sig + "==",
    lambda sig: sig[:40] + "!" + sig[40:],
])
def test_the_qr_signature_must_be_base64url_as_printed(change):
    from kesco_protocol.signing import Signer, compact, private_to_text
    from tests.e2e.test_verify_offline import signed

    code = compact(signed(Signer.from_text(private_to_text(new_private_key())), 1))
    head, sig = code.rsplit("~", 1)
    parse(code)
    with pytest.raises(ValidationError):
        parse(f"{head}~{change(sig)}")
