/* Find help: after a search, take the reader to what it found, and their screen reader with
 * them. The page marks what the search gave (the results' heading, or the message about a
 * mistyped ZIP code) with data-focus-on-load; it has tabindex="-1", so it can take focus, and
 * a screen reader reads it out. The form's #results anchor already scrolls there without
 * JavaScript; this also moves focus, which a fragment alone does not, and covers addresses
 * without the anchor (a shared link, the language switcher). No focus is moved on a page
 * without a search. */
(function () {
  "use strict";
  var target = document.querySelector("[data-focus-on-load]");
  if (!target) return;
  /* At the top of the view (under the sticky exit bar: the stylesheet's scroll padding). */
  target.scrollIntoView({ block: "start" });
  target.focus({ preventScroll: true });
})();
