// Small progressive enhancements. The site works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the main region after following the skip link (some browsers don't).
  const skip = document.querySelector(".skip-link");
  if (skip) skip.addEventListener("click", () => document.getElementById("main")?.focus());
});
