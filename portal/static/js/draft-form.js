/*
 * Section forms of a draft (progressive enhancement; the forms work without this file).
 *
 * - add/remove rows: clone the <template> row and renumber every row (name, id, for, aria-describedby);
 * - live results: POST the unsaved form to the preview endpoint (debounced, X-CSRFToken header) and redraw
 *   the side panel from the JSON;
 * - never lose typed data: warn before leaving with unsaved changes, keep a copy in localStorage per
 *   filing + section + revision, offer to restore it (after a session timeout, a stale save, a crash);
 * - placeholders: show the default NCV/CC/OF (or process factor) of the code chosen in each row;
 * - a long table is drawn a page at a time (drafts.RowPage): its rows keep their index in the whole list
 *   (data-row-start), the copy in localStorage is kept per page, and the line cap counts the other pages.
 *
 * Configuration and messages come from <script type="application/json" id="draft-form-config"> (CSP:
 * no inline script runs; a JSON data block is not executed).
 */
(function () {
  "use strict";

  const form = document.querySelector("form[data-draft-form]");
  const configElement = document.getElementById("draft-form-config");
  if (!form || !configElement) {
    return;
  }
  const config = JSON.parse(configElement.textContent);
  const msg = config.messages;
  // One copy per page of a long table: page 3's input is never offered on page 1.
  const prefix = "portal-draft:" + config.filing + ":" + config.section + ":" +
    (config.pageStart === null || config.pageStart === undefined ? "" : "p" + config.pageStart + ":");
  const notInput = ["csrf_token", "revision", "action", "page_start", "page_rows"];
  const storageKey = prefix + config.formRevision;
  const indicator = form.querySelector("[data-dirty-indicator]");
  const panel = document.getElementById("computed-panel");
  const panelStatus = panel ? panel.querySelector("[data-panel-status]") : null;
  const csrfInput = form.querySelector("input[name=csrf_token]");

  let dirty = false;
  let submitting = false;
  let previewSequence = 0;
  let previewInFlight = false;
  let previewAgain = false;

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (match, key) => (key in values ? String(values[key]) : match));
  }

  function debounce(fn, wait) {
    let timer = null;
    return function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fn, wait);
    };
  }

  // ------------------------------------------------------------------ storage (autosave and restore)

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage disabled: everything else still works
    }
  }

  function serialise() {
    const out = [];
    for (const element of form.elements) {
      if (!element.name || notInput.includes(element.name)) {
        continue;
      }
      if (element.type === "submit" || element.type === "button") {
        continue;
      }
      if (element.type === "checkbox" || element.type === "radio") {
        if (element.checked) {
          out.push([element.name, element.value]);
        }
        continue;
      }
      out.push([element.name, element.value]);
    }
    return out;
  }

  function store() {
    const store = storage();
    if (!store || !dirty) {
      return;
    }
    try {
      store.setItem(storageKey, JSON.stringify({
        savedAt: Date.now(), revision: config.formRevision, data: serialise(),
      }));
    } catch (error) {
      // quota exceeded: keep working without the copy
    }
  }

  function savedCopies() {
    const store = storage();
    const found = [];
    if (!store) {
      return found;
    }
    for (let i = 0; i < store.length; i += 1) {
      const key = store.key(i);
      if (key && key.startsWith(prefix)) {
        try {
          found.push({key: key, value: JSON.parse(store.getItem(key))});
        } catch (error) {
          // a damaged copy is ignored
        }
      }
    }
    found.sort((a, b) => b.value.savedAt - a.value.savedAt);
    return found;
  }

  function forgetCopies() {
    const store = storage();
    if (!store) {
      return;
    }
    for (const copy of savedCopies()) {
      store.removeItem(copy.key);
    }
  }

  const storeSoon = debounce(store, 400);

  // ------------------------------------------------------------------------------------------ rows

  function tbodyOf(list) {
    const table = form.querySelector('table[data-row-list="' + list + '"]');
    return table ? table.tBodies[0] : null;
  }

  function rowStart(list) {
    const table = form.querySelector('table[data-row-list="' + list + '"]');
    return table ? parseInt(table.getAttribute("data-row-start") || "0", 10) : 0;
  }

  function otherRows(list) {
    const table = form.querySelector('table[data-row-list="' + list + '"]');
    return table ? parseInt(table.getAttribute("data-other-rows") || "0", 10) : 0;
  }

  function renumber(list) {
    const tbody = tbodyOf(list);
    if (!tbody) {
      return;
    }
    const pattern = new RegExp("\\b" + list + "-(\\d+|__INDEX__)(?=-|$|\\s)", "g");
    const rows = tbody.querySelectorAll("tr[data-row]");
    const start = rowStart(list);
    rows.forEach((tr, position) => {
      const index = start + position; // the row's index in the whole list, on whatever page it is drawn
      const replacement = list + "-" + index;
      const elements = [tr, ...tr.querySelectorAll("*")];
      for (const element of elements) {
        for (const attribute of ["id", "name", "for", "aria-describedby"]) {
          const value = element.getAttribute(attribute);
          if (value !== null) {
            element.setAttribute(attribute, value.replace(pattern, replacement));
          }
        }
        if (element.tagName === "BUTTON" && element.value) {
          element.value = element.value.replace(pattern, replacement);
        }
      }
      tr.querySelectorAll(".row-no").forEach((span) => { span.textContent = String(index + 1); });
      tr.querySelectorAll("label[data-row-label]").forEach((label) => {
        label.textContent = format(msg.row, {n: index + 1}) + " " + label.getAttribute("data-row-label");
      });
      tr.querySelectorAll("[data-remove-row]").forEach((button) => {
        button.setAttribute("aria-label", format(msg.removeRow, {n: index + 1}));
      });
    });
    const section = tbody.closest("section");
    const empty = section ? section.querySelector("[data-empty-rows]") : null;
    if (empty) {
      empty.hidden = rows.length > 0;
    }
  }

  function addRow(list, focus) {
    const template = form.querySelector('template[data-row-template="' + list + '"]');
    const tbody = tbodyOf(list);
    if (!template || !tbody) {
      return null;
    }
    // The list's line cap (documents.py max_items, issue 19): the server refuses more, so do not offer more.
    const button = form.querySelector('[data-add-row="' + list + '"]');
    const cap = button ? parseInt(button.getAttribute("data-max-rows") || "0", 10) : 0;
    const others = otherRows(list); // the rows of the list's other pages count towards the cap too
    if (cap && others + tbody.querySelectorAll("tr[data-row]").length >= cap) {
      button.disabled = true;
      return null;
    }
    const row = template.content.querySelector("tr[data-row]").cloneNode(true);
    tbody.appendChild(row);
    renumber(list);
    if (cap && button && others + tbody.querySelectorAll("tr[data-row]").length >= cap) {
      button.disabled = true;
    }
    if (focus) {
      const first = row.querySelector("input, select, textarea");
      if (first) {
        first.focus();
      }
    }
    return row;
  }

  function removeRow(row) {
    const tbody = row.parentElement;
    const list = row.closest("table").getAttribute("data-row-list");
    const findings = row.nextElementSibling;
    if (findings && findings.hasAttribute("data-findings-row")) {
      findings.remove();
    }
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber(list);
    const add = form.querySelector('[data-add-row="' + list + '"]');
    if (add) {
      add.disabled = false; // below the line cap again
    }
    const target = next ? next.querySelector("[data-remove-row]") : form.querySelector('[data-add-row="' + list + '"]');
    if (target) {
      target.focus();
    }
    return tbody;
  }

  // ------------------------------------------------------------------------- default placeholders

  function updatePlaceholders(select) {
    const match = /^(\w+?)-(\d+)-(\w+)$/.exec(select.name || "");
    if (!match) {
      return;
    }
    const [, list, index, field] = match;
    const byCode = ((config.defaults || {})[list] || {})[field];
    if (!byCode) {
      return;
    }
    const names = new Set();
    Object.values(byCode).forEach((values) => Object.keys(values).forEach((name) => names.add(name)));
    const values = byCode[select.value] || {};
    names.forEach((name) => {
      const input = form.elements.namedItem(list + "-" + index + "-" + name);
      if (input && input.tagName === "INPUT") {
        input.placeholder = name in values ? format(msg.defaultValue, {v: values[name]}) : "";
      }
    });
  }

  // ------------------------------------------------------------------------------------- preview

  function setStatus(text, link) {
    if (!panelStatus) {
      return;
    }
    panelStatus.textContent = text;
    if (link) {
      const anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      panelStatus.append(" ", anchor);
    }
  }

  function sessionExpired() {
    store();
    setStatus(msg.sessionExpired, {href: config.loginUrl, text: "→"});
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function drawPanel(data) {
    for (const total of data.totals) {
      const value = panel.querySelector('[data-total="' + total.key + '"]');
      if (value) {
        value.textContent = total.value;
      }
      const arithmetic = panel.querySelector('[data-arith="' + total.key + '"]');
      if (arithmetic) {
        arithmetic.textContent = total.arithmetic;
      }
    }
    const list = panel.querySelector("[data-lines]");
    if (!list) {
      return;
    }
    list.replaceChildren();
    for (const line of data.lines) {
      const item = document.createElement("li");
      const link = element("a", "", line.label);
      link.href = "#" + line.anchor;
      item.append(link, " ", element("span", "num float-end", line.value));
      if (line.detail) {
        item.append(element("div", "small text-muted", line.detail));
      }
      const details = document.createElement("details");
      details.append(element("summary", "", msg.details), element("code", "arith", line.arithmetic));
      item.append(details);
      list.append(item);
    }
  }

  function drawFindings(findings) {
    const list = document.querySelector("[data-section-findings]");
    if (!list) {
      return;
    }
    list.replaceChildren();
    for (const finding of findings) {
      const item = element("li", "finding-" + finding.severity + " ps-2 mb-1");
      const link = element("a", "", finding.rule);
      link.href = "#" + finding.anchor;
      link.prepend(element("span", "badge", (config.severity || {})[finding.severity] || finding.severity), " ");
      item.append(link, " " + finding.message);
      list.append(item);
    }
    const none = document.querySelector("[data-no-findings]");
    if (none) {
      none.hidden = findings.length > 0;
    }
  }

  function previewFinished() {
    previewInFlight = false;
    if (previewAgain) {
      previewAgain = false;
      preview(); // input typed while the last one was computed: one more, never a queue of them
    }
  }

  function preview() {
    if (!panel || !config.previewUrl) {
      return;
    }
    if (previewInFlight) {
      previewAgain = true;
      return;
    }
    previewInFlight = true;
    const sequence = ++previewSequence;
    setStatus(msg.previewing);
    const headers = {Accept: "application/json"};
    if (csrfInput) {
      headers["X-CSRFToken"] = csrfInput.value;
    }
    fetch(config.previewUrl, {method: "POST", body: new FormData(form), headers: headers, credentials: "same-origin"})
      .then((response) => {
        const type = response.headers.get("Content-Type") || "";
        if (response.redirected || !type.includes("application/json")) {
          throw {expired: true}; // sent to the login page: the session has ended
        }
        return response.json();
      })
      .then((data) => {
        if (sequence !== previewSequence) {
          return; // a newer preview is on its way
        }
        if (data.session_expired) {
          sessionExpired();
        } else if (!data.ok) {
          setStatus(format(msg.previewInvalid, {n: data.errors.length}));
        } else {
          drawPanel(data.panel);
          drawFindings(data.findings);
          setStatus(msg.previewDone);
        }
      })
      .catch((error) => {
        if (sequence !== previewSequence) {
          return;
        }
        if (error && error.expired) {
          sessionExpired();
        } else {
          setStatus(msg.previewFailed);
        }
      })
      .finally(previewFinished);
  }

  const previewSoon = debounce(preview, 700);

  // ------------------------------------------------------------------------------------ dirtiness

  function markDirty() {
    if (!dirty) {
      dirty = true;
      if (indicator) {
        indicator.textContent = msg.dirty;
      }
    }
    storeSoon();
    previewSoon();
  }

  // --------------------------------------------------------------------------------------- restore

  function restore(data) {
    for (const list of config.lists || []) {
      const pattern = new RegExp("^" + list + "-(\\d+)-");
      const indices = new Set(); // the rows the copy holds (numbered from the page's first row)
      for (const [name] of data) {
        const match = pattern.exec(name);
        if (match) {
          indices.add(match[1]);
        }
      }
      const wanted = indices.size;
      const tbody = tbodyOf(list);
      if (!tbody) {
        continue;
      }
      while (tbody.querySelectorAll("tr[data-row]").length < wanted) {
        if (!addRow(list, false)) {
          break;
        }
      }
      let rows = tbody.querySelectorAll("tr[data-row]");
      while (rows.length > wanted) {
        removeRow(rows[rows.length - 1]);
        rows = tbody.querySelectorAll("tr[data-row]");
      }
    }
    const values = new Map();
    for (const [name, value] of data) {
      if (!values.has(name)) {
        values.set(name, []);
      }
      values.get(name).push(value);
    }
    for (const item of form.elements) {
      if (!item.name || notInput.includes(item.name) || item.type === "submit") {
        continue;
      }
      const wanted = values.get(item.name) || [];
      if (item.type === "checkbox" || item.type === "radio") {
        item.checked = wanted.includes(item.value);
      } else {
        item.value = wanted.length ? wanted[0] : "";
      }
    }
    form.querySelectorAll("select").forEach(updatePlaceholders);
  }

  function offerRestore() {
    const banner = document.getElementById("restore-banner");
    const copies = savedCopies();
    if (!banner || !copies.length) {
      return;
    }
    const copy = copies[0].value;
    if (JSON.stringify(copy.data) === JSON.stringify(serialise())) {
      return; // the page already shows exactly that input
    }
    const time = new Date(copy.savedAt).toLocaleString();
    banner.replaceChildren(element("span", "", format(msg.restore, {time: time})));
    if (copy.revision !== config.revision) {
      banner.append(" ", element("span", "", format(msg.restoreStale, {old: copy.revision, new: config.revision})));
    }
    const restoreButton = element("button", "btn btn-sm btn-warning ms-2", msg.restoreButton);
    restoreButton.type = "button";
    const discardButton = element("button", "btn btn-sm btn-outline-secondary ms-2", msg.discardButton);
    discardButton.type = "button";
    banner.append(restoreButton, discardButton);
    banner.classList.remove("d-none");
    restoreButton.addEventListener("click", () => {
      restore(copy.data);
      banner.replaceChildren(element("span", "", msg.restored));
      markDirty();
      const first = form.querySelector("input:not([type=hidden]), select");
      if (first) {
        first.focus();
      }
    });
    discardButton.addEventListener("click", () => {
      forgetCopies();
      banner.classList.add("d-none");
    });
  }

  // ---------------------------------------------------------------------------------------- wiring

  form.addEventListener("click", (event) => {
    const add = event.target.closest("[data-add-row]");
    if (add) {
      event.preventDefault();
      addRow(add.getAttribute("data-add-row"), true);
      markDirty();
      return;
    }
    const remove = event.target.closest("[data-remove-row]");
    if (remove) {
      event.preventDefault();
      removeRow(remove.closest("tr[data-row]"));
      markDirty();
    }
  });
  form.addEventListener("input", markDirty);
  form.addEventListener("change", (event) => {
    if (event.target.tagName === "SELECT") {
      updatePlaceholders(event.target);
    }
    markDirty();
  });
  form.addEventListener("submit", () => {
    submitting = true;
    store(); // if the session has ended, the copy survives the trip through the login page
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty && !submitting) {
      store();
      event.preventDefault();
      event.returnValue = "";
    }
  });
  window.addEventListener("pageshow", () => { submitting = false; });
  document.addEventListener("click", (event) => {
    if (event.target.closest("a[data-leave-ok]")) {
      store(); // the input is kept in the browser and offered again after the reload
      submitting = true;
    }
  });

  const params = new URLSearchParams(window.location.search);
  if (params.has("saved")) {
    forgetCopies(); // this section was just saved: the copies are in the draft now
    params.delete("saved");
    const query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  } else {
    offerRestore();
  }
  if (config.dirty) {
    dirty = true; // drawn again from a refused save: the input is not in the draft
    if (indicator) {
      indicator.textContent = msg.dirty;
    }
    store();
  }
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  } else if (config.focus) {
    // "跳到第几行": the row asked for, on its page
    const row = document.getElementById(config.focus);
    const first = row ? row.querySelector("input:not([type=hidden]), select") : null;
    if (row) {
      row.classList.add("row-jumped");
      row.scrollIntoView({block: "center"});
    }
    if (first) {
      first.focus({preventScroll: true});
    }
  }
}());
