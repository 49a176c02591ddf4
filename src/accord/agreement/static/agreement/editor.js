// The lead-definition editor: add, remove and reorder rows, and offer each fit rule's field the
// values the data holds. The server reads rows in the order of their numbers, so every change
// renumbers them as the page shows them; the form then reports a change for the live panel.
(function () {
  "use strict";
  const form = document.getElementById("editor");
  if (!form) return;
  form.classList.add("js");
  const values = JSON.parse(document.getElementById("field-values").textContent);
  const OPERATOR_FOR = { employee_count: "range", is_decision_maker: "equals" };

  function renumber(list) {
    const group = list.dataset.rows;
    const pattern = new RegExp("^" + group + "-(\\d+|__i__)");
    Array.from(list.children).forEach(function (row, index) {
      row.id = group + "-" + index;
      row.querySelectorAll("[id],[name],[for],[aria-describedby]").forEach(function (el) {
        ["id", "name", "for"].forEach(function (attr) {
          const value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(pattern, group + "-" + index));
        });
        const described = el.getAttribute("aria-describedby");
        if (described) {
          el.setAttribute("aria-describedby", described.split(" ").map(function (id) {
            return id.replace(pattern, group + "-" + index);
          }).join(" "));
        }
      });
      const number = row.querySelector("[data-row-number]");
      if (number) number.textContent = index + 1;
    });
  }

  function changed() {
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function fillValues(row) {
    const field = row.querySelector("[data-fit-field]");
    const select = row.querySelector("[data-fit-values]");
    if (!field || !select) return;
    const chosen = Array.from(select.selectedOptions).map(function (o) { return o.value; });
    const options = (values[field.value] || []).slice();
    chosen.forEach(function (v) { if (options.indexOf(v) < 0) options.push(v); });
    select.replaceChildren.apply(select, options.map(function (v) {
      const option = new Option(v, v, false, chosen.indexOf(v) >= 0);
      return option;
    }));
  }

  function showChosen(row) {
    const select = row.querySelector("[data-fit-values]");
    const chosen = row.querySelector("[data-chosen]");
    if (!select || !chosen) return;
    const names = Array.from(select.selectedOptions).map(function (o) { return o.value; });
    chosen.textContent = "Chosen: " + (names.join(", ") || "none");
  }

  function showOperator(row) {
    const operator = row.querySelector("[data-fit-operator]");
    if (operator) row.dataset.operator = operator.value;
  }

  form.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-action], button[data-add]");
    if (!button) return;
    if (button.dataset.add) {
      const group = button.dataset.add;
      const list = form.querySelector('[data-rows="' + group + '"]');
      const template = form.querySelector('[data-row-template="' + group + '"]');
      const row = template.content.firstElementChild.cloneNode(true);
      list.appendChild(row);
      renumber(list);
      fillValues(row);
      showOperator(row);
      showChosen(row);
      const first = row.querySelector("input, select");
      if (first) first.focus();
      changed();
      return;
    }
    const row = button.closest("[data-row]");
    const list = row.parentElement;
    const action = button.dataset.action;
    if (action === "remove") {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      const focusTarget = next ? next.querySelector("input, select") : form.querySelector('[data-add="' + list.dataset.rows + '"]');
      if (focusTarget) focusTarget.focus();
    } else if (action === "up" && row.previousElementSibling) {
      list.insertBefore(row, row.previousElementSibling);
      button.focus();
    } else if (action === "down" && row.nextElementSibling) {
      list.insertBefore(row.nextElementSibling, row);
      button.focus();
    }
    renumber(list);
    changed();
  });

  form.addEventListener("change", function (event) {
    const row = event.target.closest('[data-row="fit"]');
    if (!row) return;
    if (event.target.matches("[data-fit-field]")) {
      const operator = row.querySelector("[data-fit-operator]");
      const wanted = OPERATOR_FOR[event.target.value];
      if (wanted) operator.value = wanted;
      else if (operator.value === "range" || operator.value === "equals") operator.value = "in";
      row.querySelector("[data-fit-values]").replaceChildren();
      fillValues(row);
    }
    showOperator(row);
    showChosen(row);
  });

  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
