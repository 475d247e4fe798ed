/* Exit this page, on the model of GOV.UK's: the quick-exit button, or Shift pressed three
 * times within five seconds, blanks the page at once and replaces it in the browser's history
 * with a neutral site, so the back button does not return here. Earlier pages of the visit
 * stay in the history: the "browse more safely" page says so. No network request is made
 * before leaving. */
(function () {
  "use strict";
  var button = document.querySelector("[data-quick-exit]");
  if (!button) return;
  var target = button.getAttribute("href");
  var hint = document.querySelector("[data-quick-exit-hint]");
  if (hint) hint.hidden = false;

  function leave(event) {
    if (event) event.preventDefault();
    document.title = "";
    document.body.innerHTML = "";
    document.documentElement.style.background = "#fff";
    window.location.replace(target);
  }

  button.addEventListener("click", leave);

  var presses = [];
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") return;
    var now = Date.now();
    presses = presses.filter(function (time) { return now - time < 5000; });
    presses.push(now);
    if (presses.length >= 3) leave();
  });
})();
