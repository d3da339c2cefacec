/* IEP Right: install the service worker (static/js/sw.js, served at /sw.js) and, on a page that
 * links to children's Today pages, ask it to keep those pages for use with no signal. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !document.querySelector("meta[name=iepr-user]")) { return; }
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (registration) {
    var links = Array.prototype.map.call(document.querySelectorAll("a[href]"), function (a) { return a.getAttribute("href"); })
      .filter(function (href) { return /^\/children\/\d+\/today\/$/.test(href) && href !== window.location.pathname; });
    if (links.length && registration.active) {
      registration.active.postMessage({ keep: links.filter(function (h, i) { return links.indexOf(h) === i; }) });
    }
  }).catch(function () { /* no worker: the app still works online */ });
}());
