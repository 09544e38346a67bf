// The write page: the toolbar and its shortcuts, the word count, and clear errors for a refused drop.
// The editor itself (live preview, drag and drop) is django-markdownx's; "Add an image" is
// static/js/image_panel.js. A refused drop leaves the text as it was.
(function () {
  "use strict";
  // Django's catalogue (jsi18n) when the page loaded it; English as written otherwise.
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\(\w+\)s/g, function (match) { return values[match.slice(2, -2)]; });
  };
  var ngettext = window.ngettext || function (singular, plural, count) { return count === 1 ? singular : plural; };
  var editor = document.querySelector("textarea.markdownx-editor");
  if (!editor) return;

  var dropStatus = document.getElementById("drop-status");
  function notSent() {
    return gettext("The upload did not reach the server. Check your connection and try again.");
  }

  // Tab and Shift+Tab move focus out of the text, as everywhere else: django-markdownx
  // would indent instead and trap keyboard users in it (WCAG 2.1.2). Its Ctrl+] and
  // Ctrl+[ still indent. A capturing listener on the document runs before markdownx's.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Tab" && event.target === editor && !event.ctrlKey && !event.metaKey) {
      event.stopPropagation();
    }
  }, true);

  function say(message, isError, region) {
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
    return gettext("The image could not be added. Try another file.");
  }

  // --- The toolbar: Markdown around the selection, by button or shortcut ---------------------

  var toolbar = document.querySelector(".editor-toolbar");
  var isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
  var footnoteNumber = /\[\^(\d+)\]/g;

  // Replace the selection with before + (selection or placeholder) + after, then select the
  // placeholder, or `urlLength` characters of `after` (a link's address) when text was chosen.
  function wrap(before, after, placeholder, urlLength) {
    var start = editor.selectionStart, end = editor.selectionEnd;
    var chosen = editor.value.slice(start, end);
    replace(start, end, before + (chosen || placeholder) + after);
    var from = start + before.length;
    if (chosen && urlLength) {
      from += chosen.length + 2;  // past "]("
      editor.setSelectionRange(from, from + urlLength);
    } else {
      editor.setSelectionRange(from, from + (chosen || placeholder).length);
    }
  }

  function replace(start, end, text) {
    editor.focus();
    editor.setSelectionRange(start, end);
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      editor.setRangeText(text, start, end, "end");
      editor.dispatchEvent(new Event("input", { bubbles: true }));  // the preview and the count follow
    }
  }

  // Put `prefix` before every line the selection touches ("## ", "> ", "- ").
  function prefixLines(prefix) {
    var value = editor.value, selStart = editor.selectionStart, selEnd = editor.selectionEnd;
    if (selEnd > selStart && value[selEnd - 1] === "\n") selEnd -= 1;  // a selection of whole lines
    var start = value.lastIndexOf("\n", selStart - 1) + 1;
    var end = value.indexOf("\n", selEnd);
    if (end === -1) end = value.length;
    var text = value.slice(start, end).split("\n").map(function (line) {
      return line.indexOf(prefix) === 0 ? line : prefix + line;
    }).join("\n");
    replace(start, end, text);
    editor.setSelectionRange(start + text.length, start + text.length);
  }

  function addFootnote() {
    var used = 0, match;
    footnoteNumber.lastIndex = 0;
    while ((match = footnoteNumber.exec(editor.value)) !== null) used = Math.max(used, Number(match[1]));
    var n = used + 1, marker = "[^" + n + "]";
    var at = editor.selectionEnd;
    replace(at, at, marker);
    // The note itself goes at the end of the text, where footnotes are written; its text selected.
    var value = editor.value, placeholder = gettext("Source.");
    var note = (value.endsWith("\n\n") ? "" : value.endsWith("\n") ? "\n" : "\n\n") + marker + ": " + placeholder;
    replace(value.length, value.length, note);
    var end = editor.value.length;
    editor.setSelectionRange(end - placeholder.length, end);
  }

  var actions = {
    bold: function () { wrap("**", "**", gettext("bold text")); },
    italic: function () { wrap("*", "*", gettext("italic text")); },
    heading: function () { prefixLines("## "); },
    link: function () { wrap("[", "](https://)", gettext("link text"), "https://".length); },
    quote: function () { prefixLines("> "); },
    list: function () { prefixLines("- "); },
    footnote: addFootnote,
    image: function () {
      // "Add an image" beside the editor asks for the file, its alt text and its source.
      var input = document.getElementById("image-upload-input");
      if (input) { input.scrollIntoView({ block: "nearest" }); input.focus(); }
    }
  };

  // "Ctrl+Shift+." -> {ctrl, shift, alt, code or key}: what a keydown must carry.
  function parseKeys(keys) {
    var parts = keys.split("+"), last = parts.pop();
    var wanted = { shift: parts.indexOf("Shift") !== -1, alt: parts.indexOf("Alt") !== -1 };
    if (last === ".") wanted.code = "Period";
    else if (/^\d$/.test(last)) wanted.code = "Digit" + last;
    else wanted.key = last.toLowerCase();
    return wanted;
  }

  function matches(event, wanted) {
    var primary = isMac ? event.metaKey : event.ctrlKey;
    if (!primary || event.shiftKey !== wanted.shift || event.altKey !== wanted.alt) return false;
    return wanted.code ? event.code === wanted.code : (event.key || "").toLowerCase() === wanted.key;
  }

  if (toolbar) {
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button[data-tool]"));
    var shortcuts = buttons.map(function (button) {
      var keys = button.dataset.keys;
      if (isMac) {
        var shown = keys.replace("Ctrl+", "⌘");
        button.querySelector("kbd").textContent = shown;
        button.setAttribute("aria-keyshortcuts", keys.replace("Ctrl", "Meta"));
      }
      return { tool: button.dataset.tool, wanted: parseKeys(keys) };
    });

    buttons.forEach(function (button) {
      button.addEventListener("click", function () { actions[button.dataset.tool](); });
    });

    // One tab stop; the arrow keys, Home and End move between the buttons.
    toolbar.addEventListener("keydown", function (event) {
      var index = buttons.indexOf(document.activeElement);
      if (index === -1) return;
      var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      next = (next + buttons.length) % buttons.length;
      buttons[index].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    });

    editor.addEventListener("keydown", function (event) {
      for (var i = 0; i < shortcuts.length; i++) {
        if (matches(event, shortcuts[i].wanted)) {
          event.preventDefault();
          actions[shortcuts[i].tool]();
          return;
        }
      }
    });
    // Escape hides a shown tooltip (WCAG 1.4.13); it comes back on the next hover or focus.
    toolbar.addEventListener("keydown", function (event) {
      if (event.key === "Escape") toolbar.classList.add("tips-hidden");
    });
    ["focusin", "mouseover"].forEach(function (type) {
      toolbar.addEventListener(type, function () { toolbar.classList.remove("tips-hidden"); });
    });
    toolbar.hidden = false;
  }

  // --- Words and reading time, under the text -------------------------------------------------

  var counter = document.getElementById("word-count");
  var WORDS_A_MINUTE = 200;
  var word = /[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*/gu;

  function countWords(text) {
    // A link's or an image's address is not read: only what it says.
    var prose = text.replace(/\]\([^)]*\)/g, "]").replace(/^\[\^\d+\]:/gm, "");
    var found = prose.match(word);
    return found ? found.length : 0;
  }

  function showCount() {
    var words = countWords(editor.value);
    var minutes = Math.max(1, Math.round(words / WORDS_A_MINUTE));
    var count = interpolate(ngettext("%(count)s word", "%(count)s words", words),
      { count: words.toLocaleString(document.documentElement.lang || "en") }, true);
    var reading = interpolate(ngettext("about %(count)s minute to read", "about %(count)s minutes to read", minutes),
      { count: minutes }, true);
    counter.textContent = words ? count + " · " + reading : count;
  }

  if (counter) {
    editor.addEventListener("input", showCount);
    showCount();
    counter.hidden = false;
  }

  // "Publish at": Chromium sometimes leaves a date-and-time box that has focus (in one of its
  // parts) unmatched by :focus, so its focus ring would not show. A class keeps it visible.
  var publishAt = document.querySelector(".schedule input[type=datetime-local]");
  if (publishAt) {
    publishAt.addEventListener("focus", function () { publishAt.classList.add("has-focus"); });
    publishAt.addEventListener("blur", function () { publishAt.classList.remove("has-focus"); });
  }

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
  markdownx.addEventListener("fileUploadError", function () { refuseDrop(notSent()); });
  markdownx.addEventListener("markdownx.fileUploadEnd", function () {
    say(gettext("Image added. Write its alt text between the square brackets: ![what it shows](…)"), false, dropStatus);
  });
})();
