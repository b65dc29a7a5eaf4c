"""The public receipt check, `/verify` (no login): a phone's camera opens the link in a receipt's
QR, or a person pastes the code; the page says whether the receipt is genuine and its state at the
server (central_server.verify), in English or Hindi (`?lang=hi`). Rate-limited per client address,
in this process's memory like the enrolment limits. The answer is the server's, written into the
page; the page's one script (verify_offline) only speaks when the page came from the service
worker's cache, without a network."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from central_server import db
from central_server import verify as verifier
from central_server.api.routes import verify_offline
from central_server.hq import web as hq_web
from central_server.throttle import SlidingLimit
from kesco_protocol.money import format_inr

router = APIRouter(include_in_schema=False)
router.include_router(verify_offline.router)
TRIES_PER_MINUTE = 30  # a lineman checks a street's receipts; a script walking ids gets nowhere

# key -> (English, Hindi)
TEXT: dict[str, tuple[str, str]] = {
    "title": ("Check a KESCO receipt", "KESCO रसीद की जाँच"),
    "intro": ("Scan the QR code on the receipt with your phone's camera, or paste its text here.",
              "रसीद पर छपा QR कोड फ़ोन के कैमरे से स्कैन करें, या उसका टेक्स्ट यहाँ चिपकाएँ।"),
    "check": ("Check", "जाँचें"),
    "code": ("Receipt code", "रसीद कोड"),
    "other_lang": ("हिन्दी में देखें", "View in English"),
    verifier.RECEIVED: ("Genuine receipt. The central server received it on {when}.",
                        "असली रसीद। केंद्रीय सर्वर को यह {when} को प्राप्त हुई।"),
    verifier.CANCELLED: ("Genuine receipt, but it was CANCELLED at the counter on {when}. The payment does not "
                         "count: ask KESCO.",
                         "असली रसीद, परंतु इसे {when} को काउंटर पर रद्द कर दिया गया। यह भुगतान मान्य नहीं है: "
                         "KESCO से संपर्क करें।"),
    verifier.DISHONOURED: ("Genuine receipt, but the cheque or draft was DISHONOURED on {when}: the payment was "
                           "reversed.",
                           "असली रसीद, परंतु चेक या ड्राफ़्ट {when} को अनादरित हुआ: भुगतान वापस हो गया।"),
    verifier.NOT_RECEIVED: ("Not received yet: the counter may be offline; the signature is valid.",
                            "अभी प्राप्त नहीं हुई: काउंटर ऑफ़लाइन हो सकता है; हस्ताक्षर सही है।"),
    verifier.MISMATCH: ("The signature is valid, but the central server holds this receipt with other details. "
                        "Report it to KESCO.",
                        "हस्ताक्षर सही है, परंतु केंद्रीय सर्वर पर यह रसीद अलग विवरण के साथ दर्ज है। KESCO को सूचित "
                        "करें।"),
    verifier.FORGED: ("NOT GENUINE: the signature does not match the receipt's details.",
                      "असली नहीं: हस्ताक्षर रसीद के विवरण से मेल नहीं खाता।"),
    verifier.UNKNOWN_KEY: ("NOT GENUINE: it was not signed by a KESCO counter.",
                           "असली नहीं: इस पर किसी KESCO काउंटर के हस्ताक्षर नहीं हैं।"),
    verifier.UNREADABLE: ("This is not a KESCO receipt code.", "यह KESCO रसीद कोड नहीं है।"),
    "too_many": ("Too many checks from this address: wait a minute and try again.",
                 "इस पते से बहुत अधिक जाँचें: एक मिनट रुककर फिर प्रयास करें।"),
    # what the page's script says offline (central_server/static/verify/verify.js)
    "offline_valid": ("Signature valid — state at the server unknown (offline). Check again when online to "
                      "see whether the central server received it or it was cancelled.",
                      "हस्ताक्षर सही है — सर्वर पर स्थिति अज्ञात (ऑफ़लाइन)। केंद्रीय सर्वर को रसीद मिली या वह रद्द हुई, "
                      "यह ऑनलाइन होने पर फिर जाँचें।"),
    "key_not_valid": ("NOT GENUINE: the counter's key that signed it was not in use on the receipt's date.",
                      "असली नहीं: जिस काउंटर कुंजी से हस्ताक्षर हुए, वह रसीद की तिथि पर उपयोग में नहीं थी।"),
    "unsupported": ("This browser cannot check signatures offline: check the receipt when online.",
                    "यह ब्राउज़र ऑफ़लाइन हस्ताक्षर नहीं जाँच सकता: ऑनलाइन होने पर रसीद जाँचें।"),
    "no_keys": ("The counters' keys are not stored on this phone yet: open this page once while online.",
                "काउंटरों की कुंजियाँ इस फ़ोन पर अभी सहेजी नहीं गई हैं: ऑनलाइन रहते हुए यह पेज एक बार खोलें।"),
    "keys_as_of": ("Checked offline with the counters' keys as of {when}.",
                   "ऑफ़लाइन जाँच, काउंटरों की {when} तक की कुंजियों से।"),
    "receipt_no": ("Receipt number", "रसीद संख्या"),
    "account_no": ("Account", "खाता संख्या"),
    "amount": ("Amount", "राशि"),
    "value_date": ("Paid on", "भुगतान तिथि"),
    "counter": ("Counter", "काउंटर"),
    "consumer": ("Consumer", "उपभोक्ता"),
}


OFFLINE_KEYS = ("offline_valid", verifier.FORGED, verifier.UNKNOWN_KEY, "key_not_valid", verifier.UNREADABLE,
                "unsupported", "no_keys", "keys_as_of", "receipt_no", "account_no", "amount", "value_date", "counter")
# the server's headers, with the page's own script, its service worker and its key list allowed
HEADERS = {**hq_web.SECURITY_HEADERS,
           "Content-Security-Policy": hq_web.SECURITY_HEADERS["Content-Security-Policy"]
           + "; script-src 'self'; connect-src 'self'; worker-src 'self'"}


def _limit(request: Request) -> SlidingLimit:
    lim: SlidingLimit | None = getattr(request.app.state, "verify_limit", None)
    if lim is None:
        lim = request.app.state.verify_limit = SlidingLimit(TRIES_PER_MINUTE)
    return lim


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return hq_web._ist(value)
    text = str(value or "")
    try:
        return hq_web._ist(datetime.fromisoformat(text))
    except ValueError:
        return text[:40]


@router.get("/verify", response_class=HTMLResponse)
def verify_page(request: Request, r: Annotated[str | None, Query(max_length=1000)] = None,
                lang: Annotated[str, Query(max_length=2)] = "en") -> HTMLResponse:
    hi = lang == "hi"

    def t(key: str, **params: Any) -> str:
        en, hindi = TEXT[key]
        return (hindi if hi else en).format(**params)

    ctx: dict[str, Any] = {"t": t, "hi": hi, "code": r or "", "verdict": None, "message": None, "inr": format_inr,
                           "offline_text": {k: TEXT[k][hi] for k in OFFLINE_KEYS}}
    status = 200
    if r:
        address = request.client.host if request.client else "unknown"
        if _limit(request).take(address):
            ctx["message"], status = t("too_many"), 429
        else:
            with db.read_tx(hq_web.engine_of(request)) as conn:
                v = verifier.check(conn, r)
            ctx["verdict"] = v
            ctx["message"] = t(v.state, when=_when(v.when))
    html = hq_web.templates.get_template("verify.html").render(**ctx)
    headers = dict(HEADERS)
    if status == 429:
        headers["Retry-After"] = "60"
    return HTMLResponse(html, status_code=status, headers=headers)
