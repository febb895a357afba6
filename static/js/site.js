// Progressive enhancement only: every page works without this file.
// Loaded as a separate file (no inline script) so a strict Content-Security-Policy holds.
(function () {
  "use strict";

  // Tell assistive technology that a region is being replaced.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (target) target.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var target = event.detail.target;
    if (target) target.removeAttribute("aria-busy");
  });

  // A link that triggered a swap is gone afterwards. htmx keeps focus on elements with an
  // id; when focus fell back to the page, move it to the new region's heading so keyboard
  // users carry on from where they were instead of the top of the page.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (document.activeElement && document.activeElement !== document.body) return;
    var region = event.detail.elt;
    var heading = region && region.querySelector("[data-focus-after-swap]");
    if (heading) heading.focus({ preventScroll: false });
  });

  // The head announces the site's feed (#site-feed) and the page's own: the other Atom
  // <link rel="alternate">. A swap that changed what the page shows brings a new "Follow /
  // download" box but leaves the head alone, so the page's link is set from the box.
  document.addEventListener("htmx:afterSettle", function () {
    var feed = document.querySelector(".follow-box a[data-follow='feed']");
    var link = document.head.querySelector(
      'link[rel="alternate"][type="application/atom+xml"]:not(#site-feed)'
    );
    if (!feed) {
      if (link) link.remove();
      return;
    }
    if (!link) {
      link = document.createElement("link");
      link.rel = "alternate";
      link.type = "application/atom+xml";
      document.head.appendChild(link);
    }
    link.href = feed.getAttribute("href");
    link.title = feed.getAttribute("data-feed-title") || "";
  });

  // A filter form sends every field, empty or not; leave the empty ones out of a GET so
  // the address pushed into the history has only the filters in force (the server
  // redirects a no-JavaScript request to the same tidy address).
  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if (detail.verb !== "get" || !detail.formData) return;
    var empty = [];
    detail.formData.forEach(function (value, name) {
      if (typeof value === "string" && value.trim() === "" && empty.indexOf(name) < 0) empty.push(name);
    });
    empty.forEach(function (name) {
      var values = detail.formData.getAll(name);
      var filled = values.some(function (v) { return typeof v !== "string" || v.trim() !== ""; });
      if (!filled) delete detail.parameters[name];
    });
  });

  // Enter in a text box fires "change" and then "submit" on its form. Both would ask for
  // the same results and the second would abort the first, which htmx reports as an
  // error. A request triggered by "change" therefore waits one turn of the event loop and
  // is dropped when a submit of the same form came in the meantime.
  var pendingChange = new WeakMap();
  document.addEventListener("htmx:confirm", function (event) {
    var detail = event.detail;
    var trigger = detail.triggeringEvent;
    var form = detail.elt;
    if (!trigger || !form || form.tagName !== "FORM") return;
    if (trigger.type === "submit") {
      clearTimeout(pendingChange.get(form));
      pendingChange.delete(form);
    } else if (trigger.type === "change") {
      event.preventDefault();
      clearTimeout(pendingChange.get(form));
      pendingChange.set(form, setTimeout(function () {
        pendingChange.delete(form);
        detail.issueRequest(true);
      }, 0));
    }
  });
})();
