// Copy buttons for drafted emails and letters: shown only when the browser can copy.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value || source.textContent).then(function () {
        button.textContent = button.getAttribute("data-done") || gettext("Copied");
      });
    });
  });
})();
