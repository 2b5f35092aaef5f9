/* Readers' comment form (templates/comments/_macros.html) on cached pages.
 * - The minimum-time check needs the moment the reader began writing, which a cached page
 *   cannot carry: the first time the form is used, the server's signed "started" stamp is
 *   fetched into the form (app/comments/routes.py::stamp).
 * - "Trả lời" links set the form's parent comment instead of opening the replies page.
 */
(function () {
  "use strict";

  function stampField(form) { return form.elements.namedItem("started"); }

  var stamping = new WeakMap(); // form -> the stamp request on its way

  function fetchStamp(form) {
    var field = stampField(form);
    if (!field || field.value) return Promise.resolve();
    if (stamping.has(form)) return stamping.get(form);
    var request = fetch(form.getAttribute("data-stamp-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("stamp " + response.status);
        return response.json();
      })
      .then(function (data) { if (!field.value) field.value = data.started; })
      .catch(function () { /* the server asks the reader to send again */ })
      .then(function () { stamping.delete(form); });
    stamping.set(form, request);
    return request;
  }

  function setReply(form, id, name) {
    form.elements.namedItem("parent_id").value = id || "";
    var note = form.querySelector("[data-replying]");
    if (note) {
      note.querySelector("[data-reply-label]").textContent = name || "";
      note.hidden = !id;
    }
  }

  document.querySelectorAll("form[data-comment-form]").forEach(function (form) {
    form.addEventListener("focusin", function () { fetchStamp(form); });
    form.addEventListener("submit", function (event) {
      var field = stampField(form);
      if (!field || field.value) return;
      event.preventDefault();
      var submitter = event.submitter;
      fetchStamp(form).then(function () {
        // In a task of its own: a submit requested while this one still fires is dropped.
        setTimeout(function () {
          if (form.requestSubmit) form.requestSubmit(submitter || undefined);
          else form.submit();
        }, 0);
      });
    });
    var cancel = form.querySelector("[data-reply-cancel]");
    if (cancel) {
      cancel.addEventListener("click", function (event) {
        event.preventDefault();
        setReply(form, "", "");
        form.elements.namedItem("content").focus();
      });
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element && event.target.closest("a[data-reply-to]");
    if (!link) return;
    var form = document.querySelector("form[data-comment-form]");
    if (!form) return;
    event.preventDefault();
    var name = link.closest(".comment").querySelector(".comment-name");
    setReply(form, link.getAttribute("data-reply-to"), name ? name.textContent : "");
    form.scrollIntoView({ block: "start" });
    form.elements.namedItem("content").focus();
  });
})();
