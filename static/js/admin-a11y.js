// Accessible names for the admin controls Django renders without one: the cells of tabular
// inlines (one label per column, in the header), the split date and time inputs, and select2's
// boxes. Runs again whenever the page changes (an inline row added, select2 redrawing itself).
(function () {
  "use strict";
  // Django's catalogue (jsi18n) when the page loaded it; English as written otherwise.
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\(\w+\)s/g, function (match) { return values[match.slice(2, -2)]; });
  };

  function hasName(control) {
    if (control.getAttribute("aria-label") || control.getAttribute("aria-labelledby") || control.title) {
      return true;
    }
    return Array.prototype.some.call(control.labels || [], function (label) {
      return label.textContent.trim() !== "";
    });
  }

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").replace(/:$/, "").trim() : "";
  }

  function nameTabularInlines() {
    document.querySelectorAll(".inline-group .tabular table").forEach(function (table) {
      var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
      headers.forEach(function (th) {
        if (text(th) !== "") return;
        if (th.classList.contains("original")) {
          var hidden = document.createElement("span");
          hidden.className = "visually-hidden";
          hidden.textContent = gettext("Entry");
          th.appendChild(hidden);
        } else {
          th.replaceWith(document.createElement("td")); // a column with nothing in it needs no header
        }
      });
      headers = Array.prototype.slice.call(table.querySelectorAll("thead tr > *"));
      table.querySelectorAll("tbody tr").forEach(function (row, index) {
        var entry = text(row.querySelector("td.original p")) || interpolate(gettext("new row %(number)s"), { number: index + 1 }, true);
        Array.prototype.forEach.call(row.children, function (cell, column) {
          var header = text(headers[column]) || gettext("Delete");
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (control) {
            if (!hasName(control)) {
              control.setAttribute("aria-label", interpolate(gettext("%(column)s, %(row)s"), { column: header, row: entry }, true));
            }
          });
        });
      });
    });
  }

  function nameSplitDateTimes() {
    document.querySelectorAll("p.datetime").forEach(function (p) {
      var row = p.closest(".flex-container, .form-row");
      var label = text(row && row.querySelector("label"));
      p.querySelectorAll("input").forEach(function (input, index) {
        if (!hasName(input)) {
          var part = index === 0 ? gettext("%(field)s, date") : gettext("%(field)s, time");
          input.setAttribute("aria-label", interpolate(part, { field: label }, true));
        }
      });
    });
  }

  function nameSelect2Boxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.nextElementSibling;
      if (!box || !box.classList.contains("select2")) return;
      var name = select.getAttribute("aria-label") || text(select.labels && select.labels[0]);
      if (!name) return;
      box.querySelectorAll("[role=combobox], [role=textbox], .select2-search__field").forEach(function (control) {
        if (control.getAttribute("aria-label") !== name) control.setAttribute("aria-label", name);
      });
    });
  }

  function nameAll() {
    nameTabularInlines();
    nameSplitDateTimes();
    nameSelect2Boxes();
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameAll();
    new MutationObserver(nameAll).observe(document.body, { childList: true, subtree: true });
  });
})();
