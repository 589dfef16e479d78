// A table that scrolls sideways (a phone, a wide table) must be reachable by keyboard (WCAG 2.1.1; axe
// scrollable-region-focusable): a scrolling container with nothing focusable inside becomes focusable, so the
// arrow keys scroll it (issue 20 item 12). Checked again when the window is resized.
(function () {
  "use strict";
  var focusable = "a[href], button, input, select, textarea, [tabindex]";
  function mark() {
    var boxes = document.querySelectorAll(".table-responsive");
    for (var i = 0; i < boxes.length; i += 1) {
      var box = boxes[i];
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex") && !box.querySelector(focusable)) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-region", "");
      } else if (!scrolls && box.hasAttribute("data-scroll-region")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-region");
      }
    }
  }
  mark();
  window.addEventListener("resize", mark);
}());
