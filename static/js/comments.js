// Comment replies without a reload: "Reply" moves the form under that comment.
// Without JavaScript the Reply link (?replyto=ID#respond) renders the same form
// there on the server, so this file only makes it quicker.
(function () {
  "use strict";
  // Django's catalogue (jsi18n) when the page loaded it; English as written otherwise.
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\(\w+\)s/g, function (match) { return values[match.slice(2, -2)]; });
  };
  var respond = document.getElementById("respond");
  var home = document.getElementById("respond-home");
  if (!respond || !home) return;
  var form = respond.querySelector("form.comment-form");
  if (!form) return;
  var parentInput = form.querySelector("input[name=parent]");
  var title = document.getElementById("reply-title");
  var cancel = respond.querySelector(".cancel-reply");
  var cancelLink = document.getElementById("cancel-reply");
  var body = form.querySelector("textarea");

  function placeUnder(item, name, id) {
    var children = null;
    for (var i = 0; i < item.children.length; i++) {
      if (item.children[i].classList.contains("children")) children = item.children[i];
    }
    item.insertBefore(respond, children);
    parentInput.value = id;
    title.textContent = interpolate(gettext("Reply to %(name)s"), { name: name }, true);
    cancel.hidden = false;
    if (body) body.focus();
  }

  function goHome() {
    home.appendChild(respond);
    parentInput.value = "";
    title.textContent = gettext("Leave a Reply");
    cancel.hidden = true;
    if (body) body.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.comment-reply-link") : null;
    if (link) {
      var item = document.getElementById("comment-" + link.getAttribute("data-reply-to"));
      if (!item) return;
      event.preventDefault();
      placeUnder(item, link.getAttribute("data-reply-name"), link.getAttribute("data-reply-to"));
      return;
    }
    if (cancelLink && event.target === cancelLink) {
      event.preventDefault();
      goHome();
    }
  });
})();
