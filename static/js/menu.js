// The main menu (templates/_partials/main_nav.html): the "Menu" button folds the list on
// narrow screens, each arrow button opens its sub-menu (a tap on phones; on wide screens the
// sub-menus also open on hover and keyboard focus, in CSS). Without this script both kinds of
// button stay hidden and the whole menu is shown.
(function () {
  "use strict";
  var nav = document.querySelector("nav[data-menu]");
  if (!nav) return;
  var toggle = nav.querySelector(".menu-toggle");
  var subToggles = nav.querySelectorAll(".sub-toggle");

  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function closeSubMenus(except) {
    subToggles.forEach(function (button) {
      if (button !== except) setOpen(button, false);
    });
  }

  nav.classList.add("menu-js");
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      setOpen(toggle, toggle.getAttribute("aria-expanded") !== "true");
    });
  }
  subToggles.forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      closeSubMenus(button);
      setOpen(button, open);
    });
  });
  // Escape closes an open sub-menu and puts the focus back on its button.
  nav.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var item = event.target.closest(".has-sub");
    var button = item && item.querySelector(".sub-toggle");
    if (button && button.getAttribute("aria-expanded") === "true") {
      setOpen(button, false);
      button.focus();
    }
  });
  // A tap or click elsewhere closes the sub-menus opened by their buttons.
  document.addEventListener("click", function (event) {
    if (!nav.contains(event.target)) closeSubMenus(null);
  });
})();
