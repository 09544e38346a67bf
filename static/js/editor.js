// The write page: an image picker that asks for alt text, and clear upload errors.
// The editor itself (live preview, drag and drop) is django-markdownx's; a refused drop
// leaves the text as it was.
(function () {
  "use strict";
  var editor = document.querySelector("textarea.markdownx-editor");
  var picker = document.querySelector(".image-picker");
  if (!editor || !picker) return;

  var form = editor.form;
  var status = document.getElementById("image-status");
  var dropStatus = document.getElementById("drop-status");
  var fileInput = document.getElementById("image-file");
  var altInput = document.getElementById("image-alt");
  var captionInput = document.getElementById("image-caption");
  var creditInput = document.getElementById("image-credit");
  var insertButton = document.getElementById("image-insert");
  var NOT_SENT = "The upload did not reach the server. Check your connection and try again.";

  // Tab and Shift+Tab move focus out of the text, as everywhere else: django-markdownx
  // would indent instead and trap keyboard users in it (WCAG 2.1.2). Its Ctrl+] and
  // Ctrl+[ still indent. A capturing listener on the document runs before markdownx's.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Tab" && event.target === editor && !event.ctrlKey && !event.metaKey) {
      event.stopPropagation();
    }
  }, true);

  function say(message, isError, region) {
    region = region || status;
    region.textContent = message;
    region.classList.toggle("is-error", Boolean(isError));
  }

  function firstError(payload) {
    if (payload && typeof payload === "object") {
      var keys = Object.keys(payload);
      for (var i = 0; i < keys.length; i++) {
        var value = payload[keys[i]];
        if (Array.isArray(value) && value.length) return String(value[0]);
      }
    }
    return "The image could not be added. Try another file.";
  }

  function insertAtCursor(text) {
    var start = editor.selectionStart, end = editor.selectionEnd;
    var before = editor.value.slice(0, start), after = editor.value.slice(end);
    var pad = before && !before.endsWith("\n\n") ? (before.endsWith("\n") ? "\n" : "\n\n") : "";
    editor.value = before + pad + text + "\n\n" + after;
    editor.selectionStart = editor.selectionEnd = (before + pad + text).length;
    // Let the editor refresh its preview.
    editor.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function clean(text) {
    return text.replace(/[\[\]"\n\r|]/g, " ").replace(/\s+/g, " ").trim();
  }

  insertButton.addEventListener("click", function () {
    var file = fileInput.files && fileInput.files[0];
    if (!file) { say("Choose an image file first.", true); fileInput.focus(); return; }
    var alt = clean(altInput.value);
    if (!alt) {
      say("Describe the image in the alt text field: readers who cannot see it rely on it.", true);
      altInput.focus();
      return;
    }
    var data = new FormData();
    data.append("image", file);
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    insertButton.disabled = true;
    say("Uploading " + file.name + "…");
    fetch(picker.dataset.uploadUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" }
    })
      .then(function (response) {
        return response.json().then(function (payload) { return { ok: response.ok, payload: payload }; },
          function () { return { ok: false, payload: null }; });
      })
      .then(function (result) {
        if (!result.ok || !result.payload.image_url) { say(firstError(result.payload), true); return; }
        var caption = clean(captionInput.value), credit = clean(creditInput.value);
        var title = credit ? caption + " | " + credit : caption;
        insertAtCursor("![" + alt + "](" + result.payload.image_url + (title ? ' "' + title + '"' : "") + ")");
        say("Image added to your post.");
        fileInput.value = ""; altInput.value = ""; captionInput.value = ""; creditInput.value = "";
      })
      .catch(function () { say(NOT_SENT, true); })
      .then(function () { insertButton.disabled = false; });
  });

  // Drag and drop (and pasting an image) go through django-markdownx. On a refusal its
  // sendFile (4.0.11) fires the error event and only then writes "Invalid response" into
  // the text at the caret, where the next good drop is glued to it. So the text is taken
  // as it is when the event comes (with whatever was typed during the upload) and put back
  // in a microtask: that runs once markdownx's handler has returned, before any keystroke
  // or repaint. Searching for its words would also remove a student's own.
  var markdownx = editor.closest(".markdownx");

  function refuseDrop(message) {
    var text = editor.value, start = editor.selectionStart, end = editor.selectionEnd;
    var scroll = editor.scrollTop;
    Promise.resolve().then(function () {
      if (editor.value === text) return;
      editor.value = text;
      editor.setSelectionRange(start, end);
      editor.scrollTop = scroll;
      editor.dispatchEvent(new Event("input", { bubbles: true }));  // the preview follows
    });
    say(message, true, dropStatus);
    // The writer is looking at the text they dropped onto, maybe far down a long draft.
    dropStatus.scrollIntoView({ block: "nearest" });
  }

  markdownx.addEventListener("markdownx.fileUploadError", function (event) {
    refuseDrop(firstError(event.detail && event.detail[0]));
  });
  // When the request fails outright, markdownx fires its event without the prefix.
  markdownx.addEventListener("fileUploadError", function () { refuseDrop(NOT_SENT); });
  markdownx.addEventListener("markdownx.fileUploadEnd", function () {
    say("Image added. Write its alt text between the square brackets: ![what it shows](…)", false, dropStatus);
  });
})();
