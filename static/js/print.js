// The print view's "Print" button (no inline scripts: the CSP forbids them).
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
