// The small behaviours Kehu's pages ask for with data- attributes. They live here, not in
// the pages, because the Content-Security-Policy runs no inline script or style.
(function () {
  "use strict";

  // Sizes that come from the data: a bar's width, a department's depth in its tree.
  var sized = function (root) {
    root.querySelectorAll("[data-width-percent]").forEach(function (element) {
      element.style.width = element.dataset.widthPercent + "%";
    });
    root.querySelectorAll("[data-depth]").forEach(function (element) {
      element.style.paddingLeft = 1 + Number(element.dataset.depth) * 1.5 + "rem";
    });
  };
  htmx.onLoad(sized);

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-submit-on-change]")) event.target.form.requestSubmit();
  });

  document.addEventListener("submit", function (event) {
    var question = event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var remover = event.target.closest("[data-remove-row]");
    if (remover) remover.closest("tr").remove();
    // An export takes the list's filters as they are now, changed in place by htmx.
    var export_ = event.target.closest("a[data-current-filters]");
    if (export_) export_.search = window.location.search;
  });

  // A row added to a form needs a name no other row has.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.hasAttribute("data-new-row")) {
      event.detail.parameters.index = Date.now();
    }
  });
})();
