/* Readers' forms on cached pages (ratings, comments) get this reader's anti-forgery token
 * just before their first submit: a cached page cannot carry a per-session token
 * (app/reader_forms.py). Forms are marked data-reader-form; their csrf_token field is filled
 * from /api/csrf, then the submit goes on. Features that send with fetch() call
 * window.readerToken() and send the token as X-CSRFToken.
 */
(function () {
  "use strict";
  // Several features include this script (ratings, comments): it must run once per page.
  if (window.readerToken) return;

  var pending = null;

  function readerToken() {
    if (!pending) {
      pending = fetch("/api/csrf", { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) throw new Error("csrf " + response.status);
          return response.json();
        })
        .then(function (data) { return data.token; })
        .catch(function (error) { pending = null; throw error; });
    }
    return pending;
  }
  window.readerToken = readerToken;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-reader-form")) return;
    var field = form.elements.namedItem("csrf_token");
    if (!field || field.value) return;
    event.preventDefault();
    event.stopImmediatePropagation(); // features' own submit handlers see the second submit
    var submitter = event.submitter;
    // A token already fetched (another form of the page) resolves in a microtask, while the
    // browser still fires this submit: a submit requested then is silently dropped (HTML's
    // "firing submission events"), so the new one goes in a task of its own.
    function resubmit() {
      setTimeout(function () {
        if (form.requestSubmit) form.requestSubmit(submitter || undefined);
        else form.submit();
      }, 0);
    }
    readerToken().then(function (token) {
      field.value = token;
      resubmit();
    }, resubmit); // without a token the server asks the reader to confirm
  }, true);
})();
