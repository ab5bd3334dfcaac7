// Django admin's two-list selector (SelectFilter2.js, run on "load") puts aria-label on a bare
// <span> search icon, which ARIA forbids; as an image the label is allowed (WCAG 4.1.2).
window.addEventListener("load", () => {
  for (const icon of document.querySelectorAll("span.help-tooltip[aria-label]")) {
    icon.setAttribute("role", "img");
  }
});
