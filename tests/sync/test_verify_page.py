"""The public /verify page (issue 15) against a real server on loopback and a real enrolled
counter: a genuine receipt, one not received yet, a changed amount, a foreign key, a replayed QR
of a cancelled receipt; the name masked; English and Hindi; no login; rate-limited."""

from __future__ import annotations

from urllib.parse import quote

import requests

from counter_app.printing.qr import qr_payload
from kesco_protocol.signing import Signer, compact, new_private_key, private_to_text, sign_receipt
from tests.conftest import SUPERVISOR
from tests.sync.harness import CounterUnderTest, LiveEnv


def _page(env: LiveEnv, code: str, lang: str = "en") -> requests.Response:
    assert env.server is not None
    return requests.get(f"{env.server.url}/verify", params={"r": code, "lang": lang}, timeout=10)


def _verdict(html: str) -> str:
    start = html.index('id="verdict">') + len('id="verdict">')
    return html[start:html.index("</p>", start)]


def _supervisor_void(k: CounterUnderTest, receipt_id: str) -> None:
    from counter_app.services.collection import Session

    k.service.void_receipt(Session("clerk1", "Test Clerk", "clerk"), receipt_id, "wrong account typed",
                           SUPERVISOR[0], SUPERVISOR[1])


def test_genuine_pending_changed_foreign_and_cancelled(sqlite_env: LiveEnv) -> None:
    env = sqlite_env
    k = env.counter("V01")
    paid, later, cancelled = k.issue(3)
    assert env.server is not None
    link = qr_payload(paid, env.server.url)  # what the phone's camera opens
    k.engine.drain()

    r = requests.get(link, timeout=10)  # the link itself, as scanned: no login
    assert r.status_code == 200
    assert _verdict(r.text).startswith("Genuine receipt. The central server received it on")
    assert paid.receipt_no in r.text and paid.consumer_name not in r.text
    assert paid.consumer_name.split()[0][0] + "*" in r.text  # masked, not hidden

    hi = _page(env, compact(paid), "hi")
    assert _verdict(hi.text).startswith("असली रसीद। केंद्रीय सर्वर को यह") and 'lang="hi"' in hi.text

    # issued after the last sync: genuine, not received yet
    fresh = k.issue(1)[0]
    assert _verdict(_page(env, compact(fresh)).text) == \
        "Not received yet: the counter may be offline; the signature is valid."

    # a changed amount on a genuine code
    code = compact(later)
    forged = code.replace(f"~{later.amount_paise}~", f"~{later.amount_paise * 10}~")
    assert _verdict(_page(env, forged).text).startswith("NOT GENUINE: the signature does not match")
    assert _verdict(_page(env, forged, "hi").text).startswith("असली नहीं")

    # signed by a key that is no counter's, under this counter's key id or its own
    thief = Signer.from_text(private_to_text(new_private_key()))
    from dataclasses import replace

    own_id = replace(later, signature=sign_receipt(replace(thief, key_id=later.key_id), later))
    own_kid = replace(later, key_id=thief.key_id, signature=sign_receipt(thief, later))
    assert _verdict(_page(env, compact(own_id)).text).startswith("NOT GENUINE: the signature does not match")
    assert _verdict(_page(env, compact(own_kid)).text) == "NOT GENUINE: it was not signed by a KESCO counter."

    # the QR of a receipt cancelled after it was handed over, replayed
    _supervisor_void(k, cancelled.receipt_id)
    k.engine.drain()
    v = _verdict(_page(env, compact(cancelled)).text)
    assert v.startswith("Genuine receipt, but it was CANCELLED at the counter on"), v
    assert "रद्द" in _verdict(_page(env, compact(cancelled), "hi").text)

    assert _verdict(_page(env, "https://example.com/?r=hello").text) == "This is not a KESCO receipt code."


def test_the_page_is_rate_limited_per_address(sqlite_env: LiveEnv) -> None:
    statuses = [_page(sqlite_env, "KR1~x").status_code for _ in range(35)]
    assert statuses[:30] == [200] * 30 and statuses[-1] == 429
    assert _page(sqlite_env, "").status_code == 200  # the empty form is not counted
    assert quote("~") == "~"  # the compact form needs no escaping in a link
