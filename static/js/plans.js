// Provision form: choosing "Only on chosen weekdays" unfolds the weekday boxes (they live in the
// folded part so the common case fits one phone screen). Without this script the part opens by hand.
(function () {
  "use strict";
  const more = document.getElementById("provision-more");
  if (!more) return;
  document.querySelectorAll('input[name="schedule"]').forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (radio.checked && radio.value === "weekdays") more.open = true;
    });
  });
})();
