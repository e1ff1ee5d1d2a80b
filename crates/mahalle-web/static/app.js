// Small enhancements only; every page works without this file.
document.addEventListener("submit", (e) => {
  // Forms that change something irreversible ask first (data-confirm holds the question).
  const q = e.target.getAttribute("data-confirm");
  if (q && !window.confirm(q)) e.preventDefault();
});

// One header menu open at a time; a click elsewhere closes it.
document.addEventListener("click", (e) => {
  for (const d of document.querySelectorAll("details.menu[open]")) {
    if (!d.contains(e.target)) d.removeAttribute("open");
  }
});

// A "print" button (shown only when this file runs) prints the page.
for (const b of document.querySelectorAll("[data-print]")) {
  b.hidden = false;
  b.addEventListener("click", () => window.print());
}
