/* The inbox's keyboard, shipped with Accord (the content security policy allows no other
   script): j/k move between leads, Enter or o opens one in the side panel, a accepts it,
   r rejects it (the focus goes to the reason), x selects it for an action on several,
   / finds, Esc closes the panel, ? lists the shortcuts. Every action is also a button or a
   link reachable with Tab; this only makes them faster. */
(function () {
  "use strict";
  const list = document.getElementById("inbox-list");
  const panel = document.getElementById("lead-panel");
  const shortcuts = document.getElementById("shortcuts");
  if (!list || !panel) return;
  let current = null; // the id of the lead's row under the cursor

  const rows = () => Array.from(list.querySelectorAll('tr[data-testid="lead"]'));
  const currentRow = () => (current && document.getElementById(current)) || null;
  const linkOf = (row) => row.querySelector("a.open");
  const drawer = () => window.matchMedia("(max-width: 60rem)").matches;

  function markCursor() {
    rows().forEach((row) => row.classList.toggle("cursor", row.id === current));
  }

  function moveTo(row) {
    if (!row) return;
    current = row.id;
    markCursor();
    linkOf(row).focus();
  }

  function step(by) {
    const all = rows();
    if (!all.length) return;
    const at = all.indexOf(currentRow());
    const next = at < 0 ? 0 : Math.max(0, Math.min(all.length - 1, at + by));
    moveTo(all[next]);
  }

  function filters() {
    const form = document.getElementById("inbox-filters");
    return form ? Object.fromEntries(new FormData(form)) : {};
  }

  function showsInPanel(row) {
    const lead = panel.querySelector("[data-row]");
    return lead !== null && lead.dataset.row === row.id;
  }

  function open(row) {
    current = row.id;
    markCursor();
    if (showsInPanel(row)) return Promise.resolve();
    const link = linkOf(row);
    return htmx.ajax("GET", link.getAttribute("href"), { source: link, target: "#lead-panel" });
  }

  function accept(row) {
    current = row.id;
    htmx.ajax("POST", row.dataset.acceptUrl, {
      source: row,
      target: "#lead-panel",
      values: filters(),
    });
  }

  function reject(row) {
    open(row).then(() => {
      const reason = document.getElementById("reject-reason");
      if (reason) reason.focus();
    });
  }

  function toggle(row) {
    const box = row.querySelector('input[name="ids"]');
    if (!box || box.disabled) return;
    box.checked = !box.checked;
    countSelected();
  }

  function countSelected() {
    const out = document.getElementById("selected-count");
    if (out) out.textContent = document.querySelectorAll('input[name="ids"]:checked').length;
  }

  function closePanel() {
    panel.replaceChildren();
    const row = currentRow();
    if (row) linkOf(row).focus();
  }

  function showShortcuts() {
    if (shortcuts && !shortcuts.open) shortcuts.showModal();
  }

  const typing = 'input:not([type="checkbox"]), select, textarea, dialog[open]';
  const keys = {
    j: () => step(1),
    k: () => step(-1),
    o: (row) => row && open(row),
    a: (row) => row && accept(row),
    r: (row) => row && reject(row),
    x: (row) => row && toggle(row),
    "/": () => document.getElementById("id_q")?.focus(),
    "?": showShortcuts,
    Escape: closePanel,
  };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest(typing)) return;
    const focused = event.target.closest('tr[data-testid="lead"]');
    if (focused) current = focused.id;
    const row = currentRow();
    if (event.key === "Enter") {
      // Enter on the lead's link opens it as a click does; elsewhere in the row it opens too.
      if (row && focused && !event.target.closest("a, button")) {
        event.preventDefault();
        open(row);
      }
      return;
    }
    const handle = keys[event.key];
    if (!handle) return;
    event.preventDefault();
    handle(row);
  });

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-panel]")) closePanel();
    if (event.target.closest("[data-show-shortcuts]")) showShortcuts();
    const row = event.target.closest('tr[data-testid="lead"]');
    if (row) {
      current = row.id;
      markCursor();
    }
  });

  document.addEventListener("change", (event) => {
    if (event.target.name === "ids") countSelected();
  });

  document.body.addEventListener("htmx:afterSettle", (event) => {
    markCursor();
    countSelected();
    if (event.detail.target !== panel) return;
    const lost = document.activeElement === document.body || !document.activeElement;
    if (drawer() && panel.firstElementChild && !panel.contains(document.activeElement)) {
      document.getElementById("panel-title")?.focus();
    } else if (lost && currentRow()) {
      linkOf(currentRow()).focus();
    }
  });
})();
