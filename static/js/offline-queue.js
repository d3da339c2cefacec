/* IEP Right: the offline queue. Every save from the day page waits here, in IndexedDB, until the
 * server has answered it, and is sent in the order it was made, one at a time.
 *
 * - Kept per signed-in person (<meta name="iepr-user">): another person signing in on the same phone
 *   never sends someone else's saves.
 * - Survives closing the tab and the phone going off; sent when the connection returns (the
 *   "online" event, a page load, or every 15 seconds while anything waits).
 * - Each save carries its own client id, so a save that reached the server but whose answer was
 *   lost is answered again without being applied twice.
 * - Photos taken offline wait as files, after the entry they belong to; they are sent once the
 *   entry has its id on the server, in saves of at most the number the server keeps in one
 *   (logbook.services.MAX_FILES_PER_SAVE, which the day page gives as the item's perSave).
 * - "N entries waiting to sync" shows in #sync-count on every page.
 * window.IEPQueue: add(item), flush(), count(), onResult({applied, refused, waiting}), newId().
 */
(function () {
  "use strict";

  var userMeta = document.querySelector("meta[name=iepr-user]");
  var apiMeta = document.querySelector("meta[name=iepr-api]");
  if (!userMeta || !window.fetch) { return; }
  var USER = userMeta.getAttribute("content");
  var API_ROOT = apiMeta ? apiMeta.getAttribute("content") : "/api/v1/";
  var LEGACY_KEY = "iepright.logbook.queue.v1";
  var RETRY_MS = 15000;
  var listeners = [];
  var sending = false;
  var retryTimer = null;
  var memory = { queue: [], sent: {}, seq: 0 }; /* when IndexedDB is not there (private mode) */

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  /* A "files" item as the saves the server takes: at most perSave files each, each with its own
     client id, so a retry of one is answered without storing it twice. An item queued before
     perSave existed is sent one file at a time, which the server always accepts. */
  function inBatches(item) {
    if (item.kind !== "files") { return [item]; }
    var size = item.perSave || 1;
    var total = item.files.length;
    var batches = [];
    for (var start = 0; start < total; start += size) {
      var files = item.files.slice(start, start + size);
      var batch = {};
      Object.keys(item).forEach(function (key) { if (key !== "seq") { batch[key] = item[key]; } });
      batch.files = files;
      batch.perSave = size;
      batch.clientId = newId();
      batch.label = total <= size ? total + " file" + (total === 1 ? "" : "s") : "files " + (start + 1) + "–" + (start + files.length) + " of " + total;
      batches.push(batch);
    }
    return batches;
  }

  function openDb() {
    return new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(null); return; }
      var request;
      try { request = window.indexedDB.open("iepright", 1); } catch (e) { resolve(null); return; }
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("queue")) { db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true }); }
        if (!db.objectStoreNames.contains("sent")) { db.createObjectStore("sent", { keyPath: "client_id" }); }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { resolve(null); };
    });
  }
  var dbReady = openDb();

  function tx(store, mode, work) {
    return dbReady.then(function (db) {
      if (!db) { return work(null); }
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode);
        var result;
        Promise.resolve(work(t.objectStore(store))).then(function (value) { result = value; });
        t.oncomplete = function () { resolve(result); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }

  function req(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function all() {
    return tx("queue", "readonly", function (store) {
      if (!store) { return memory.queue.slice(); }
      return req(store.getAll());
    }).then(function (items) {
      return (items || []).filter(function (item) { return item.user === USER; }).sort(function (a, b) { return a.seq - b.seq; });
    });
  }

  /* Add items to the queue in one transaction, in place of the item numbered oldSeq when given: a
     save split in batches is never half kept, and never both gone and unsent. */
  function putAll(items, oldSeq) {
    items.forEach(function (item) { item.user = USER; });
    return tx("queue", "readwrite", function (store) {
      if (!store) {
        memory.queue = memory.queue.filter(function (i) { return i.seq !== oldSeq; });
        items.forEach(function (item) { memory.seq += 1; item.seq = memory.seq; memory.queue.push(item); });
        return null;
      }
      items.forEach(function (item) { store.add(item); });
      return oldSeq === undefined ? null : req(store.delete(oldSeq));
    });
  }

  function put(item) { return putAll([item]); }

  function remove(seq) {
    return tx("queue", "readwrite", function (store) {
      if (!store) { memory.queue = memory.queue.filter(function (i) { return i.seq !== seq; }); return null; }
      return req(store.delete(seq));
    });
  }

  function rememberEntry(clientId, entryId) {
    return tx("sent", "readwrite", function (store) {
      if (!store) { memory.sent[clientId] = entryId; return null; }
      return req(store.put({ client_id: clientId, entry_id: entryId, at: Date.now() }));
    });
  }

  function entryIdFor(clientId) {
    return tx("sent", "readonly", function (store) {
      if (!store) { return memory.sent[clientId] || null; }
      return req(store.get(clientId)).then(function (row) { return row ? row.entry_id : null; });
    });
  }

  function emit(kind, item, status, data) {
    listeners.forEach(function (l) { if (l[kind]) { try { l[kind](item, data, status); } catch (e) { /* a listener's bug must not stop the queue */ } } });
  }

  function showCount() {
    var box = document.getElementById("sync-count");
    return all().then(function (items) {
      var n = items.length;
      if (box) {
        box.hidden = n === 0;
        var template = box.getAttribute(n === 1 ? "data-one" : "data-many") || "__N__ entries waiting to sync";
        box.textContent = n ? template.replace("__N__", String(n)) : "";
      }
      return n;
    });
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* A page kept from an earlier sign-in carries an old CSRF token: fetch this page again for a fresh one. */
  function refreshCsrf() {
    return fetch(window.location.pathname, { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.text(); }).then(function (html) {
      var found = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
      if (!found) { return false; }
      Array.prototype.forEach.call(document.querySelectorAll("input[name=csrfmiddlewaretoken]"), function (i) { i.value = found[1]; });
      return true;
    }, function () { return false; });
  }

  /* Saves queued one after another for one item were made from the version the page showed then:
     the page's own version, or one that an earlier save of ours produced (the page updates its version
     as our answers arrive). Such a save is sent from the latest version our saves produced, never
     refused as stale. A co-parent's version is not in this list, so their change still answers 409. */
  var versions = {};
  function slotOf(item) { return item.url + "|" + item.body.date + "|" + item.body.provision + "|" + !!item.body.is_makeup; }

  function request(item) {
    if (item.kind === "entry" && typeof item.body.base_version === "number") {
      var seen = versions[slotOf(item)];
      if (seen && seen.known.indexOf(item.body.base_version) !== -1) { item.body.base_version = seen.to; }
    }
    if (item.kind === "files") {
      return entryIdFor(item.entryClientId).then(function (entryId) {
        if (!entryId) { return { status: 0, orphan: true, data: { errors: { files: [gettext("The entry these files belong to was not saved, so they were not sent.")] } } }; }
        var form = new FormData();
        item.files.forEach(function (f) { form.append("files", f.blob, f.name); });
        form.append("client_id", item.clientId);
        return send(API_ROOT + "children/" + item.child + "/entries/" + entryId + "/attachments", form, false);
      });
    }
    return send(item.url, JSON.stringify(item.body), true);
  }

  function send(url, body, isJson) {
    var headers = { "Accept": "application/json", "X-CSRFToken": csrfToken() };
    if (isJson) { headers["Content-Type"] = "application/json"; }
    return fetch(url, { method: "POST", credentials: "same-origin", headers: headers, body: body }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) { return { status: response.status, data: data }; });
    });
  }

  function later() {
    if (retryTimer) { return; }
    retryTimer = window.setTimeout(function () { retryTimer = null; flush(); }, RETRY_MS);
  }

  /* Send the oldest waiting save; on an answer drop it and go on; with no connection wait. */
  function flush(csrfRetried) {
    if (sending) { return Promise.resolve(); }
    sending = true;
    return all().then(function (items) {
      if (!items.length) { sending = false; return showCount(); }
      var item = items[0];
      if (item.kind === "files" && !item.perSave && item.files.length > 1) {
        return putAll(inBatches(item), item.seq).then(function () { sending = false; return flush(); }, function () { sending = false; });
      }
      return request(item).then(function (result) {
        if (result.status >= 500) { sending = false; emit("waiting", item); later(); return showCount(); }
        if (result.status === 403 && !csrfRetried && /CSRF/i.test(JSON.stringify(result.data))) {
          sending = false;
          return refreshCsrf().then(function (ok) { return ok ? flush(true) : null; });
        }
        return remove(item.seq).then(function () {
          if (result.status === 200) {
            if (item.kind === "entry" && typeof item.body.base_version === "number" && result.data && result.data.version) {
              var before = versions[slotOf(item)];
              var known = (before ? before.known : []).concat([item.body.base_version, result.data.version]);
              versions[slotOf(item)] = { known: known, to: result.data.version };
            }
            if (item.kind === "entry" && result.data && result.data.id) { return rememberEntry(item.body.client_id, result.data.id).then(function () { emit("applied", item, 200, result.data); }); }
            emit("applied", item, 200, result.data);
          } else {
            emit("refused", item, result.status, result.data);
          }
          return null;
        }).then(function () { sending = false; return showCount(); }).then(function () { return flush(); });
      }, function () {
        sending = false;
        emit("waiting", item);
        later();
        return showCount();
      });
    }, function () { sending = false; });
  }

  function add(item) {
    item.queuedAt = new Date().toISOString();
    return putAll(inBatches(item)).then(showCount).then(function () { flush(); });
  }

  /* Saves kept by the earlier localStorage queue move here once. */
  function adoptLegacy() {
    var legacy;
    try { legacy = JSON.parse(window.localStorage.getItem(LEGACY_KEY) || "[]"); } catch (e) { legacy = []; }
    if (!legacy.length) { return Promise.resolve(); }
    return legacy.reduce(function (p, item) { return p.then(function () { return put(item); }); }, Promise.resolve()).then(function () {
      try { window.localStorage.removeItem(LEGACY_KEY); } catch (e) { /* nothing to clean */ }
    });
  }

  window.IEPQueue = {
    add: add,
    newId: newId,
    flush: flush,
    count: function () { return all().then(function (items) { return items.length; }); },
    onResult: function (listener) { listeners.push(listener); }
  };

  window.addEventListener("online", function () { flush(); });
  adoptLegacy().then(showCount).then(function () { if (navigator.onLine !== false) { flush(); } else { later(); } });
}());
