/* "Sao chép liên kết" under an article (templates/news/_share.html): copies the article's
 * address with the Clipboard API and says so; where that is refused (an old browser, a page
 * not served over HTTPS), the address in the read-only field is selected for Ctrl+C.
 * Without JavaScript the button stays hidden and the field is there to copy by hand.
 */
(function () {
  "use strict";

  function setUp(box) {
    var button = box.querySelector("[data-share-copy-button]");
    var field = box.querySelector("input");
    var status = box.querySelector("[data-share-copy-status]");
    if (!button || !field || !status || button.dataset.ready) return;
    button.dataset.ready = "1";
    button.hidden = false;

    function fallback() {
      field.focus();
      field.select();
      status.textContent = "Chưa sao chép được tự động: liên kết đã được chọn, hãy nhấn Ctrl+C (hoặc giữ để sao chép).";
    }

    button.addEventListener("click", function () {
      status.textContent = "";
      if (!navigator.clipboard || !window.isSecureContext) {
        fallback();
        return;
      }
      navigator.clipboard.writeText(field.value).then(function () {
        status.textContent = "Đã sao chép liên kết.";
      }, fallback);
    });
  }

  function init() {
    var boxes = document.querySelectorAll("[data-share-copy]");
    for (var i = 0; i < boxes.length; i++) setUp(boxes[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
