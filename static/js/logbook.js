/* IEP Right: one-tap logging on the day page.
 *
 * Without this file every button is a plain form post. With it, each tap saves at once through the
 * JSON API (api/logbook.py) without a page load. Every save goes through the offline queue
 * (offline-queue.js, IndexedDB), sent in order, one at a time, each with its own client id: when the
 * phone is offline the save waits and is retried with the same id, so the server never applies it twice.
 */
(function () {
  "use strict";

  var root = document.getElementById("logbook");
  if (!root || !window.fetch || !window.JSON) { return; }

  var live = document.getElementById("save-status");
  var day = root.getAttribute("data-day");
  /* Words for people come from Django's JavaScript catalog (gettext, ngettext, interpolate: /jsi18n/,
     loaded first by base.html and kept by the service worker). */
  var STATUS_WORDS = {
    delivered: gettext("Delivered"), partial: gettext("Partly"), missed: gettext("Missed"),
    not_applicable: gettext("Not applicable"), unknown: gettext("Don't know")
  };
  var ICONS = { delivered: "✓", partial: "◐", missed: "✗", not_applicable: "–", unknown: "?" };
  var SYMBOLS = {
    all_delivered: "✓", logged: "✓", some_missed: "✗", some_partial: "◐", partly_logged: "…", not_logged: "?",
    absent: "A", no_school: "–", nothing_expected: "·", future: ""
  };

  var clearTimer = null;

  /* Say what happened in the live region (it floats at the bottom of the screen). "Saved" goes after
     a few seconds, a refusal (also shown in its card) after longer; a save waiting for the network stays. */
  function announce(text, kind) {
    if (!live) { return; }
    live.textContent = text;
    live.className = "save-status" + (kind ? " is-" + kind : "");
    if (clearTimer) { window.clearTimeout(clearTimer); clearTimer = null; }
    var seconds = kind === "error" ? 15 : (kind ? 0 : 6);  /* "saving", "queued": until the next word */
    if (seconds) {
      clearTimer = window.setTimeout(function () { live.textContent = ""; live.className = "save-status"; clearTimer = null; }, seconds * 1000);
    }
  }

  /* Every save goes through the offline queue (offline-queue.js, IndexedDB): sent in order, kept
     on this phone while there is no connection, answered here when the server has answered. */
  var queue = window.IEPQueue;
  if (!queue) { return; }

  function enqueue(item) {
    queue.add(item);
  }

  queue.onResult({
    applied: function (item, data) { if (item.day === day) { applied(item, data); } },
    refused: function (item, data, status) { refused(item, status, data); },
    waiting: function () { announce(gettext("No connection. Saved on this phone; it will be sent when you are back online."), "queued"); }
  });

  function article(provisionId, isMakeup) {
    return document.getElementById("p" + provisionId + (isMakeup ? "m" : ""));
  }

  function setPressed(card, status) {
    var buttons = card.querySelectorAll(".status-buttons button[name=status]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.setAttribute("aria-pressed", button.value === status ? "true" : "false");
    });
    card.setAttribute("data-status", status);
  }

  function renew(form) {
    var input = form.querySelector("input[name=client_id]");
    if (input) { input.value = queue.newId(); }
  }

  function showEntry(entry) {
    if (String(entry.date) !== day) { return; }
    var card = article(entry.provision, entry.is_makeup);
    if (!card) { return; }
    setPressed(card, entry.retracted ? "" : entry.status);
    var state = card.querySelector("[data-state]");
    if (state) {
      var summary = state.querySelector("[data-summary]");
      var icon = state.querySelector("[data-icon]");
      if (summary) { summary.textContent = entry.summary; } else { state.textContent = entry.summary; }
      if (icon) { icon.textContent = entry.retracted ? "" : (ICONS[entry.status] || ""); }
      state.classList.add("is-saved");
    }
    /* The next edit is made from this version: a co-parent's later save makes it stale (409). */
    var version = card.querySelector("input[name=base_version]");
    if (version && typeof entry.version === "number") { version.value = String(entry.version); }
    var ask = card.querySelector(".flexible-ask");
    if (ask) { ask.hidden = true; }
    if (entry.reported_by) { root.setAttribute("data-remembered", entry.reported_by); }
    var errors = card.querySelector("[data-errors]");
    if (errors) { errors.textContent = ""; }
    var reasonInput = card.querySelector("input[name=edit_reason]");
    if (reasonInput) { reasonInput.value = ""; }
    var links = card.querySelector(".entry-links");
    if (!links) {
      links = document.createElement("p");
      links.className = "entry-links";
      var link = document.createElement("a");
      link.href = entry.history_url;
      link.setAttribute("data-history", "");
      link.textContent = gettext("History");
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " " + interpolate(gettext("of %(item)s"), { item: card.querySelector(".entry-title").firstChild.textContent.trim() }, true);
      link.appendChild(hidden);
      links.appendChild(link);
      (card.querySelector("[data-entry-line]") || card).appendChild(links);
    }
  }

  function showDayStatus(status) {
    if (!status || String(status.day) !== day) { return; }
    var chip = document.querySelector(".chip[aria-current=date]");
    if (chip) {
      chip.className = "chip state-" + status.state;
      var mark = chip.querySelector(".chip-mark");
      if (mark) { mark.textContent = SYMBOLS[status.state] || ""; }
      var label = chip.querySelector(".visually-hidden");
      if (label) { label.textContent = label.textContent.replace(/:.*$/, ": " + status.label); }
    }
    updateReminder(status);
    var all = root.querySelector("[data-all-form]");
    if (all) {
      var left = status.expected - status.logged;
      if (left <= 0) {
        if (all.contains(document.activeElement)) { focusAfter(null); }
        all.hidden = true;
      } else {
        var hint = all.querySelector(".hint");
        if (hint) {
          hint.textContent = interpolate(ngettext("Marks the %(count)s item not yet logged as delivered.", "Marks the %(count)s items not yet logged as delivered.", left), { count: left }, true);
        }
      }
    }
  }

  /* The "N school days not fully logged" box: a day saved in full leaves it at once. */
  function updateReminder(status) {
    var box = document.querySelector("[data-reminder]");
    if (!box || status.expected - status.logged > 0) { return; }
    var li = box.querySelector("li[data-day='" + String(status.day) + "']");
    if (!li) { return; }
    li.parentNode.removeChild(li);
    var left = box.querySelectorAll("li[data-day]").length;
    if (left === 0) { box.parentNode.removeChild(box); return; }
    var heading = box.querySelector("[data-reminder-heading]");
    if (heading) {
      heading.textContent = interpolate(ngettext("%(count)s school day in the last two weeks is not fully logged", "%(count)s school days in the last two weeks are not fully logged", left), { count: left }, true);
    }
  }

  /* Focus must never drop to <body> when the control that had it goes away: move it to the next
     card (or the day's items) and keep it clear of the floating "Saved" note. */
  function focusAfter(card) {
    var target = null;
    if (card) {
      var next = card.nextElementSibling;
      while (next && !(next.classList && next.classList.contains("entry"))) { next = next.nextElementSibling; }
      target = next || card;
    } else {
      target = root.querySelector(".entry") || document.getElementById("day-actions");
    }
    if (!target) { return; }
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center", behavior: "instant" });
  }

  function applied(item, data) {
    if (item.kind === "entry") {
      showEntry(data);
      showDayStatus(data.day_status);
      announce(interpolate(gettext("Saved: %(item)s, %(status)s."), { item: item.label, status: data.status_label.toLowerCase() }, true));
    } else if (item.kind === "all") {
      (data.entries || []).forEach(showEntry);
      showDayStatus(data.status);
      var count = (data.created || []).length;
      announce(count ? interpolate(ngettext("Saved: %(count)s item delivered.", "Saved: %(count)s items delivered.", count), { count: count }, true) : gettext("Everything was already logged."));
    } else if (item.kind === "note") {
      announce(gettext("Saved: the day's tags and note."));
    } else if (item.kind === "files") {
      announce(interpolate(gettext("Saved: %(item)s."), { item: item.label }, true));
    }
  }

  function messagesOf(data) {
    var list = [];
    if (data && data.errors) {
      Object.keys(data.errors).forEach(function (name) { list = list.concat(data.errors[name]); });
    } else if (data && Array.isArray(data.detail)) {
      data.detail.forEach(function (d) { list.push(d.msg || String(d)); });
    } else if (data && data.detail) {
      list.push(String(data.detail));
    }
    return list.length ? list : [gettext("It could not be saved. Please reload the page.")];
  }

  function showConflict(item, data) {
    var card = article(item.body.provision, item.body.is_makeup);
    var current = data.current;
    if (!card) { return; }
    if (current) {
      showEntry(current);
    } else {
      setPressed(card, card.getAttribute("data-saved-status") || "");
    }
    var box = card.querySelector("[data-errors]");
    if (!box) { return; }
    box.textContent = "";
    var wrap = document.createElement("div");
    wrap.className = "form-errors conflict";
    wrap.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent = gettext("Someone else changed this entry after you opened this page. Nothing was saved.");
    var ul = document.createElement("ul");
    var now = document.createElement("li");
    now.textContent = interpolate(gettext("Now: %(entry)s"), { entry: current ? current.summary : gettext("Not logged") }, true);
    var yours = document.createElement("li");
    var attempted = data.attempted || {};
    var attemptedWords = STATUS_WORDS[attempted.status] || attempted.status || "";
    if (attempted.minutes_delivered !== null && attempted.minutes_delivered !== undefined) {
      attemptedWords += " · " + interpolate(gettext("%(minutes)s min"), { minutes: attempted.minutes_delivered }, true);
    }
    yours.textContent = interpolate(gettext("Yours, not saved: %(entry)s"), { entry: attemptedWords }, true);
    ul.appendChild(now);
    ul.appendChild(yours);
    var again = document.createElement("p");
    again.textContent = gettext("To keep yours instead, choose it again.");
    wrap.appendChild(p);
    wrap.appendChild(ul);
    wrap.appendChild(again);
    box.appendChild(wrap);
  }

  function refused(item, status, data) {
    if (status === 409 && item.kind === "entry") {
      announce(gettext("Not saved: someone else changed this entry. Both versions are shown on its card."), "error");
      showConflict(item, data || {});
      return;
    }
    var list = messagesOf(data);
    announce(interpolate(gettext("Not saved: %(reasons)s"), { reasons: list.join(" ") }, true), "error");
    if (item.kind !== "entry" || String(item.body.date) !== day) { return; }
    var card = article(item.body.provision, item.body.is_makeup);
    if (!card) { return; }
    setPressed(card, card.getAttribute("data-saved-status") || "");
    var box = card.querySelector("[data-errors]");
    if (box) {
      box.textContent = "";
      var wrap = document.createElement("div");
      wrap.className = "form-errors";
      wrap.setAttribute("role", "alert");
      var p = document.createElement("p");
      p.textContent = gettext("Nothing was saved. Please check:");
      var ul = document.createElement("ul");
      list.forEach(function (message) {
        var li = document.createElement("li");
        li.textContent = message;
        ul.appendChild(li);
      });
      wrap.appendChild(p);
      wrap.appendChild(ul);
      box.appendChild(wrap);
    }
    if (data && data.errors && data.errors.edit_reason) {
      var reason = card.querySelector("input[name=edit_reason]");
      if (reason) {
        var holder = reason.closest(".edit-reason");
        if (holder) { holder.hidden = false; }
        reason.focus();
      }
    }
  }

  function value(form, name) {
    var field = form.elements.namedItem(name); /* an input, or a RadioNodeList for radios */
    return field ? (field.value || "") : "";
  }

  function entrySubmit(form, button) {
    var status = button.value;
    var card = form.closest(".entry");
    var minutesInput = form.querySelector("input[data-minutes]");
    var details = form.querySelector("details.miss");
    /* "Partly" asks for the minutes that actually happened: never assumed to be the full session. */
    if (status === "partial" && minutesInput && minutesInput.value === "") {
      if (details) { details.open = true; }
      minutesInput.focus();
      announce(gettext("How many minutes actually happened? Write them, then tap “Save as partly”."), "error");
      return;
    }
    /* The last "who told you" is remembered for the next miss. */
    var who = form.querySelector("input[name=reported_by]");
    if (who && who.value === "" && (status === "missed" || status === "partial") && root.getAttribute("data-remembered")) {
      who.value = root.getAttribute("data-remembered");
    }
    var body = {
      date: day,
      provision: parseInt(value(form, "provision"), 10),
      is_makeup: value(form, "is_makeup") === "1",
      status: status,
      client_id: value(form, "client_id"),
      source: value(form, "source"),
      reported_by: value(form, "reported_by"),
      note: value(form, "note"),
      edit_reason: value(form, "edit_reason"),
      device_time: new Date().toISOString()
    };
    var base = value(form, "base_version");
    if (base !== "") { body.base_version = parseInt(base, 10); }
    var minutes = value(form, "minutes_delivered");
    if ((status === "delivered" || status === "partial") && minutes !== "") { body.minutes_delivered = parseInt(minutes, 10); }
    if (status === "missed" || status === "partial") { body.miss_reason = value(form, "miss_reason"); }
    card.setAttribute("data-saved-status", card.getAttribute("data-status") || "");
    setPressed(card, status);
    if (details && (status === "missed" || status === "partial") && !body.miss_reason) { details.open = true; }
    if (details && button.closest("details.miss")) {
      details.open = false;
      focusAfter(card); /* the button just pressed is now hidden */
    }
    var title = card.querySelector(".entry-title");
    announce(gettext("Saving…"), "saving");
    enqueue({ kind: "entry", day: day, url: root.getAttribute("data-entries-url"), body: body, label: title ? title.firstChild.textContent.trim() : "" });
    if (hasFiles(form)) { enqueueFiles(form, body.client_id); }
    renew(form);
  }

  /* Offline, photos wait in the queue after their entry (sent once the entry has its id). */
  function enqueueFiles(form, entryClientId) {
    var files = [];
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      Array.prototype.forEach.call(input.files || [], function (f) { files.push({ name: f.name, type: f.type, blob: f }); });
      input.value = "";
    });
    if (files.length) {
      /* The queue sends them in saves of at most perSave files, the most the server keeps in one. */
      enqueue({ kind: "files", day: day, child: (/children\/(\d+)\//.exec(root.getAttribute("data-entries-url") || "") || [])[1], entryClientId: entryClientId, files: files, perSave: parseInt(root.getAttribute("data-files-per-save"), 10) || 1 });
    }
  }

  function hasFiles(form) {
    var files = form.querySelectorAll("input[type=file]");
    return Array.prototype.some.call(files, function (input) { return input.files && input.files.length > 0; });
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (form.classList.contains("entry-form")) {
      if (hasFiles(form) && navigator.onLine !== false) { return; } /* online, files go with a plain form post */
      event.preventDefault();
      if (!button || !button.value) { return; }
      entrySubmit(form, button);
    } else if (form.hasAttribute("data-all-form")) {
      event.preventDefault();
      announce(gettext("Saving…"), "saving");
      enqueue({ kind: "all", day: day, url: root.getAttribute("data-all-url"), body: { client_id: value(form, "client_id") } });
      renew(form);
    } else if (form.hasAttribute("data-note-form")) {
      event.preventDefault();
      var tags = Array.prototype.map.call(form.querySelectorAll("input[name=tags]:checked"), function (i) { return i.value; });
      var typed = value(form, "new_tag").split(",").map(function (t) { return t.trim(); }).filter(Boolean);
      typed.forEach(function (tag) { addTag(form, tag); });
      form.elements.namedItem("new_tag").value = "";
      announce(gettext("Saving…"), "saving");
      enqueue({ kind: "note", day: day, url: root.getAttribute("data-note-url"), body: { tags: tags.concat(typed), note: value(form, "note"), client_id: value(form, "client_id") } });
      renew(form);
    }
  });

  /* Reasons and sources are one-tap chips: on an item already saved as missed or partly, a tap saves.
     Only a tap or click: arrowing through the choices with the keyboard saves nothing until
     "Save as missed" (each arrow press would otherwise write a version). */
  var lastPointer = 0;
  root.addEventListener("pointerdown", function () { lastPointer = Date.now(); });
  root.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio" || (input.name !== "miss_reason" && input.name !== "source")) { return; }
    if (Date.now() - lastPointer > 1500) { return; }
    var form = input.closest(".entry-form");
    var card = form && form.closest(".entry");
    if (!card || hasFiles(form)) { return; }
    var status = card.getAttribute("data-status");
    if (status !== "missed" && status !== "partial") { return; }
    var button = form.querySelector(".status-buttons button[value=" + status + "]");
    if (button) { entrySubmit(form, button); }
  });

  function addTag(form, tag) {
    var existing = Array.prototype.some.call(form.querySelectorAll("input[name=tags]"), function (i) {
      if (i.value.toLowerCase() === tag.toLowerCase()) { i.checked = true; return true; }
      return false;
    });
    if (existing) { return; }
    var label = document.createElement("label");
    label.className = "tag-choice";
    var input = document.createElement("input");
    input.type = "checkbox";
    input.name = "tags";
    input.value = tag;
    input.checked = true;
    label.appendChild(input);
    label.appendChild(document.createTextNode(" " + tag));
    form.querySelector("fieldset.tags").appendChild(label);
  }

  /* Enter in a text field would press the first button ("Delivered"): keep it from saving. */
  root.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.tagName === "INPUT" && target.type !== "checkbox" && target.type !== "radio" && target.closest(".entry-form")) {
      event.preventDefault();
    }
  });

  /* A page opened from this phone's copy carries the ids of its first showing: give every form fresh
     ones, so a new tap is never mistaken for a retry of an earlier one. */
  Array.prototype.forEach.call(root.querySelectorAll("form"), renew);
  queue.count().then(function (n) {
    if (n) { announce(interpolate(ngettext("Sending %(count)s save kept on this phone…", "Sending %(count)s saves kept on this phone…", n), { count: n }, true), "queued"); }
  });
}());
