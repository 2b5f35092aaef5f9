/* The media picker: a <dialog> (templates/media_library/_picker.html) over the library's JSON
 * API (/admin/thu-vien-anh/api), for any admin page that includes the partial.
 *
 *   MediaPicker.open().then(function (image) { ... })
 *
 * resolves with {url, alt, caption, width, height, id, title} once the editor has chosen (or
 * uploaded) an image and pressed "Chèn ảnh", or with null when the dialog is closed (Esc, the
 * close button). The dialog is modal: focus goes to the search box, Tab stays inside, Esc
 * closes and the browser gives focus back to what had it. Every image is a button named by
 * its title.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var dialog = document.getElementById("media-picker");
  if (!dialog || !script || !window.fetch) return;

  var listUrl = script.getAttribute("data-list-url");
  var uploadUrl = script.getAttribute("data-upload-url");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function part(name) { return dialog.querySelector("[data-picker-" + name + "]"); }
  var browse = part("browse"), details = part("details"), grid = part("grid");
  var status = part("status"), pager = part("pager"), pageLabel = part("page");
  var prev = part("prev"), next = part("next"), preview = part("preview"), chosenLabel = part("chosen");
  var query = document.getElementById("media-picker-q");
  var fileInput = document.getElementById("media-picker-file");
  var altInput = document.getElementById("media-picker-alt");
  var captionInput = document.getElementById("media-picker-caption");

  var state = { q: "", page: 1, pages: 1, chosen: null, resolve: null, promise: null, request: 0 };

  function say(message) { status.textContent = message || ""; }

  function errorText(body, fallback) {
    return (body && (body.message || body.title)) || fallback;
  }

  function readJson(response) {
    return response.json().catch(function () { return null; }).then(function (body) {
      return { ok: response.ok, status: response.status, body: body };
    });
  }

  function sizeText(item) {
    var kb = Math.round(item.bytes / 1024);
    return item.width + "×" + item.height + " · " + kb + " KB";
  }

  function render(items) {
    grid.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "media-picker-item";
      button.setAttribute("data-media-id", item.id);
      var img = document.createElement("img");
      img.src = item.thumb;
      img.alt = "";
      img.loading = "lazy";
      var title = document.createElement("span");
      title.className = "media-picker-title";
      title.textContent = item.title;
      var facts = document.createElement("span");
      facts.className = "media-picker-facts";
      facts.setAttribute("aria-hidden", "true");
      facts.textContent = sizeText(item);
      button.appendChild(img);
      button.appendChild(title);
      button.appendChild(facts);
      button.addEventListener("click", function () { choose(item); });
      li.appendChild(button);
      grid.appendChild(li);
    });
  }

  function load(page) {
    var ticket = ++state.request;  // an answer to an older search is dropped
    var url = listUrl + "?q=" + encodeURIComponent(state.q) + "&page=" + page;
    say("Đang tải ảnh…");
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(readJson)
      .then(function (result) {
        if (ticket !== state.request) return;
        if (!result.ok) { say(errorText(result.body, "Không tải được danh sách ảnh.")); return; }
        var body = result.body;
        state.page = body.page;
        state.pages = Math.max(1, body.pages);
        render(body.items);
        pager.hidden = state.pages <= 1;
        pageLabel.textContent = "Trang " + state.page + "/" + state.pages;
        prev.disabled = state.page <= 1;
        next.disabled = state.page >= state.pages;
        if (!body.items.length) {
          say(state.q ? "Không có ảnh nào khớp với “" + state.q + "”." : "Thư viện chưa có ảnh nào.");
        } else {
          say(body.total + " ảnh" + (state.q ? " khớp với “" + state.q + "”" : "") + ".");
        }
      })
      .catch(function () {
        if (ticket === state.request) say("Không kết nối được máy chủ. Vui lòng thử lại.");
      });
  }

  function showBrowse() {
    details.hidden = true;
    browse.hidden = false;
    state.chosen = null;
  }

  function choose(item) {
    state.chosen = item;
    preview.src = item.thumb;
    chosenLabel.textContent = item.title + " (" + sizeText(item) + ")";
    altInput.value = item.alt || item.title || "";
    captionInput.value = "";
    browse.hidden = true;
    details.hidden = false;
    altInput.focus();
  }

  function upload(file) {
    var data = new FormData();
    data.append("file", file);
    say("Đang tải ảnh lên…");
    return fetch(uploadUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
    }).then(readJson).then(function (result) {
      if (!result.ok) { say(errorText(result.body, "Không tải được ảnh lên.")); return; }
      say(result.body.created ? "Đã tải ảnh lên." : "Ảnh này đã có trong thư viện.");
      state.q = "";
      query.value = "";
      load(1);
      choose(result.body.item);
    }).catch(function () { say("Không tải được ảnh lên. Vui lòng thử lại."); });
  }

  function finish(value) {
    var resolve = state.resolve;
    state.resolve = null;
    state.promise = null;
    if (resolve) resolve(value);
  }

  function find() {
    state.q = query.value.trim();
    load(1);
  }

  part("find").addEventListener("click", find);
  query.addEventListener("keydown", function (event) {
    // Enter searches here; it must not submit a form the dialog may sit in.
    if (event.key === "Enter") { event.preventDefault(); find(); }
    // A search field would take the first Esc to clear itself: Esc closes, as everywhere.
    if (event.key === "Escape") { event.preventDefault(); dialog.close(); }
  });
  prev.addEventListener("click", function () { if (state.page > 1) load(state.page - 1); });
  next.addEventListener("click", function () { if (state.page < state.pages) load(state.page + 1); });
  part("upload").addEventListener("click", function () { fileInput.click(); });
  fileInput.addEventListener("change", function () {
    if (fileInput.files && fileInput.files[0]) upload(fileInput.files[0]);
    fileInput.value = "";
  });
  part("back").addEventListener("click", function () {
    showBrowse();
    var first = grid.querySelector("button");
    (first || query).focus();
  });
  [altInput, captionInput].forEach(function (input) {
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); part("insert").click(); }
    });
  });
  part("insert").addEventListener("click", function () {
    var item = state.chosen;
    if (!item) return;
    var value = {
      url: item.url, alt: altInput.value.trim(), caption: captionInput.value.trim(),
      width: item.width, height: item.height, id: item.id, title: item.title,
    };
    finish(value);
    dialog.close();
  });
  part("close").addEventListener("click", function () { dialog.close(); });
  // Esc and the close button both end in "close": an open promise then gets null.
  dialog.addEventListener("close", function () { finish(null); });

  function open() {
    if (state.promise) return state.promise;
    state.promise = new Promise(function (resolve) { state.resolve = resolve; });
    showBrowse();
    say("");
    state.q = "";
    query.value = "";
    if (!dialog.open) dialog.showModal();
    query.focus();
    load(1);
    return state.promise;
  }

  window.MediaPicker = { open: open };
})();
