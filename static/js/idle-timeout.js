/* The idle-timeout bar for logged-in users.
 * The server owns the idle clock; this script mirrors it. Real activity (click, key, scroll,
 * touch) in ANY tab refreshes it through POST /auth/keepalive and is shared with the other
 * tabs over BroadcastChannel. Keepalives go out at most every ACTIVITY_EVERY_MS, so activity
 * between two of them is only remembered (and told to the other tabs); when the bar is about
 * to appear and the user was active in any tab since the last keepalive, the keepalive goes
 * out instead of the bar. The bar shows in the last 60 s; at zero the server is asked
 * first (another tab may have kept the session alive), and only then every tab goes to the
 * login page, keeping unsaved form text in sessionStorage to restore after logging back in.
 */
(function () {
  "use strict";
  var bar = document.getElementById("idle-bar");
  if (!bar || !window.fetch) return;
  var seconds = bar.querySelector(".idle-bar-seconds");
  var button = bar.querySelector(".idle-bar-button");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var KEEPALIVE = bar.dataset.keepalive, STATUS = bar.dataset.status, LOGIN = bar.dataset.login;
  var WARNING = parseInt(bar.dataset.warning, 10) || 60;
  var IDLE = parseInt(bar.dataset.idle, 10) || 1800;
  var ACTIVITY_EVERY_MS = Math.min(30000, Math.max(1000, IDLE * 1000 / 4));
  var STORE_PREFIX = "portal-unsaved:";
  var channel = "BroadcastChannel" in window ? new BroadcastChannel("portal-idle") : null;

  var skew = 0;  // server clock minus ours, in ms
  var deadline = Date.now() + IDLE * 1000;  // when the server will log us out (our clock)
  var lastSent = Date.now();  // the page load itself was activity
  var lastActivity = 0;  // the user's last activity in any tab (our clock)
  var lastTold = 0;  // when this tab last told the others about activity
  var pending = false;
  var ending = false;

  function adopt(state) {
    if (!state || !state.deadline) return;
    skew = state.now * 1000 - Date.now();
    deadline = state.deadline * 1000 - skew;
    tick();
  }

  function request(url, method) {
    var headers = { Accept: "application/json", "X-CSRFToken": csrf };
    if (method === "GET") headers["X-Activity"] = "0";
    return fetch(url, { method: method, headers: headers, credentials: "same-origin" })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          body.status = r.status;
          return body;
        });
      });
  }

  function keepalive() {
    if (pending || ending) return;
    pending = true;
    lastSent = Date.now();
    request(KEEPALIVE, "POST").then(function (state) {
      pending = false;
      if (state.status === 401) return expire(false);
      if (state.active) {
        adopt(state);
        if (channel) channel.postMessage({ type: "alive", state: state });
      }
    }).catch(function () { pending = false; });
  }

  function activity() {
    if (ending) return;
    var now = Date.now();
    lastActivity = now;
    if (channel && now - lastTold >= 1000) {
      lastTold = now;
      channel.postMessage({ type: "activity", at: now });
    }
    // While the bar shows, any activity keeps the session at once; otherwise at most
    // every ACTIVITY_EVERY_MS, so typing does not flood the server.
    if (!bar.hidden || Date.now() - lastSent >= ACTIVITY_EVERY_MS) keepalive();
  }

  function saveUnsaved() {
    document.querySelectorAll("form").forEach(function (form, index) {
      if (form.dataset.keepUnsaved === "false" || (form.method || "").toLowerCase() !== "post") return;
      var values = {};
      var any = false;
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === "password" || el.type === "hidden" || el.type === "file") return;
        if (el.type === "checkbox" || el.type === "radio") values[el.name + "|" + el.value] = el.checked;
        else if (el.value) { values[el.name] = el.value; any = true; }
      });
      if (any) {
        try {
          sessionStorage.setItem(STORE_PREFIX + location.pathname + "#" + index, JSON.stringify(values));
        } catch (e) { /* storage full or disabled */ }
      }
    });
  }

  function restoreUnsaved() {
    var restored = false;
    document.querySelectorAll("form").forEach(function (form, index) {
      var key = STORE_PREFIX + location.pathname + "#" + index;
      var raw = sessionStorage.getItem(key);
      if (!raw) return;
      sessionStorage.removeItem(key);
      var values = JSON.parse(raw);
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name) return;
        if (el.type === "checkbox" || el.type === "radio") {
          var k = el.name + "|" + el.value;
          if (k in values) el.checked = values[k];
        } else if (el.name in values && el.type !== "hidden" && el.type !== "password" && el.type !== "file") {
          el.value = values[el.name];
          el.dispatchEvent(new Event("input", { bubbles: true }));
          restored = true;
        }
      });
      if (restored) {
        var note = document.createElement("p");
        note.className = "restored-notice";
        note.setAttribute("role", "status");
        note.textContent = "Nội dung bạn đang soạn trước khi hết phiên đăng nhập đã được khôi phục. Hãy kiểm tra và lưu lại.";
        form.parentNode.insertBefore(note, form);
      }
    });
  }

  function goToLogin() {
    var here = location.pathname + location.search;
    location.assign(LOGIN + "&next=" + encodeURIComponent(here));
  }

  function expire(confirmed) {
    if (ending) return;
    if (!confirmed) {
      // Ask the server first: another tab may have kept the session alive.
      request(STATUS, "GET").then(function (state) {
        if (state.status === 401 || !state.active) expire(true);
        else adopt(state);
      }).catch(function () { setTimeout(function () { expire(false); }, 2000); });
      return;
    }
    ending = true;
    saveUnsaved();
    if (channel) channel.postMessage({ type: "ended" });
    goToLogin();
  }

  function tick() {
    if (ending) return;
    var left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) {
      seconds.textContent = "0";
      expire(false);
      return;
    }
    if (left <= WARNING && bar.hidden && (pending || lastActivity > lastSent)) {
      // The user was active (here or in another tab) since the last keepalive: keep the
      // session instead of warning; the bar shows only if the keepalive fails.
      keepalive();
      return;
    }
    if (left <= WARNING) {
      if (seconds.textContent !== String(left)) seconds.textContent = String(left);
      if (bar.hidden) bar.hidden = false;
    } else if (!bar.hidden) {
      bar.hidden = true;
    }
  }

  if (channel) {
    channel.onmessage = function (event) {
      var msg = event.data || {};
      if (msg.type === "alive") { lastSent = Date.now(); adopt(msg.state); }
      else if (msg.type === "activity") lastActivity = Math.max(lastActivity, msg.at || 0);
      else if (msg.type === "ended" && !ending) expire(false);
    };
  }

  button.addEventListener("click", function (event) { event.stopPropagation(); keepalive(); });
  ["click", "keydown", "scroll", "touchstart"].forEach(function (name) {
    window.addEventListener(name, activity, { passive: true, capture: true });
  });
  restoreUnsaved();
  request(STATUS, "GET").then(function (state) {
    if (state.active) adopt(state);
  }).catch(function () {});
  setInterval(tick, 1000);
})();
