/* Article ratings (app/ratings): the form is sent with fetch() and the reader's token
 * (reader-forms.js fills it just before the first submit), and the JSON answer's totals are
 * shown at once through live-stats.js. Without this script the form posts as it is and the
 * server answers with a redirect (or a page asking to confirm).
 * The visitor's own vote is remembered in localStorage, so a reload still shows it: the
 * page itself is cached, the same bytes for everyone.
 */
(function () {
  "use strict";
  if (window.ratingsReady) return;
  window.ratingsReady = true;

  var STORE = "portal-rating:";

  function remembered(id) {
    try { return window.localStorage.getItem(STORE + id); } catch (e) { return null; }
  }

  function remember(id, stars) {
    try { window.localStorage.setItem(STORE + id, String(stars)); } catch (e) { /* private */ }
  }

  function showVote(form, stars, message) {
    var choice = form.querySelector('input[name="stars"][value="' + stars + '"]');
    if (choice) choice.checked = true;
    var status = form.querySelector("[data-rating-status]");
    if (status) status.textContent = message;
  }

  function send(form) {
    var status = form.querySelector("[data-rating-status]");
    var button = form.querySelector('button[type="submit"]');
    var data = new FormData(form);
    if (button) button.disabled = true;
    if (status) status.textContent = "Đang gửi đánh giá…";
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": data.get("csrf_token") || "" },
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (answer) {
        var body = answer.body;
        if (answer.ok && body.items) {
          if (window.liveStatsRender) window.liveStatsRender(body.items);
          remember(form.getAttribute("data-article"), body.stars);
          showVote(form, body.stars, body.message);
          return;
        }
        if (button) button.disabled = false;
        if (status) status.textContent = body.message || "Chưa gửi được đánh giá. Vui lòng thử lại.";
      })
      .catch(function () {
        if (button) button.disabled = false;
        if (status) status.textContent = "Chưa gửi được đánh giá: kiểm tra kết nối mạng rồi thử lại.";
      });
  }

  document.querySelectorAll("[data-rating-form]").forEach(function (form) {
    var mine = remembered(form.getAttribute("data-article"));
    if (mine && /^[1-5]$/.test(mine)) showVote(form, mine, "Bạn đã đánh giá bài viết này: " + mine + " sao.");
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) return; // the plain form still works
      event.preventDefault();
      send(form);
    });
  });
})();
