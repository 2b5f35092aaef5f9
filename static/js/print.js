/* The print view's "In bài này" button (templates/news/print.html): a static file because
 * the Content-Security-Policy allows no inline script. Without JavaScript the button stays
 * hidden and the browser's own Print command does the same. */
(function () {
  "use strict";

  function init() {
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () { window.print(); });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
