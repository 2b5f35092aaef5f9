/* The staff's live panel (templates/stats/admin/_live.html).
 * One EventSource per browser for the panel: the tab holding the Web Lock opens
 * /admin/stats/live/stream and shares each frame with the other tabs over BroadcastChannel.
 * If the stream fails, the leader polls live.json instead and tries the stream again later.
 * Everything shown is set as text (titles are editors' input): never innerHTML.
 */
(function () {
  "use strict";
  var panel = document.querySelector("[data-live-panel]");
  if (!panel || !window.fetch) return;

  var STREAM_URL = panel.getAttribute("data-stream");
  var JSON_URL = panel.getAttribute("data-json");
  var LOCK_NAME = "portal-staff-live-leader";
  var POLL_MS = 5000;
  var RETRY_STREAM_MS = 60000;
  var format = new Intl.NumberFormat("en-US");
  var channel = "BroadcastChannel" in window ? new BroadcastChannel("portal-staff-live") : null;
  var latest = null;
  var leading = false;
  var stopped = false;

  var table = panel.querySelector("[data-live-table]");
  var body = panel.querySelector("[data-live-reading]");
  var empty = panel.querySelector("[data-live-empty]");
  var more = panel.querySelector("[data-live-more]");
  var status = panel.querySelector("[data-live-status]");

  function setText(el, text) {
    if (el && el.textContent !== text) el.textContent = text;  // no write, no repaint
  }

  function number(key, value) {
    if (typeof value !== "number") return;
    setText(panel.querySelector('[data-live="' + key + '"]'), format.format(value));
  }

  function cell(text, className) {
    var td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text;
    return td;
  }

  function row(item) {
    var tr = document.createElement("tr");
    var title = document.createElement("td");
    var found = typeof item.title === "string";
    var name = found ? item.title : String(item.item || "") + " (không tìm thấy)";
    if (found && item.url && /^\/(?![\/\\])/.test(item.url)) {  // a path of this site, nothing else
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = name;
      title.appendChild(link);
    } else {
      title.textContent = name;
    }
    tr.appendChild(title);
    tr.appendChild(cell(String(item.kind || ""), "kind"));
    tr.appendChild(cell(format.format(item.readers || 0), "num"));
    return tr;
  }

  function render(data) {
    number("online", data.online);
    number("views_1m", data.views_1m);
    number("readers", data.readers);
    var reading = Array.isArray(data.reading) ? data.reading : [];
    var rows = document.createDocumentFragment();
    reading.forEach(function (item) { rows.appendChild(row(item)); });
    while (body.firstChild) body.removeChild(body.firstChild);
    body.appendChild(rows);
    table.hidden = reading.length === 0;
    empty.hidden = reading.length !== 0;
    var others = (data.items || 0) - reading.length;
    more.hidden = others <= 0;
    number("more", Math.max(others, 0));
    panel.setAttribute("data-updated", data.updated || "");
  }

  function accept(data, share) {
    if (!data || typeof data !== "object") return;
    if (latest && data.updated && latest.updated && data.updated < latest.updated) return;
    latest = data;
    render(data);
    if (share && channel) channel.postMessage({ type: "live", data: data });
  }

  function stop(message) {
    stopped = true;
    setText(status, message);
    if (channel) channel.postMessage({ type: "stop", message: message });
  }

  if (channel) {
    channel.onmessage = function (event) {
      var msg = event.data || {};
      if (msg.type === "live" && msg.data) accept(msg.data, false);
      else if (msg.type === "stop") { stopped = true; setText(status, msg.message || ""); }
      else if (msg.type === "hello" && leading && latest) channel.postMessage({ type: "live", data: latest });
    };
  }

  var ENDED = "Phiên đăng nhập đã kết thúc: tải lại trang để xem số liệu trực tiếp.";

  function poll() {
    if (stopped) return Promise.resolve();
    return fetch(JSON_URL, {
      headers: { Accept: "application/json", "X-Activity": "0" },
      credentials: "same-origin",
    })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) { stop(ENDED); return null; }
        return r.ok ? r.json() : null;
      })
      .then(function (data) { if (data) accept(data, true); })
      .catch(function () {});
  }

  function startPolling() {
    var timer = setInterval(function () {
      if (stopped) { clearInterval(timer); return; }
      poll();
    }, POLL_MS);
    poll();
    setTimeout(function () {
      clearInterval(timer);
      if (!stopped) openStream();
    }, RETRY_STREAM_MS);
  }

  function openStream() {
    if (!("EventSource" in window)) { startPolling(); return; }
    var source = new EventSource(STREAM_URL);
    var failures = 0;
    source.addEventListener("live", function (event) {
      failures = 0;
      try { accept(JSON.parse(event.data), true); } catch (e) { /* ignore a bad frame */ }
    });
    source.addEventListener("end", function () {  // the session ended on the server
      source.close();
      stop(ENDED);
    });
    source.onerror = function () {
      failures += 1;
      // CLOSED: refused (401 as a redirect, 429, 503). Repeated errors: it keeps failing.
      if (source.readyState === EventSource.CLOSED || failures >= 3) {
        source.close();
        if (!stopped) startPolling();
      }
    };
  }

  function lead() {
    leading = true;
    openStream();
    return new Promise(function () {});  // hold the lock as long as this tab lives
  }

  if (navigator.locks && navigator.locks.request) {
    navigator.locks.request(LOCK_NAME, lead);
  } else {
    lead();  // no Web Locks: every tab keeps its own stream
  }
  if (channel) channel.postMessage({ type: "hello" });
})();
