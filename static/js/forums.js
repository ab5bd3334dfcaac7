// Forums enhancements. Everything works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // After following a permalink, move keyboard focus to the highlighted post.
  const id = window.location.hash.slice(1);
  const target = id && document.getElementById(id);
  if (target && target.classList.contains("post")) {
    target.setAttribute("tabindex", "-1");
    target.focus();
  }
});
