// Poll a background job's JSON and update its progress bars in place; reload the page when the job ends,
// so that the server draws the result (what was created or updated, or the error workbook link).
// The state lives on the server: a reload or another tab shows the same job where it is.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box || box.getAttribute("data-final") === "true") { return; }
  var url = box.getAttribute("data-job-status-url");
  var delay = 500;

  function setBar(stage) {
    var bar = box.querySelector('[data-job-bar="' + stage.stage + '"]');
    var count = box.querySelector('[data-job-count="' + stage.stage + '"]');
    if (count) { count.textContent = stage.text; }
    if (!bar) { return; }
    bar.setAttribute("aria-valuetext", stage.text);
    bar.setAttribute("aria-valuenow", String(stage.done));
    bar.setAttribute("aria-valuemax", String(stage.total));
    var inner = bar.querySelector(".progress-bar");
    var step = stage.percent - (stage.percent % 5);
    inner.className = inner.className.replace(/\bjob-bar-\d+\b/, "job-bar-" + step);
  }

  function apply(state) {
    var status = box.querySelector('[data-job-field="status"]');
    var message = box.querySelector('[data-job-field="message"]');
    if (status && status.textContent !== state.status_label) { status.textContent = state.status_label; }
    if (message && message.textContent !== state.message) { message.textContent = state.message; }
    state.stages.forEach(setBar);
    if (state.final) { window.location.reload(); return false; }
    return true;
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (state) { if (apply(state)) { delay = 500; window.setTimeout(poll, delay); } })
      .catch(function () { delay = Math.min(delay * 2, 15000); window.setTimeout(poll, delay); });
  }

  window.setTimeout(poll, delay);
})();
