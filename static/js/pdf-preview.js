/* Previews of attached PDFs, drawn by the vendored pdf.js onto canvases.
 *
 * Not the browser's own PDF viewer: Chromium's runs a document's JavaScript (an /OpenAction
 * `app.alert(...)` did, on our public page, despite the CSP sandbox of the file). pdf.js as
 * used here only parses and paints: no scripting bundle (pdf.sandbox) is loaded, XFA forms
 * are off, no annotation layer is drawn (no links or form fields to act on), no eval, no
 * WebAssembly (the image decoders use their plain-JS fallbacks, which the site's CSP allows).
 * Everything comes from our own origin: the module, its worker and the file.
 *
 * Markup: <div class="pdf-preview" data-pdf="/van-ban/tep/1/xem" data-name="…"></div>.
 * The container tells tests and styles how far it got: data-state="loading|ready|error".
 */
import * as pdfjs from "../vendor/pdfjs-6.5.438/pdf.min.mjs";

var VENDOR = new URL("../vendor/pdfjs-6.5.438/", import.meta.url);
var MAX_PAGES = 30; // a preview; the full file is one click away
var DPR_CAP = 2; // sharp on high-density screens without huge canvases

pdfjs.GlobalWorkerOptions.workerSrc = new URL("pdf.worker.min.mjs", VENDOR).href;

function say(container, text, kind) {
  var note = container.querySelector(".pdf-preview-note");
  if (!note) {
    note = document.createElement("p");
    note.className = "pdf-preview-note muted";
    container.appendChild(note);
  }
  note.textContent = text;
  if (kind) note.setAttribute("role", kind);
}

function drawPage(pdf, number, canvas, width) {
  return pdf.getPage(number).then(function (page) {
    var base = page.getViewport({ scale: 1 });
    var scale = width / base.width;
    var ratio = Math.min(window.devicePixelRatio || 1, DPR_CAP);
    var viewport = page.getViewport({ scale: scale * ratio });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    return page.render({ canvas: canvas, canvasContext: canvas.getContext("2d"),
                         viewport: viewport }).promise;
  });
}

function preview(container) {
  var url = container.getAttribute("data-pdf");
  var name = container.getAttribute("data-name") || "";
  if (!url) return;
  container.setAttribute("data-state", "loading");
  say(container, "Đang tải bản xem trước…", "status");

  var task = pdfjs.getDocument({
    url: url,
    withCredentials: false,
    isEvalSupported: false, // pdf.js 6 never evaluates; kept for any older copy
    enableXfa: false,
    useWasm: false,
    wasmUrl: new URL("wasm/", VENDOR).href,
    disableAutoFetch: true,
  });
  task.promise.then(function (pdf) {
    var count = Math.min(pdf.numPages, MAX_PAGES);
    var width = Math.max(container.clientWidth - 16, 200);
    var pending = [];
    var drawn = 0;
    for (var i = 1; i <= count; i++) {
      var canvas = document.createElement("canvas");
      canvas.className = "pdf-page";
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", "Trang " + i + "/" + pdf.numPages + (name ? " của " + name : ""));
      canvas.setAttribute("data-page", String(i));
      container.appendChild(canvas);
      pending.push({ number: i, canvas: canvas });
    }
    function done() {
      drawn += 1;
      container.setAttribute("data-pages-drawn", String(drawn));
      if (drawn === 1) {
        container.setAttribute("data-state", "ready");
        var note = container.querySelector(".pdf-preview-note");
        if (note) note.remove();
        if (pdf.numPages > count) {
          say(container, "Bản xem trước hiển thị " + count + "/" + pdf.numPages +
              " trang đầu; hãy tải tệp về để xem đầy đủ.");
        }
      }
    }
    function fail(error) {
      if (drawn === 0) failed(error);
    }
    // The first page at once; the others when they come near the screen.
    var first = pending.shift();
    drawPage(pdf, first.number, first.canvas, width).then(done, fail);
    if (!pending.length) return;
    if (!("IntersectionObserver" in window)) {
      pending.forEach(function (p) { drawPage(pdf, p.number, p.canvas, width).then(done, fail); });
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        var number = Number(entry.target.getAttribute("data-page"));
        drawPage(pdf, number, entry.target, width).then(done, fail);
      });
    }, { root: container, rootMargin: "400px 0px" });
    pending.forEach(function (p) { observer.observe(p.canvas); });
  }, failed);

  function failed(error) {
    container.setAttribute("data-state", "error");
    container.querySelectorAll("canvas").forEach(function (c) { c.remove(); });
    say(container, "Không hiển thị được bản xem trước. Vui lòng tải tệp về để xem.", "alert");
    if (window.console) console.warn("pdf preview:", error && error.message);
  }
}

document.querySelectorAll(".pdf-preview[data-pdf]").forEach(preview);
