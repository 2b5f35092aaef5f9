/* Live visitor statistics.
 * One EventSource per browser: the tab holding the Web Lock is the leader and shares each
 * message with the other tabs over BroadcastChannel; when it closes, the lock (and the
 * stream) passes to another tab. If the stream fails, the leader polls /api/stats instead.
 */
(function () {
  "use strict";
  var block = document.querySelector("[data-live-stats]");
  if (!block || !window.fetch) return;

  var STREAM_URL = block.getAttribute("data-stream");
  var API_URL = block.getAttribute("data-api");
  var LOCK_NAME = "portal-live-stats-leader";
  var POLL_MS = 5000;
  var RETRY_STREAM_MS = 60000;
  var KEYS = ["online", "today", "total", "bots_online"];
  var format = new Intl.NumberFormat("en-US");
  var channel = "BroadcastChannel" in window ? new BroadcastChannel("portal-live-stats") : null;
  var latest = null;

  function render(data) {
    KEYS.forEach(function (key) {
      if (typeof data[key] !== "number") return;
      var text = format.format(data[key]);
      block.querySelectorAll('[data-stat="' + key + '"]').forEach(function (el) {
        if (el.textContent !== text) el.textContent = text;  // no write, no repaint
      });
    });
    renderItems(data.items || {});
    block.setAttribute("data-updated", data.updated || "");
    document.dispatchEvent(new CustomEvent("live-stats", { detail: data }));
  }

  // The page's number of an item (as its live element shows it), when a message lacks it.
  function shown(item) {
    var el = document.querySelector('[data-live-item="' + item + '"]');
    return el ? parseInt(el.textContent.replace(/[^0-9]/g, ""), 10) : NaN;
  }

  // An average as the server prints it (app/page_view.py format_mean): one decimal, halves
  // up, decimal comma, a whole number bare, 0 without a count.
  function mean(total, count) {
    if (!(count > 0)) return "0";
    var tenths = Math.floor((20 * total + count) / (2 * count));
    var whole = Math.floor(tenths / 10), tenth = tenths % 10;
    return tenth ? whole + "," + tenth : String(whole);
  }

  // Averages of two live items (data-live-mean="total_item count_item"), e.g. a rating.
  function renderMeans(items) {
    document.querySelectorAll("[data-live-mean]").forEach(function (el) {
      var names = el.getAttribute("data-live-mean").split(" ");
      if (!(names[0] in items) && !(names[1] in items)) return;
      var total = names[0] in items ? items[names[0]] : shown(names[0]);
      var count = names[1] in items ? items[names[1]] : shown(names[1]);
      if (isNaN(total) || isNaN(count)) return;
      var text = mean(total, count);
      if (el.textContent !== text) el.textContent = text;
    });
  }
  function renderItems(items) {
    Object.keys(items).forEach(function (item) {
      var text = format.format(items[item]);
      document.querySelectorAll('[data-live-item="' + item + '"]').forEach(function (el) {
        if (el.textContent !== text) el.textContent = text;
      });
    });
    renderMeans(items);
  }
  // For a feature that got new values before the stream brings them (a vote's answer).
  window.liveStatsRender = renderItems;

  function accept(data, share) {
    if (latest && data.updated && latest.updated && data.updated < latest.updated) return;
    latest = data;
    render(data);
    if (share && channel) channel.postMessage({ type: "stats", data: data });
  }

  if (channel) {
    channel.onmessage = function (event) {
      var msg = event.data || {};
      if (msg.type === "stats" && msg.data) accept(msg.data, false);
      else if (msg.type === "hello" && leading && latest) channel.postMessage({ type: "stats", data: latest });
    };
  }

  var leading = false;

  function poll() {
    return fetch(API_URL, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) accept(data, true); })
      .catch(function () {});
  }

  function startPolling(thenRetryStream) {
    var timer = setInterval(poll, POLL_MS);
    poll();
    setTimeout(function () { clearInterval(timer); thenRetryStream(); }, RETRY_STREAM_MS);
  }

  function openStream() {
    if (!("EventSource" in window)) { startPolling(openStream); return; }
    var source = new EventSource(STREAM_URL);
    var failures = 0;
    source.addEventListener("stats", function (event) {
      failures = 0;
      try { accept(JSON.parse(event.data), true); } catch (e) { /* ignore a bad frame */ }
    });
    source.onerror = function () {
      failures += 1;
      // CLOSED: the server refused (429 over a share, 503 full, wrong type). Repeated
      // errors: it keeps failing (a stream that lost the last slot ends, asking to retry later).
      if (source.readyState === EventSource.CLOSED || failures >= 3) {
        source.close();
        startPolling(openStream);
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
