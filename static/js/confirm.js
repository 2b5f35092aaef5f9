/* Confirmation before destructive admin actions, without inline handlers (the
 * Content-Security-Policy allows no inline script): a form, or the submit button that was
 * pressed, with data-confirm="Câu hỏi?" asks before submitting. data-confirm-if="field=value"
 * asks only when the form's field has that value (the bulk action menu asks only for
 * "delete"). A cancelled confirmation stops the submit before any other handler sees it.
 */
(function () {
  "use strict";

  function asker(form, submitter) {
    if (submitter && submitter.hasAttribute("data-confirm")) return submitter;
    return form.hasAttribute("data-confirm") ? form : null;
  }

  function applies(form, element) {
    var condition = element.getAttribute("data-confirm-if");
    if (!condition) return true;
    var at = condition.indexOf("=");
    var field = form.elements.namedItem(condition.slice(0, at));
    return Boolean(field) && field.value === condition.slice(at + 1);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var element = asker(form, event.submitter);
    if (!element || !applies(form, element)) return;
    if (!window.confirm(element.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
