// Small enhancements only; every page works without this file.
document.addEventListener("submit", (e) => {
  // Forms that change something irreversible ask first (data-confirm holds the question).
  const q = e.target.getAttribute("data-confirm");
  if (q && !window.confirm(q)) e.preventDefault();
});
