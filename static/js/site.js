// Small progressive enhancements. The site works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the main region after following the skip link (some browsers don't).
  const skip = document.querySelector(".skip-link");
  if (skip) skip.addEventListener("click", () => document.getElementById("main")?.focus());

  // On a fresh sign-up form, start from the browser's own time zone when we know it.
  for (const select of document.querySelectorAll("select[data-detect-time-zone]")) {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && [...select.options].some((option) => option.value === zone)) select.value = zone;
  }
});

// The installable app's worker: pages offline, static files kept by version, notifications.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  });
}
