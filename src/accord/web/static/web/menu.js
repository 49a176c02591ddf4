// On a phone the menu folds behind a "Menu" button, so a page's own content starts near the top.
// Without this script the button stays hidden and the menu shows as on a laptop.
(() => {
  const button = document.querySelector(".menu-button");
  const header = button && button.closest(".topbar");
  if (!header) return;
  const set = (open) => {
    header.dataset.menu = open ? "open" : "closed";
    button.setAttribute("aria-expanded", String(open));
  };
  set(false);
  button.hidden = false;
  button.addEventListener("click", () => set(header.dataset.menu !== "open"));
  header.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && header.dataset.menu === "open") {
      set(false);
      button.focus();
    }
  });
})();
