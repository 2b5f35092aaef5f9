/* The banner form: "Hoặc chọn từ thư viện ảnh" opens the media library's picker (when the page
 * has it) and puts the chosen picture's URL in the form's hidden `library_image` field; the
 * server checks it names a stored picture. Without the picker the file input alone is used. */
(function () {
  "use strict";
  var box = document.querySelector("[data-banner-picker]");
  var field = document.querySelector('input[name="library_image"]');
  if (!box || !field || !window.MediaPicker || !window.MediaPicker.open) return;
  var said = box.querySelector("[data-banner-picked]");
  box.hidden = false;
  box.querySelector("[data-banner-pick]").addEventListener("click", function () {
    window.MediaPicker.open().then(function (item) {
      if (!item) return;
      field.value = item.url;
      said.textContent = "Đã chọn: " + (item.title || item.url) + ". Bấm Lưu để dùng ảnh này.";
    });
  });
})();
