/* The /verify page's service worker (issue 15): keeps the page (English and Hindi), its script,
 * its stylesheet and the counters' public keys, so that a lineman who opened the page once can
 * check a receipt's signature where there is no network. Online everything is asked of the server
 * first (the receipt's state is only known there); the cache answers only when the network fails.
 * Served from /verify/sw.js with Service-Worker-Allowed: /verify, registered with scope /verify.
 * The server writes its build into VERSION: a new page or script makes a new worker and cache. */
"use strict";

var VERSION = "__VERSION__";
var PREFIX = "kesco-verify-";
var CACHE = PREFIX + VERSION;
var SHELL = { en: "/verify?lang=en", hi: "/verify?lang=hi" };
var ASSETS = ["/verify/verify.js", "/verify/keys.json", "/hq/static/hq.css"];
var NAVIGATION_TIMEOUT_MS = 8000; // a network that hangs counts as none: the lineman is not kept waiting

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll([SHELL.en, SHELL.hi].concat(ASSETS));
  }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf(PREFIX) === 0 && n !== CACHE;
    }).map(function (n) {
      return caches.delete(n);
    }));
  }).then(function () {
    return self.clients.claim(); // the page that registered us is offline-ready without a reload
  }));
});

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
    promise.then(function (v) { clearTimeout(timer); resolve(v); },
                 function (e) { clearTimeout(timer); reject(e); });
  });
}

function fromCache(key) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(key);
  }).then(function (hit) {
    return hit || Response.error();
  });
}

function page(request, url) {
  var shell = url.searchParams.get("lang") === "hi" ? SHELL.hi : SHELL.en;
  var code = url.searchParams.get("r");
  return withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS).then(function (resp) {
    if (!code && resp.ok) {
      // the empty page is the offline shell; a page with a receipt's details is never kept
      var copy = resp.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(shell, copy); });
    }
    return resp;
  }).catch(function () {
    return fromCache(shell); // its script reads ?r= and checks the signature here
  });
}

function asset(request, key) {
  // revalidated every time (an ETag makes that a 304): the browser's HTTP cache would otherwise
  // hold a key list for its max-age, and a newly enrolled counter's key would wait for it
  return fetch(new Request(request, { cache: "no-cache" })).then(function (resp) {
    if (resp.ok) {
      var copy = resp.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
    }
    return resp;
  }).catch(function () {
    return fromCache(key);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === "/verify") {
    event.respondWith(page(request, url));
  } else if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(asset(request, url.pathname));
  }
});
