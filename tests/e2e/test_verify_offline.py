"""The /verify page without a network (issue 15), in a real headless Chromium (Debian's, through
Selenium, as test_hq_browser): opened once online, its service worker keeps the page, its script
and the counters' public keys; then, with the network cut (DevTools offline, and the loopback
server stopped), a genuine QR verifies in the browser (WebCrypto Ed25519), a changed amount is
forged, a foreign key unknown, a key used outside its validity refused. The negative control: the
same browser bypassing the service worker cannot load the page at all.

And one table of QR texts run through both parsers, kesco_protocol.signing (Python) and
central_server/static/verify/verify.js (in the browser): they must agree on every one."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from central_server import counters, db, keys, migrate
from central_server import verify as verifier
from central_server.api.routes import verify_offline
from central_server.config import Settings
from central_server.ingest import RecordIn, ingest_records
from counter_app.domain.chain import seal
from kesco_protocol.chain import GENESIS_HASH
from kesco_protocol.errors import ValidationError
from kesco_protocol.records import Receipt
from kesco_protocol.signing import (
    Signer,
    compact,
    new_private_key,
    parse,
    private_to_text,
    public_text,
    sign_receipt,
    verify_signature,
)
from tests.e2e.test_hq_browser import CHROMEDRIVER, CHROMIUM, FLAGS, _browser_or_skip
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser

CODE = "V15"
ENROLLED = datetime(2026, 11, 1, 4, 30, tzinfo=UTC)  # 1 Nov 2026, 10:00 IST
DAY = "2026-11-29"
BEFORE_ENROLMENT = "2026-10-30"
VALID = "Signature valid — state at the server unknown (offline)."
FORGED = "NOT GENUINE: the signature does not match the receipt's details."
UNKNOWN = "NOT GENUINE: it was not signed by a KESCO counter."
NOT_IN_USE = "NOT GENUINE: the counter's key that signed it was not in use on the receipt's date."


def signed(signer: Signer, seq: int, head: str = GENESIS_HASH, day: str = DAY, counter: str = CODE) -> Receipt:
    r = seal(Receipt(f"00000000-0000-4000-8000-{seq:012d}", counter, seq, f"{counter}/2026-27/{seq:07d}",
                     f"{2110000000 + seq}", "Ram Prasad Gupta", "LMV1", None, 1_234_56 + seq, "cash", None, None,
                     "clerk1", "shift-1", f"{day}T10:00:00+05:30", day, False, None), head)
    return replace(r, key_id=signer.key_id, signature=sign_receipt(signer, r))


@dataclass
class Codes:
    received: str  # at the server
    pending: str  # genuine, never sent
    early: str  # signed by the counter's key, dated before the key was enrolled
    amount_paise: int
    database_url: str


@pytest.fixture
def browser(tmp_path, monkeypatch):
    _browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never fetch a browser or driver
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def signer() -> Signer:
    return Signer.from_text(private_to_text(new_private_key()))


@pytest.fixture
def server(tmp_path: Path, signer: Signer):
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    engine = db.make_engine(Settings(database_url=url))
    migrate.upgrade(engine)
    received = signed(signer, 1)
    pending = signed(signer, 2, received.hash)
    with db.write_tx(engine) as conn:
        counters.add(conn, CODE, "Verify counter")
        keys.register(conn, CODE, public_text(signer.private), ENROLLED)
        ingest_records(conn, CODE, [RecordIn("receipt", received.receipt_id, received.wire())])
    engine.dispose()
    codes = Codes(compact(received), compact(pending), compact(signed(signer, 9, day=BEFORE_ENROLMENT)),
                  received.amount_paise, url)
    with LiveServer(url) as srv:
        yield srv, codes


def _open(browser, base: str, code: str, lang: str = "en") -> None:
    browser.get(f"{base}/verify?{urlencode({'lang': lang, 'r': code})}")


def _offline_verdict(browser) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.ID, "offline-verdict"))
    assert not browser.find_elements(By.ID, "verdict")  # no answer from the server on this page
    return str(browser.find_element(By.ID, "offline-verdict").text)


def _worker_ready(browser) -> str:
    """Wait until the service worker controls the page (it has cached what it keeps by then)."""
    return str(browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        navigator.serviceWorker.ready.then(reg => {
            const wait = () => navigator.serviceWorker.controller ? done(reg.active.state) : setTimeout(wait, 50);
            wait();
        }, e => done('error: ' + e));"""))


def _devtools_offline(browser, offline: bool, worker: str | None = None) -> str:
    """DevTools' offline mode, for the page and for the service worker: the page's setting does
    not reach the worker's own fetches (a target of its own), so the worker's target is attached
    and told too (through the page's session, which is all chromedriver gives)."""
    import json

    conditions = {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", conditions)
    if worker is None:
        targets = browser.execute_cdp_cmd("Target.getTargets", {})["targetInfos"]
        sw = [t for t in targets if t["type"] == "service_worker" and t["url"].endswith("/verify/sw.js")]
        assert len(sw) == 1, targets
        worker = str(browser.execute_cdp_cmd("Target.attachToTarget",
                                             {"targetId": sw[0]["targetId"], "flatten": False})["sessionId"])
    for i, (method, params) in enumerate((("Network.enable", {}), ("Network.emulateNetworkConditions", conditions))):
        browser.execute_cdp_cmd("Target.sendMessageToTarget", {
            "sessionId": worker, "message": json.dumps({"id": 1000 + i, "method": method, "params": params})})
    return worker


def test_verify_offline_in_chromium(browser, server, signer):
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    srv, codes = server
    base = srv.url
    browser.get(f"{base}/verify?lang=en")  # once, online
    assert _worker_ready(browser) in ("activating", "activated")
    ed25519 = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        crypto.subtle.generateKey({name: 'Ed25519'}, false, ['sign', 'verify']).then(() => done('yes'),
                                                                                   e => done(String(e)));""")
    assert ed25519 == "yes", f"this Chromium has no Ed25519 in WebCrypto: {ed25519}"

    # online, through the worker, the server still answers with the receipt's state
    _open(browser, base, codes.received)
    assert browser.find_element(By.ID, "verdict").text.startswith(
        "Genuine receipt. The central server received it on")

    # the browser offline (DevTools), the server still up
    worker = _devtools_offline(browser, True)
    _open(browser, base, codes.received)
    assert _offline_verdict(browser).startswith(VALID)
    _devtools_offline(browser, False, worker)
    _open(browser, base, codes.received)
    assert browser.find_element(By.ID, "verdict").text.startswith("Genuine receipt.")  # back online

    # a counter enrolled after the first visit: the next online visit refreshes the kept keys
    late = Signer.from_text(private_to_text(new_private_key()))
    engine = db.make_engine(Settings(database_url=codes.database_url))
    with db.write_tx(engine) as conn:
        counters.add(conn, "V16", "Enrolled later")
        keys.register(conn, "V16", public_text(late.private), ENROLLED)
    engine.dispose()
    time.sleep(verify_offline.KEYS_REBUILD_S + 0.3)  # the server's own short cache of the list
    browser.get(f"{base}/verify?lang=en")
    assert browser.execute_async_script("""
        const [kid, done] = arguments;
        const until = Date.now() + 20000;
        const look = () => caches.match('/verify/keys.json').then(r => r ? r.json() : {keys: []}).then(d => {
            if (d.keys.some(k => k.key_id === kid)) done(true);
            else if (Date.now() > until) done(false);
            else setTimeout(look, 100);
        });
        look();""", late.key_id), "the worker kept the key list of the first visit"

    # the honest cut: no server at all
    srv.stop()
    _open(browser, base, codes.received)
    assert _offline_verdict(browser).startswith(VALID)
    table = browser.find_element(By.CSS_SELECTOR, "#offline table.receipt").text
    assert f"{CODE}/2026-27/0000001" in table and "₹1,234.57" in table and DAY in table
    assert "Ram" not in browser.page_source  # the QR holds no name, and none is made up

    _open(browser, base, codes.received, "hi")
    assert _offline_verdict(browser).startswith("हस्ताक्षर सही है — सर्वर पर स्थिति अज्ञात (ऑफ़लाइन)।")

    _open(browser, base, codes.pending)  # genuine, never sent: the same answer offline
    assert _offline_verdict(browser).startswith(VALID)

    changed = codes.received.replace(f"~{codes.amount_paise}~", f"~{codes.amount_paise * 10}~")
    assert changed != codes.received
    _open(browser, base, changed)
    assert _offline_verdict(browser) == FORGED
    _open(browser, base, changed, "hi")
    assert _offline_verdict(browser).startswith("असली नहीं: हस्ताक्षर रसीद के विवरण से मेल नहीं खाता")

    thief = Signer.from_text(private_to_text(new_private_key()))
    _open(browser, base, compact(signed(thief, 1)))
    assert _offline_verdict(browser) == UNKNOWN
    _open(browser, base, compact(signed(thief, 1)), "hi")
    assert _offline_verdict(browser) == "असली नहीं: इस पर किसी KESCO काउंटर के हस्ताक्षर नहीं हैं।"

    _open(browser, base, codes.early)
    assert _offline_verdict(browser) == NOT_IN_USE

    _open(browser, base, compact(signed(late, 1, counter="V16")))
    assert _offline_verdict(browser).startswith(VALID)

    # a code pasted into the form, offline
    browser.get(f"{base}/verify?lang=en")
    browser.find_element(By.ID, "r").send_keys(changed)
    browser.find_element(By.CSS_SELECTOR, "form button").click()
    assert _offline_verdict(browser) == FORGED

    # negative control: the same browser, the same cache, but past the service worker
    browser.execute_cdp_cmd("Network.setBypassServiceWorker", {"bypass": True})
    try:
        _open(browser, base, codes.received)
    except WebDriverException as e:
        assert "ERR_CONNECTION_REFUSED" in str(e)
    else:
        assert "ERR_CONNECTION_REFUSED" in browser.page_source
        assert not browser.find_elements(By.ID, "r")


# --- the same vectors through both parsers --------------------------------------------------------

def _key_entry(s: Signer, counter: str = CODE, valid_from: datetime = ENROLLED) -> dict[str, Any]:
    return {"key_id": s.key_id, "counter_code": counter, "public_key": public_text(s.private),
            "valid_from": verifier._ist(valid_from), "valid_to": None}


def _python_verdict(text: str, key_list: list[dict[str, Any]]) -> dict[str, Any]:
    """What the browser must say, from kesco_protocol.signing and the validity rule of keys.json."""
    try:
        claim, sig = parse(text)
    except ValidationError:
        return {"state": "unreadable"}
    key = {k["key_id"]: k for k in key_list}.get(claim.key_id)
    if key is None or key["counter_code"] != claim.counter_code:
        state = "unknown_key"
    elif not verify_signature(key["public_key"], claim, sig):
        state = "forged"
    elif not (re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", claim.value_date) and key["valid_from"][:10] <= claim.value_date
              and (key["valid_to"] is None or claim.value_date <= key["valid_to"][:10])):
        state = "key_not_valid"
    else:
        state = "offline_valid"
    return {"state": state, "receipt_no": claim.receipt_no, "receipt_id": claim.receipt_id,
            "account_no": claim.account_no, "amount_paise": str(claim.amount_paise), "value_date": claim.value_date,
            "counter_code": claim.counter_code, "key_id": claim.key_id, "hash": claim.hash, "signature": sig,
            "signed_text": claim.signed_text()}


def _vectors(signer: Signer) -> list[str]:
    good = signed(signer, 1)
    code = compact(good)
    head, sig = code.rsplit("~", 1)
    amount = f"~{good.amount_paise}~"
    thief = Signer.from_text(private_to_text(new_private_key()))
    return [
        code,
        f"http://127.0.0.1:8000/verify?r={code}",
        f"https://kesco.example/verify?lang=hi&r={code}#top",
        f"/verify?r={code}",
        f"?r={code}",
        f"  {code}\n",
        "http://x/verify?r=" + quote(code, safe=""),
        f"http://x/verify?r=&r={code}",  # a blank value is skipped, as parse_qs does
        code.replace(amount, f"~{good.amount_paise * 10}~"),  # forged
        code.replace(amount, f"~0{good.amount_paise}~"),  # the same amount written with a leading zero
        code.replace(f"~{DAY}~", "~2026-11-30~"),
        compact(signed(thief, 1)),  # a key no counter has
        compact(replace(good, signature=sign_receipt(replace(thief, key_id=signer.key_id), good))),
        compact(signed(signer, 1, counter="V16")),  # the key of another counter
        compact(signed(signer, 3, day=BEFORE_ENROLMENT)),
        compact(signed(signer, 4, day="29-11-2026")),
        "KR2" + code[3:],
        code + "~extra",
        head,
        code.replace(amount, "~-5~"),
        code.replace(amount, "~1e3~"),
        code.replace(amount, "~~"),
        code.replace(f"~{signer.key_id}~", f"~{signer.key_id.upper()}~"),
        f"{head}~{sig[:-2]}",
        f"{head}~{sig[:40]}!{sig[40:]}",  # a character outside base64url
        f"{head}~{sig.replace('-', '+').replace('_', '/')}" if ("-" in sig or "_" in sig) else f"{head}~{sig}=",
        f"{head}~{sig}==",
        code + " " * 990,
        code + "x" * 1000,
        "hello",
        "",
    ]


def test_python_and_browser_parse_alike(browser, server, signer):
    srv, _ = server
    key_list = [_key_entry(signer)]
    texts = _vectors(signer)
    browser.get(f"{srv.url}/verify?lang=en")
    got = browser.execute_async_script("""
        const [texts, keys, done] = arguments;
        Promise.all(texts.map(t => KescoVerify.check(t, keys).then(v => {
            const c = v.claim;
            return c ? Object.assign({state: v.state}, c) : {state: v.state};
        }))).then(done, e => done('error: ' + e));""", texts, key_list)
    assert not isinstance(got, str), got
    want = [_python_verdict(t, key_list) for t in texts]
    differ = [(t, w, g) for t, w, g in zip(texts, want, got, strict=True) if w != g]
    assert not differ, differ
    states = [w["state"] for w in want]
    assert states.count("offline_valid") == 10 and "forged" in states and "unknown_key" in states
    assert "key_not_valid" in states and states.count("unreadable") >= 12
