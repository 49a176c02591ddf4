// A form whose work takes more than a moment (suggesting a draft, handing out the pool,
// replaying a backtest) says so while the server works: its data-busy words and a progress bar
// appear in its status line (role=status, so a screen reader hears them), and its button is
// disabled so a second click does not send it again. Without this script the form still works.
(() => {
  const reset = (form) => {
    form.removeAttribute("aria-busy");
    form.querySelector(".busy").replaceChildren();
    form.querySelectorAll("button[type=submit]").forEach((button) => (button.disabled = false));
  };
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const words = form.dataset && form.dataset.busy;
    const status = words && form.querySelector(".busy");
    if (!status || event.defaultPrevented) return;
    const bar = document.createElement("progress");
    bar.setAttribute("aria-label", words);
    status.replaceChildren(`${words} `, bar);
    form.setAttribute("aria-busy", "true");
    // after this event, so the submission already holds the button's name and value
    setTimeout(() => form.querySelectorAll("button[type=submit]").forEach((b) => (b.disabled = true)));
  });
  // Back to a page kept in the browser's cache: its forms are idle again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) document.querySelectorAll("form[data-busy]").forEach(reset);
  });
})();
