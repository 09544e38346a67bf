// The editor's safety net (the revisions app): every word is kept on this device as it is
// typed, and sent to the server a moment after typing stops and when the page is left.
// A published post's edits are kept aside there until the writer presses Update. A save
// from a window that has not seen a newer version is refused by the server (409): both
// texts are shown and the writer keeps the one they choose.
(function () {
  "use strict";
  // Django's catalogue (jsi18n) when the page loaded it; English as written otherwise.
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\(\w+\)s/g, function (match) { return values[match.slice(2, -2)]; });
  };
  var dataNode = document.getElementById("autosave-data");
  var editor = document.querySelector("textarea.markdownx-editor");
  if (!dataNode || !editor || !editor.form) return;

  var data = JSON.parse(dataNode.textContent);
  var form = editor.form;
  var titleInput = form.querySelector("[name=title]");
  var markerInput = form.querySelector("[name=revision_marker]");
  var csrfInput = form.querySelector("[name=csrfmiddlewaretoken]");
  var status = document.getElementById("autosave-status");
  var offer = document.getElementById("autosave-offer");
  var offerText = document.getElementById("autosave-offer-text");
  var dialog = document.getElementById("autosave-conflict");
  if (!titleInput || !markerInput || !csrfInput || !status) return;

  var SAVE_AFTER_MS = 2000; // after typing stops
  var RETRY_MS = 15000; // after a failed save, if the browser does not say it is online again
  var autosaveUrl = data.autosave_url;
  var storageKey = data.storage_key;
  var isNew = data.is_new;
  // The server's clock minus ours: its times are compared with this device's.
  var serverOffset = Date.parse(data.server_now) - Date.now();
  var onServer = current(); // what the server holds for this window, as far as it knows
  var timer = null;
  var inFlight = false;
  var again = false;
  var conflict = null;
  var leaving = false;

  function current() {
    return { title: titleInput.value, body: editor.value };
  }

  function sameText(a, b) {
    return Boolean(a && b) && a.title === b.title && a.body === b.body;
  }

  function clock(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  // A time the server gave, on this device's clock (the status reads like the clock on the screen).
  function serverClock(iso) {
    return clock(Date.parse(iso) - serverOffset);
  }

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("is-error", Boolean(isError));
  }

  // localStorage can be missing or full (private windows): the server copy still works.
  function readLocal(key) {
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch (error) {
      return null;
    }
  }

  function writeLocal() {
    var copy = current();
    copy.saved_at = Date.now();
    copy.marker = markerInput.value;
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(copy));
      return true;
    } catch (error) {
      return false;
    }
  }

  function clearLocal(key) {
    try {
      window.localStorage.removeItem(key || storageKey);
    } catch (error) {
      /* nothing kept, nothing to clear */
    }
  }

  function body(text, marker) {
    var params = new URLSearchParams();
    params.append("csrfmiddlewaretoken", csrfInput.value);
    params.append("title", text.title);
    params.append("body", text.body);
    params.append("marker", marker);
    return params;
  }

  // The first autosave of a new post made its draft: from now on this page edits it.
  function becomeEditorOf(answer) {
    var local = readLocal(storageKey);
    clearLocal(storageKey);
    storageKey = answer.storage_key;
    autosaveUrl = answer.autosave_url;
    form.setAttribute("action", answer.edit_url);
    if (window.history && window.history.replaceState) window.history.replaceState(null, "", answer.edit_url);
    isNew = false;
    if (local) writeLocal();
  }

  function saved(sent, answer) {
    markerInput.value = answer.marker;
    onServer = sent;
    if (isNew && answer.edit_url) becomeEditorOf(answer);
    if (sameText(current(), sent)) {
      clearLocal();
    } else {
      writeLocal(); // typed on while it was sent: keep the newer words, on the new version
    }
    var when = serverClock(answer.saved_at);
    say(answer.pending
      ? interpolate(gettext("Saved %(time)s, not published yet: press Update post to publish your changes."), { time: when }, true)
      : interpolate(gettext("Saved %(time)s"), { time: when }, true));
  }

  function failed(message) {
    say(message || interpolate(gettext("Saved on this device at %(time)s. Not on the server yet: it is sent when the connection is back."), { time: clock(Date.now()) }, true), true);
    window.clearTimeout(timer);
    timer = window.setTimeout(save, RETRY_MS);
  }

  function save() {
    window.clearTimeout(timer);
    timer = null;
    if (conflict) {
      openConflict();
      return;
    }
    var text = current();
    if (sameText(text, onServer)) {
      clearLocal();
      return;
    }
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    say(gettext("Saving…"));
    fetch(autosaveUrl, {
      method: "POST",
      body: body(text, markerInput.value),
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", Accept: "application/json" }
    })
      .then(function (response) {
        return response.json().then(
          function (answer) { return { status: response.status, answer: answer, redirected: response.redirected }; },
          function () { return { status: response.status, answer: null, redirected: response.redirected }; }
        );
      })
      .then(function (result) {
        if (result.redirected) {
          // Sent to the log-in page: the session ended (logged out in another tab, or it expired).
          failed(gettext("Not saved: you are logged out. Log in again in another tab; your words are kept on this device."));
        } else if (result.status === 200 && result.answer && result.answer.marker) {
          saved(text, result.answer);
        } else if (result.status === 409 && result.answer && result.answer.conflict) {
          conflict = result.answer;
          conflict.yours = text;
          say(gettext("Not saved: this post was changed in another window. Choose which version to keep."), true);
          openConflict();
        } else {
          failed(result.answer && result.answer.error
            ? interpolate(gettext("%(error)s Your words are kept on this device."), { error: result.answer.error }, true)
            : null);
        }
      })
      .catch(function () { failed(null); })
      .then(function () {
        inFlight = false;
        if (again) {
          again = false;
          schedule();
        }
      });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, SAVE_AFTER_MS);
  }

  function typed() {
    if (!sameText(current(), onServer)) writeLocal();
    schedule();
  }

  function putText(text) {
    titleInput.value = text.title;
    editor.value = text.body;
    // The live preview (django-markdownx) follows the text.
    editor.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // ---- Two windows: the writer chooses ----

  function openConflict() {
    if (!dialog || !conflict) return;
    var theirs = conflict.conflict;
    document.getElementById("autosave-conflict-yours").value = format(current());
    document.getElementById("autosave-conflict-theirs").value = format(theirs);
    document.getElementById("autosave-conflict-theirs-label").textContent =
      interpolate(gettext("The other window’s, saved %(time)s by %(name)s"), { time: serverClock(theirs.saved_at), name: theirs.saved_by }, true);
    if (!dialog.open) dialog.showModal();
    document.getElementById("autosave-keep-mine").focus();
  }

  function format(text) {
    return text.title + "\n\n" + text.body;
  }

  function resolve(keepMine) {
    var theirs = conflict.conflict;
    markerInput.value = theirs.marker; // the version now on the server: a save from here goes through
    conflict = null;
    dialog.close();
    if (keepMine) {
      onServer = { title: theirs.title, body: theirs.body };
      save();
    } else {
      putText(theirs);
      onServer = current();
      clearLocal();
      say(interpolate(gettext("Using the version saved %(time)s in another window."), { time: serverClock(theirs.saved_at) }, true));
    }
    editor.focus();
  }

  if (dialog) {
    document.getElementById("autosave-keep-mine").addEventListener("click", function () { resolve(true); });
    document.getElementById("autosave-keep-theirs").addEventListener("click", function () { resolve(false); });
    dialog.addEventListener("cancel", function () {
      // Escape closes it undecided: nothing is saved until the writer chooses.
      window.setTimeout(function () { editor.focus(); }, 0);
    });
  }

  // A save the server refused as stale (the form's own Update): take the other version instead.
  var takeOther = document.getElementById("revision-take-other");
  if (takeOther) {
    takeOther.addEventListener("click", function () {
      putText({
        title: document.getElementById("revision-other-title").value,
        body: document.getElementById("revision-other-body").value
      });
      onServer = current();
      say(gettext("The other version is in the editor now. Press the button to save it."));
      editor.focus();
    });
  }

  // ---- Reopening: offer the newer of this device's copy and the server's ----

  function dismissedKey() {
    return storageKey + ":dismissed";
  }

  function candidate() {
    var shown = current();
    var newestOnServer = data.newest_saved_at ? Date.parse(data.newest_saved_at) - serverOffset : 0;
    var local = readLocal(storageKey);
    if (local && sameText(local, shown)) {
      clearLocal();
      local = null;
    }
    var localVersion = local && local.marker ? parseInt(local.marker.split(".")[0], 10) : -1;
    // A copy typed on the version this page shows is newer work; one from before a newer
    // save counts only if it was typed later than that save.
    if (local && localVersion < data.version && local.saved_at <= newestOnServer) {
      clearLocal();
      local = null;
    }
    var pending = data.pending;
    if (pending) {
      pending.time = Date.parse(pending.saved_at) - serverOffset;
      if (sameText(pending, shown) || readLocal(dismissedKey()) === pending.saved_at) pending = null;
    }
    if (local && (!pending || local.saved_at >= pending.time)) {
      return { text: local, time: local.saved_at, marker: local.marker };
    }
    if (pending) return { text: pending, time: pending.time, pending: true };
    return null;
  }

  function showOffer(found) {
    if (!offer || !found) return;
    var when = new Date(found.time);
    var today = when.toDateString() === new Date().toDateString();
    var values = { time: clock(found.time), day: when.toLocaleDateString() };
    // One whole sentence for each case: where the words are kept, and whether it was today.
    var sentence;
    if (found.pending) {
      sentence = today
        ? gettext("You have words that are not in the text below, saved on the server, not published at %(time)s. Restore them into the editor, or discard them.")
        : gettext("You have words that are not in the text below, saved on the server, not published at %(time)s on %(day)s. Restore them into the editor, or discard them.");
    } else {
      sentence = today
        ? gettext("You have words that are not in the text below, saved on this device at %(time)s. Restore them into the editor, or discard them.")
        : gettext("You have words that are not in the text below, saved on this device at %(time)s on %(day)s. Restore them into the editor, or discard them.");
    }
    offerText.textContent = interpolate(sentence, values, true);
    offer.hidden = false;
    document.getElementById("autosave-offer-restore").onclick = function () {
      if (found.marker && !found.pending) markerInput.value = found.marker; // its own version, for the conflict check
      putText(found.text);
      offer.hidden = true;
      say(interpolate(gettext("Restored your words from %(time)s."), { time: clock(found.time) }, true));
      editor.focus();
      save();
    };
    document.getElementById("autosave-offer-discard").onclick = function () {
      if (found.pending) {
        try { window.localStorage.setItem(dismissedKey(), JSON.stringify(data.pending.saved_at)); } catch (error) { /* offered again next time */ }
      }
      clearLocal();
      offer.hidden = true;
      say(gettext("Discarded. The text below is the saved one."));
      editor.focus();
    };
  }

  if (data.newest_saved_at) say(interpolate(gettext("Last saved %(time)s."), { time: serverClock(data.newest_saved_at) }, true));
  showOffer(candidate());

  // ---- Listening ----

  editor.addEventListener("input", typed);
  titleInput.addEventListener("input", typed);
  window.addEventListener("online", function () { if (!sameText(current(), onServer)) save(); });

  form.addEventListener("submit", function () {
    leaving = true; // the form carries the text itself: no save on the way out
    window.clearTimeout(timer);
    // Words the server has already need no copy here; any others stay until a page shows them saved.
    if (sameText(current(), onServer)) clearLocal();
  });

  // Leaving the page (a link, closing the tab, the phone switching apps): send what is unsaved.
  function sendOnLeaving() {
    if (leaving || conflict || sameText(current(), onServer) || !navigator.sendBeacon) return;
    writeLocal();
    navigator.sendBeacon(autosaveUrl, body(current(), markerInput.value));
  }

  window.addEventListener("pagehide", sendOnLeaving);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") sendOnLeaving();
  });
})();
