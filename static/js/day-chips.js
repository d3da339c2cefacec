/* IEP Right: the 14 day chips on the day page are one stop for the Tab key.
 *
 * Without this file every chip is its own tab stop (a keyboard user tabs past 14 links to reach the
 * day's items). With it, the chips work as one group: Tab enters at the day shown, the arrow keys move
 * between days (left and right by one day, up and down by a week), Home and End go to the first and
 * last, and Enter opens the day. Issue 16.
 */
(function () {
  "use strict";

  var list = document.querySelector(".recent .chips");
  if (!list) { return; }
  var links = Array.prototype.slice.call(list.querySelectorAll("a.chip"));
  if (links.length < 2) { return; }

  var hint = document.createElement("p");
  hint.id = "chips-keys";
  hint.className = "visually-hidden";
  hint.textContent = gettext("Use the arrow keys to move between days.");
  list.parentNode.insertBefore(hint, list);

  var current = list.querySelector("a.chip[aria-current]") || links[links.length - 1];
  links.forEach(function (link) {
    link.tabIndex = link === current ? 0 : -1;
    link.setAttribute("aria-describedby", "chips-keys");
  });

  list.addEventListener("keydown", function (event) {
    var index = links.indexOf(document.activeElement);
    if (index < 0 || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var moves = { ArrowLeft: index - 1, ArrowRight: index + 1, ArrowUp: index - 7, ArrowDown: index + 7, Home: 0, End: links.length - 1 };
    if (!Object.prototype.hasOwnProperty.call(moves, event.key)) { return; }
    event.preventDefault();
    var next = Math.max(0, Math.min(links.length - 1, moves[event.key]));
    links[index].tabIndex = -1;
    links[next].tabIndex = 0;
    links[next].focus();
  });
}());
