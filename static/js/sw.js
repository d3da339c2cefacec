/* IEP Right's service worker: the app opens and logs with no signal.
 *
 * - The app shell (CSS, scripts, icons, manifest) is cached when the worker installs.
 * - Pages a parent logs from (home, each child's Today and day pages) are fetched from the network
 *   first and kept; with no network the kept copy is shown. The home page asks the worker to keep
 *   each child's Today page too (pwa.js), so it opens offline even before it was visited.
 * - The API is never answered from the cache: saves wait in the offline queue (offline-queue.js).
 * - Signing out deletes the kept pages.
 * self.IEPR_CONFIG (version, shell with the scripts' words at /jsi18n/, the offline page's words) is put
 * in front of this file by iepright/pwa.py.
 */
"use strict";

var CONFIG = self.IEPR_CONFIG || { version: "dev", shell: [] };
var SHELL_CACHE = "iepr-shell-" + CONFIG.version;
var PAGE_CACHE = "iepr-pages-v1";
var KEPT_PAGES = [/^\/$/, /^\/children\/\d+\/today\/$/, /^\/children\/\d+\/day\/\d{4}-\d{2}-\d{2}\/$/];

function isKeptPage(url) {
  return url.origin === self.location.origin && url.search === "" && KEPT_PAGES.some(function (re) { return re.test(url.pathname); });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(CONFIG.shell); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("iepr-shell-") === 0 && name !== SHELL_CACHE; }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(request, response) {
  if (response && response.ok && response.type === "basic" && !response.redirected) {
    var copy = response.clone();
    caches.open(PAGE_CACHE).then(function (cache) { cache.put(request.url, copy); });
  }
  return response;
}

/* The page shown for a page not kept; its words come translated in IEPR_CONFIG (iepright/pwa.py). */
function offlinePage() {
  var words = CONFIG.offline || { lang: "en", title: "No connection", heading: "No connection", text: "", start: "IEP Right" };
  function escape(text) {
    return String(text).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c]; });
  }
  var html = "<!doctype html><html lang=\"" + escape(words.lang) + "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>" + escape(words.title) + "</title><link rel=\"stylesheet\" href=\"" + (CONFIG.shell[0] || "") + "\"></head><body><main id=\"main\">" +
    "<h1>" + escape(words.heading) + "</h1><p>" + escape(words.text) + "</p>" +
    "<p><a href=\"/\">" + escape(words.start) + "</a></p></main></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method !== "GET") {
    if (url.pathname === "/account/logout/") { caches.delete(PAGE_CACHE); }
    return;
  }
  if (url.pathname.indexOf("/api/") === 0) { return; }
  if (CONFIG.shell.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(request, { ignoreSearch: true }).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      return isKeptPage(url) ? keep(request, response) : response;
    }, function () {
      return caches.match(request.url, { cacheName: PAGE_CACHE }).then(function (hit) { return hit || offlinePage(); });
    }));
  }
});

/* The home page sends {keep: [urls]}: fetch and keep each child's Today page. */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (!Array.isArray(data.keep)) { return; }
  event.waitUntil(Promise.all(data.keep.map(function (href) {
    var url = new URL(href, self.location.origin);
    if (!isKeptPage(url)) { return null; }
    /* Already kept: it is refreshed whenever it is opened online, so no second download here. */
    return caches.match(url.href, { cacheName: PAGE_CACHE }).then(function (hit) { return hit ? null : fetch(url.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || response.redirected) { return null; }
      return caches.open(PAGE_CACHE).then(function (cache) { return cache.put(url.href, response); });
    }, function () { return null; }); });
  })));
});
