// "Add an image", beside the editor: uploads the file with what the writer says about it
// (alt text, caption, credit, source, licence) and puts the image's Markdown in the text.
// The server checks everything again; a refusal names the field and keeps what was typed.
(function () {
  "use strict";
  // Django's catalogue (jsi18n) when the page loaded it; English as written otherwise.
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\(\w+\)s/g, function (match) { return values[match.slice(2, -2)]; });
  };
  var editor = document.querySelector("textarea.markdownx-editor");
  var panel = document.querySelector(".image-panel");
  if (!editor || !panel) return;

  var form = editor.form;
  var status = document.getElementById("image-status");
  var insertButton = document.getElementById("image-insert");
  var fields = {
    image: document.getElementById("image-upload-input"),
    alt: document.getElementById("image-alt"),
    caption: document.getElementById("image-caption"),
    credit: document.getElementById("image-credit"),
    source_title: document.getElementById("image-source-title"),
    source_url: document.getElementById("image-source-url"),
    licence: document.getElementById("image-licence")
  };
  function notSent() {
    return gettext("The upload did not reach the server. Check your connection and try again.");
  }

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("is-error", Boolean(isError));
  }

  // The first error the server gave, and the field it is about (to put the cursor there).
  function firstError(payload) {
    if (payload && typeof payload === "object") {
      var keys = Object.keys(payload);
      for (var i = 0; i < keys.length; i++) {
        var value = payload[keys[i]];
        if (Array.isArray(value) && value.length) return { field: keys[i], message: String(value[0]) };
      }
    }
    return { field: "image", message: gettext("The image could not be added. Try another file.") };
  }

  // Markdown's own characters would end the alt text or the title early.
  function clean(text) {
    return text.replace(/[\[\]"\n\r|]/g, " ").replace(/\s+/g, " ").trim();
  }

  function insertAtCursor(text) {
    var start = editor.selectionStart, end = editor.selectionEnd;
    var before = editor.value.slice(0, start), after = editor.value.slice(end);
    var pad = before && !before.endsWith("\n\n") ? (before.endsWith("\n") ? "\n" : "\n\n") : "";
    editor.value = before + pad + text + "\n\n" + after;
    editor.selectionStart = editor.selectionEnd = (before + pad + text).length;
    editor.dispatchEvent(new Event("input", { bubbles: true }));  // the preview follows
  }

  function upload() {
    var file = fields.image.files && fields.image.files[0];
    if (!file) { say(gettext("Choose an image file first."), true); fields.image.focus(); return; }
    var alt = clean(fields.alt.value);
    if (!alt) {
      say(gettext("Describe the image in the alt text field: readers who cannot see it rely on it."), true);
      fields.alt.focus();
      return;
    }
    var data = new FormData();
    data.append("image", file);
    ["alt", "caption", "credit", "source_title", "source_url", "licence"].forEach(function (name) {
      data.append(name, name === "alt" ? alt : fields[name].value.trim());
    });
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    insertButton.disabled = true;
    say(interpolate(gettext("Uploading %(name)s…"), { name: file.name }, true));
    fetch(panel.dataset.uploadUrl, {
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
        if (!result.ok || !result.payload.image_url) {
          var error = firstError(result.payload);
          say(error.message, true);
          if (fields[error.field] && error.field !== "image") fields[error.field].focus();
          return;
        }
        var caption = clean(fields.caption.value), credit = clean(fields.credit.value);
        var title = credit ? caption + " | " + credit : caption;
        insertAtCursor("![" + alt + "](" + result.payload.image_url + (title ? ' "' + title + '"' : "") + ")");
        say(gettext("Image added to your post."));
        ["image", "alt", "caption", "credit", "source_title", "source_url"].forEach(function (name) {
          fields[name].value = "";
        });
        fields.licence.value = "unknown";
      })
      .catch(function () { say(notSent(), true); })
      .then(function () { insertButton.disabled = false; });
  }

  insertButton.addEventListener("click", upload);

  // Enter in one of the panel's boxes adds the image, as its button does; it must not send
  // the whole post (the form's first button is Publish).
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches("input[type=text], input[type=url]")) {
      event.preventDefault();
      upload();
    }
  });
})();
