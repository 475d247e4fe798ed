/* Exit this page, on the model of GOV.UK's: the quick-exit button, or Shift pressed three
 * times within five seconds, blanks the page at once and replaces it in the browser's history
 * with a neutral site, so the back button does not return here. Earlier pages of the visit
 * stay in the history: the "browse more safely" page says so. No network request is made
 * before leaving.
 *
 * Only bare presses of Shift count: typing capitals ("Los Angeles CA") holds Shift with
 * another key, and a reader who is typing must never be thrown off the page. As in GOV.UK
 * Frontend's exit-this-page, any other key starts the count again; a Shift released after
 * another key went down while it was held does not count. The hints about Shift (beside
 * the button and in the safety message) are shown only where there is likely a keyboard. */
(function () {
  "use strict";
  var button = document.querySelector("[data-quick-exit]");
  if (!button) return;
  var target = button.getAttribute("href");
  /* A phone or tablet with no mouse likely has no keyboard either: its hints stay hidden. */
  if (!window.matchMedia("(hover: none) and (pointer: coarse)").matches) {
    document.querySelectorAll("[data-quick-exit-hint]").forEach(function (hint) {
      hint.hidden = false;
    });
  }

  var WINDOW = 5000; /* milliseconds from the first press to the third */
  var PRESSES = 3;

  function leave(event) {
    if (event) event.preventDefault();
    document.title = "";
    document.body.innerHTML = "";
    document.documentElement.style.background = "#fff";
    window.location.replace(target);
  }

  button.addEventListener("click", leave);

  var count = 0;
  var firstPress = 0;
  var shiftWasModifier = false;

  /* Capture, so that a script on the page stopping a key event cannot stop the exit. */
  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      if (!event.repeat) shiftWasModifier = false;
      return;
    }
    count = 0;
    shiftWasModifier = true;
  }, true);

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") return;
    if (shiftWasModifier || event.ctrlKey || event.altKey || event.metaKey) {
      count = 0;
      return;
    }
    var now = Date.now();
    if (count === 0 || now - firstPress > WINDOW) {
      count = 0;
      firstPress = now;
    }
    count += 1;
    if (count >= PRESSES) {
      count = 0;
      leave();
    }
  }, true);
})();
