/* The rich-text body editor: TinyMCE 8 (vendored, GPL, static/vendor/tinymce-8.9.2) over the
 * textarea of any form with a `body` field (templates/news/admin/_body_editor.html).
 * The textarea stays the form field, and what shows without JavaScript; TinyMCE writes its
 * HTML back into it on submit. Its schema is the server's allowlist
 * (app/html_sanitizer.py::editor_schema), so what the editor keeps, the server keeps.
 * Alignment is written as classes (the readers' CSP refuses style attributes); video embeds
 * are built by the server from an address (/admin/news/embed); images come from the media
 * library's picker when the page has it (window.MediaPicker), or a direct upload.
 */
(function () {
  "use strict";
  var holder = document.getElementById("body-editor");
  var source = holder && holder.querySelector("textarea.body-source");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var CAPTION_PLACEHOLDER = "Chú thích ảnh";

  function postJSON(url, body) {
    var isForm = body instanceof FormData;
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: isForm ? body : JSON.stringify(body),
      headers: Object.assign({ "X-CSRFToken": csrf, Accept: "application/json" },
        isForm ? {} : { "Content-Type": "application/json" }),
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) throw new Error(data.message || data.error || "Máy chủ từ chối yêu cầu.");
        return data;
      });
    });
  }

  function uploadImage(file) {
    var data = new FormData();
    data.append("image", file, file.name || "anh.png");
    return postJSON(holder.getAttribute("data-upload"), data);
  }

  function alignFormats(name) {
    var selector = "p,h2,h3,h4,div,blockquote,li,figure,table,caption,th,td";
    return [{ selector: selector, classes: "align-" + name }];
  }

  if (holder && source && window.tinymce) {
    var schema = JSON.parse(holder.getAttribute("data-schema"));
    var base = holder.getAttribute("data-tinymce");
    var hasPicker = function () { return !!(window.MediaPicker && window.MediaPicker.open); };
    // The editing frame is named by the field's own label (article, page or document body).
    var label = holder.querySelector("label");
    var fieldName = ((label && label.textContent) || "Nội dung").trim();

    window.tinymce.init({
      target: source,
      license_key: "gpl",
      base_url: base,
      suffix: ".min",
      language: "vi",
      language_url: base + "/langs/vi.js",
      promotion: false,
      branding: false,
      menubar: false,
      statusbar: true,
      elementpath: false,
      resize: true,
      min_height: 420,
      // Chromium gets no title on the editing frame from TinyMCE (only Firefox does).
      iframe_attrs: { title: fieldName + " (vùng soạn thảo)" },
      iframe_aria_text: fieldName + ". Nhấn Alt+0 để xem trợ giúp.",
      plugins: "lists advlist link autolink table image media",
      toolbar: "undo redo | blocks | bold italic underline strikethrough | " +
        "alignleft aligncenter alignright alignjustify | bullist numlist outdent indent | " +
        "blockquote link | table | image thuvienanh media | removeformat",
      toolbar_mode: "wrap",
      block_formats: "Đoạn văn=p; Tiêu đề mục=h2; Tiêu đề nhỏ=h3; Tiêu đề nhỏ hơn=h4; Đoạn mã=pre",
      // The server's allowlist, attributes in its order; nothing else survives a save.
      valid_elements: schema.valid_elements,
      valid_classes: schema.valid_classes,
      valid_styles: {},
      entity_encoding: "raw",
      indent: false,
      convert_urls: false,
      formats: {
        alignleft: alignFormats("left"),
        aligncenter: alignFormats("center"),
        alignright: alignFormats("right"),
        alignjustify: alignFormats("justify"),
      },
      // Pasting from Word/LibreOffice keeps structure (tables, lists, headings, bold/italic):
      // the schema above drops fonts, colours and styles.
      paste_data_images: false,
      paste_webkit_styles: "none",
      paste_remove_styles_if_webkit: true,
      // Captioned images as <figure class="image"><img><figcaption>.
      image_caption: true,
      image_advtab: false,
      image_description: true,
      image_title: false,
      image_dimensions: true,
      file_picker_types: "image",
      file_picker_callback: pickImage,
      images_upload_handler: function (blob) {
        return uploadImage(blob.blob()).then(function (data) { return data.url; });
      },
      automatic_uploads: true,
      // Video embeds: the server builds the iframe from the address (never pasted HTML).
      media_url_resolver: function (data) {
        return postJSON(holder.getAttribute("data-embed"), { url: data.url })
          .then(function (answer) { return { html: answer.html }; })
          .catch(function (error) { throw { msg: error.message }; });
      },
      media_alt_source: false,
      media_poster: false,
      media_dimensions: false,
      // Tables: header rows in <thead> with <th>, no inline sizes (the CSP refuses them).
      table_header_type: "sectionCells",
      table_use_colgroups: false,
      table_default_attributes: {},
      table_default_styles: {},
      table_resize_bars: false,
      table_advtab: false,
      table_cell_advtab: false,
      table_row_advtab: false,
      table_appearance_options: true,
      table_style_by_css: false,
      object_resizing: "img",
      link_default_protocol: "https",
      link_target_list: false,
      link_title: true,
      content_css: [base + "/skins/content/default/content.min.css", holder.getAttribute("data-content-css")],
      body_class: "article-body",
      setup: function (editor) {
        editor.ui.registry.addButton("thuvienanh", {
          icon: "gallery",
          tooltip: "Thư viện ảnh",
          onAction: function () { insertFromLibrary(editor); },
          onSetup: function (api) { api.setEnabled(hasPicker()); return function () {}; },
        });
        // The image plugin writes its placeholder caption in English whatever the language.
        editor.on("change", function () {
          editor.dom.select("figure.image > figcaption").forEach(function (caption) {
            if (caption.textContent === "Caption") caption.textContent = CAPTION_PLACEHOLDER;
          });
        });
        editor.on("init", function () { window.articleEditor = editor; });  // for tests
      },
    });

    // TinyMCE's image dialog asks for a file here: the media library when the page has it,
    // else the computer's files, uploaded at once.
    function pickImage(callback, value, meta) {
      if (hasPicker()) {
        window.MediaPicker.open().then(function (item) {
          if (item) callback(item.url, { alt: item.alt || item.caption || "" });
        });
        return;
      }
      var input = document.createElement("input");
      input.type = "file";
      input.accept = "image/jpeg,image/png,image/webp,image/gif";
      input.addEventListener("change", function () {
        if (!input.files || !input.files[0]) return;
        uploadImage(input.files[0]).then(function (data) {
          callback(data.url, { alt: "" });
        }).catch(function (error) { window.alert(error.message || "Không tải được ảnh."); });
      });
      input.click();
    }

    function insertFromLibrary(editor) {
      window.MediaPicker.open().then(function (item) {
        if (!item) return;
        var img = editor.dom.createHTML("img", {
          src: item.url, alt: item.alt || "", width: item.width || null, height: item.height || null,
        });
        var caption = item.caption ? editor.dom.encode(item.caption) : "";
        editor.insertContent(caption
          ? '<figure class="image">' + img + "<figcaption>" + caption + "</figcaption></figure>"
          : img);
      });
    }
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
