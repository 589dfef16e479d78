// Count the characters typed in each textarea with data-counter="<id of its counter>" (the explanations:
// at most 2,000 characters each, issue 15). The server refuses longer texts with the schema's message.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
    var box = document.getElementById(area.getAttribute("data-counter"));
    var count = box && box.querySelector("[data-count]");
    if (!count) { return; }
    var limit = parseInt(area.getAttribute("maxlength") || "0", 10);
    function update() {
      var n = Array.from(area.value).length;
      count.textContent = String(n);
      box.classList.toggle("text-danger", limit > 0 && n >= limit);
    }
    area.addEventListener("input", update);
    update();
  });
})();
