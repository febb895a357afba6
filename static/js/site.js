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
})();
