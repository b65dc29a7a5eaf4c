/* The receipt check in the browser (issue 15): the QR text parsed as kesco_protocol/signing.py
 * parses it, its Ed25519 signature checked with WebCrypto against the counters' public keys
 * (/verify/keys.json, kept by the service worker), and the key's validity on the receipt's date.
 * It is what the /verify page says when it was served from the service worker's cache, i.e.
 * without a network: the state at the server is then unknown. Online the server answers (the
 * page comes with its verdict) and this script only registers the service worker.
 *
 * Plain JavaScript, no build step, no external file. The same functions run in the page and in
 * tests (window.KescoVerify); tests/e2e/test_verify_offline.py runs shared vectors through this
 * parser and the Python one. */
(function (root) {
  "use strict";

  var VERSION = "KR1";
  var SEP = "~";
  var QUERY = "r";
  var FIELDS = 8; // receipt_no receipt_id account_no amount_paise value_date counter_code key_id hash
  var B64U = /^[A-Za-z0-9_-]*$/;
  var KEY_ID = /^[0-9a-f]{16}$/;
  var DATE = /^\d{4}-\d{2}-\d{2}$/;

  function Unreadable(detail) {
    this.name = "Unreadable";
    this.message = detail;
  }

  function unb64u(text) {
    // strict about the alphabet (signing.unb64u is given only such text by signing.parse);
    // like Python, the unused low bits of the last character are ignored
    if (!B64U.test(text) || text.length % 4 === 1) throw new Unreadable("not base64url");
    var std = text.replace(/-/g, "+").replace(/_/g, "/");
    var bin = root.atob(std + "==".slice(0, (4 - (std.length % 4)) % 4));
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function b64u(bytes) {
    var bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return root.btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function hex(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return s;
  }

  function queryValue(s) {
    // urllib's urlsplit + parse_qs: the fragment goes first, then the text after the first "?";
    // blank values are dropped, the first remaining one counts
    var hash = s.indexOf("#");
    if (hash >= 0) s = s.slice(0, hash);
    var q = s.indexOf("?");
    var values = new URLSearchParams(q >= 0 ? s.slice(q + 1) : "").getAll(QUERY).filter(function (v) {
      return v !== "";
    });
    return values.length ? values[0] : "";
  }

  /* The claim and signature in a QR's text: the whole link, its query, or the compact form alone.
   * Throws Unreadable when it is none of these (signing.parse raises verify.unreadable). */
  function parse(text) {
    var s = String(text === null || text === undefined ? "" : text).trim();
    if (Array.from(s).length > 1000) throw new Unreadable("longer than any receipt's code");
    if (s.indexOf("://") >= 0 || s.indexOf("/verify") === 0 || s.indexOf("?") === 0) s = queryValue(s);
    var parts = s.split(SEP);
    if (parts.length !== FIELDS + 2 || parts[0] !== VERSION) {
      throw new Unreadable("not a KESCO receipt code of a known version");
    }
    var f = parts.slice(1, -1);
    var sigText = parts[parts.length - 1];
    if (!/^[0-9]+$/.test(f[3])) throw new Unreadable("bad amount");
    var digest = unb64u(f[7]);
    if (digest.length !== 32) throw new Unreadable("bad hash");
    var signature = unb64u(sigText);
    if (signature.length !== 64 || !KEY_ID.test(f[6])) throw new Unreadable("bad signature or key id");
    var amount = BigInt(f[3]).toString(); // paise, an integer of any size: never a float
    var claim = {
      receipt_no: f[0], receipt_id: f[1], account_no: f[2], amount_paise: amount, value_date: f[4],
      counter_code: f[5], key_id: f[6], hash: hex(digest), signature: sigText
    };
    // rebuilt, not copied: Claim.signed_text() writes the amount and the hash afresh
    claim.signed_text = [VERSION, f[0], f[1], f[2], amount, f[4], f[5], f[6], b64u(digest)].join(SEP);
    return claim;
  }

  /* True, false, or throws an Error named NotSupportedError when the browser has no Ed25519. */
  function verifySignature(publicKey, signedText, signature) {
    var subtle = root.crypto && root.crypto.subtle;
    if (!subtle) return Promise.reject(notSupported());
    var raw;
    try {
      raw = unb64u(publicKey);
      if (raw.length !== 32) return Promise.resolve(false);
    } catch (e) {
      return Promise.resolve(false);
    }
    return subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]).then(function (key) {
      return subtle.verify({ name: "Ed25519" }, key, unb64u(signature), new TextEncoder().encode(signedText));
    }, function (e) {
      if (e && e.name === "NotSupportedError") throw e;
      return false; // bytes that are no point on the curve: nothing verifies with them
    });
  }

  function notSupported() {
    var e = new Error("no Ed25519 in this browser's WebCrypto");
    e.name = "NotSupportedError";
    return e;
  }

  /* keys.json gives valid_from / valid_to in IST (+05:30), the receipts' business dates are IST
   * dates: the key was in use on the date when it falls between the two dates, both included. */
  function validOn(key, date) {
    if (!DATE.test(date)) return false;
    var from = String(key.valid_from || "").slice(0, 10);
    var to = key.valid_to ? String(key.valid_to).slice(0, 10) : null;
    return from !== "" && date >= from && (to === null || date <= to);
  }

  /* The offline verdict: unreadable, unknown_key, forged, key_not_valid, offline_valid, or
   * unsupported (no Ed25519 in this browser). */
  function check(text, keys) {
    var claim;
    try {
      claim = parse(text);
    } catch (e) {
      if (e instanceof Unreadable) return Promise.resolve({ state: "unreadable" });
      throw e;
    }
    var key = null;
    (keys || []).forEach(function (k) {
      if (k.key_id === claim.key_id) key = k;
    });
    if (key === null || key.counter_code !== claim.counter_code) {
      return Promise.resolve({ state: "unknown_key", claim: claim });
    }
    return verifySignature(key.public_key, claim.signed_text, claim.signature).then(function (ok) {
      if (!ok) return { state: "forged", claim: claim };
      return { state: validOn(key, claim.value_date) ? "offline_valid" : "key_not_valid", claim: claim };
    }, function (e) {
      if (e && e.name === "NotSupportedError") return { state: "unsupported", claim: claim };
      throw e;
    });
  }

  /* format_inr: "₹1,23,456.50" from paise given as decimal text */
  function inr(paiseText) {
    var p = BigInt(paiseText);
    var rupees = (p / 100n).toString();
    var rest = (p % 100n).toString().padStart(2, "0");
    var head = rupees.slice(0, -3);
    var grouped = rupees.slice(-3);
    while (head.length > 2) {
      grouped = head.slice(-2) + "," + grouped;
      head = head.slice(0, -2);
    }
    if (head) grouped = head + "," + grouped;
    return "\u20b9" + grouped + "." + rest;
  }

  // --- the page ---------------------------------------------------------------------------------

  var GENUINE = { offline_valid: true };

  function render(doc, text, verdict, keysAsOf) {
    var box = doc.getElementById("offline");
    var p = doc.createElement("p");
    p.id = "offline-verdict";
    p.setAttribute("role", "alert");
    p.className = "verdict offline " + (GENUINE[verdict.state] ? "genuine " : "error ") + verdict.state;
    p.textContent = text[verdict.state];
    box.appendChild(p);
    if (verdict.claim && GENUINE[verdict.state]) {
      var table = doc.createElement("table");
      table.className = "receipt";
      [["receipt_no", verdict.claim.receipt_no], ["account_no", verdict.claim.account_no],
       ["amount", inr(verdict.claim.amount_paise)], ["value_date", verdict.claim.value_date],
       ["counter", verdict.claim.counter_code]].forEach(function (row) {
        var tr = table.insertRow();
        var th = doc.createElement("th");
        th.textContent = text[row[0]];
        tr.appendChild(th);
        tr.insertCell().textContent = row[1];
      });
      box.appendChild(table);
    }
    if (keysAsOf) {
      var note = doc.createElement("p");
      note.className = "keys-as-of";
      note.textContent = text.keys_as_of.replace("{when}", keysAsOf);
      box.appendChild(note);
    }
    box.hidden = false;
  }

  function page() {
    var doc = root.document;
    if (root.navigator.serviceWorker) {
      root.navigator.serviceWorker.register("/verify/sw.js", { scope: "/verify" }).catch(function () {
        // no secure context (plain http on another host) or storage refused: online checks still work
      });
    }
    var code = new URLSearchParams(root.location.search).get(QUERY);
    var textNode = doc.getElementById("verify-text");
    if (!code || doc.getElementById("verdict") || !textNode) {
      // online: the server has answered; the worker takes the chance to refresh the keys it keeps
      // (a counter enrolled since the last visit), so the next offline check knows them
      if (root.navigator.serviceWorker && root.navigator.serviceWorker.controller) {
        root.fetch("/verify/keys.json").catch(function () {});
      }
      return;
    }
    var text = JSON.parse(textNode.textContent);
    var area = doc.getElementById("r");
    if (area && !area.value) area.value = code;
    var other = doc.getElementById("other-lang");
    if (other) other.href += "&" + QUERY + "=" + encodeURIComponent(code);
    root.fetch("/verify/keys.json").then(function (resp) {
      if (!resp.ok) throw new Error("keys " + resp.status);
      return resp.json();
    }).then(function (list) {
      return check(code, list.keys).then(function (v) {
        render(doc, text, v, list.generated_at_ist);
      });
    }).catch(function () {
      render(doc, text, { state: "no_keys" }, null);
    });
  }

  root.KescoVerify = { parse: parse, check: check, validOn: validOn, inr: inr, b64u: b64u, unb64u: unb64u };
  if (root.document) {
    if (root.document.readyState === "loading") root.document.addEventListener("DOMContentLoaded", page);
    else page();
  }
})(typeof self !== "undefined" ? self : globalThis);
