/* The article body editor: Quill 2 with captioned images (<figure>/<figcaption>).
 * The textarea stays the form field (and the fallback without JavaScript); the editor keeps
 * it in sync. The server sanitises whatever arrives.
 */
(function () {
  "use strict";
  var holder = document.getElementById("body-editor");
  var source = document.querySelector("textarea.body-source");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  if (holder && source && window.Quill) {
    var BlockEmbed = window.Quill.import("blots/block/embed");

    class Figure extends BlockEmbed {
      static create(value) {
        var node = super.create();
        node.setAttribute("contenteditable", "false");
        var img = document.createElement("img");
        img.setAttribute("src", value.src || "");
        img.setAttribute("alt", value.alt || value.caption || "");
        node.appendChild(img);
        if (value.caption) {
          var caption = document.createElement("figcaption");
          caption.textContent = value.caption;
          node.appendChild(caption);
        }
        return node;
      }

      static value(node) {
        var img = node.querySelector("img");
        var caption = node.querySelector("figcaption");
        return {
          src: img ? img.getAttribute("src") : "",
          alt: img ? img.getAttribute("alt") : "",
          caption: caption ? caption.textContent : "",
        };
      }
    }
    Figure.blotName = "figure";
    Figure.tagName = "FIGURE";
    window.Quill.register(Figure);

    holder.hidden = false;
    source.hidden = true;

    var quill = new window.Quill(holder, {
      theme: "snow",
      modules: {
        toolbar: {
          container: [
            [{ header: [2, 3, false] }],
            ["bold", "italic", "underline", "link"],
            [{ list: "ordered" }, { list: "bullet" }],
            ["blockquote", "image", "clean"],
          ],
          handlers: { image: chooseImage },
        },
      },
    });

    // Quill's pickers are buttons without a name for screen readers.
    var toolbar = quill.getModule("toolbar").container;
    toolbar.querySelectorAll(".ql-header .ql-picker-label").forEach(function (label) {
      label.setAttribute("aria-label", "Kiểu đoạn văn");
    });

    // The body goes in through Quill's clipboard, which reads it in an inert DOMParser
    // document and keeps only what the editor models; never through innerHTML, where an
    // <img onerror> in what was typed would run (the server sanitises it too).
    if (source.value) {
      quill.setContents(quill.clipboard.convert({ html: source.value + "<p><br></p>", text: "\n" }), "silent");
      quill.history.clear();
    }

    function html() {
      // getSemanticHTML writes real <ul>/<ol>; it also turns spaces into &nbsp;.
      return quill.getSemanticHTML().replace(/&nbsp;/g, " ");
    }
    function sync() { source.value = html(); }
    quill.on("text-change", sync);
    source.form.addEventListener("submit", sync);

    function chooseImage() {
      var input = document.createElement("input");
      input.type = "file";
      input.accept = "image/jpeg,image/png,image/webp,image/gif";
      input.addEventListener("change", function () {
        if (!input.files || !input.files[0]) return;
        var data = new FormData();
        data.append("image", input.files[0]);
        fetch(holder.getAttribute("data-upload"), {
          method: "POST", body: data, credentials: "same-origin",
          headers: { "X-CSRFToken": csrf, Accept: "application/json" },
        }).then(function (r) {
          return r.json().then(function (body) { return { ok: r.ok, body: body }; });
        }).then(function (result) {
          if (!result.ok) { window.alert(result.body.error || result.body.message || "Không tải được ảnh."); return; }
          var caption = window.prompt("Chú thích ảnh (có thể để trống):", "") || "";
          var range = quill.getSelection(true);
          quill.insertEmbed(range ? range.index : quill.getLength(), "figure",
            { src: result.body.url, caption: caption, alt: caption }, "user");
          sync();
        }).catch(function () { window.alert("Không tải được ảnh. Vui lòng thử lại."); });
      });
      input.click();
    }
    window.articleEditor = quill;  // for tests and power users
  }

  // Tell this editor who else has the article open (a warning, not a lock).
  var warning = document.getElementById("editing-warning");
  if (warning && window.fetch) {
    var names = warning.querySelector(".editing-names");
    setInterval(function () {
      fetch(warning.getAttribute("data-ping"), {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "X-Activity": "0", Accept: "application/json" },
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (body) {
        if (!body) return;
        names.textContent = body.others.join(", ");
        warning.hidden = body.others.length === 0;
      }).catch(function () {});
    }, 30000);
  }
})();
