// Turning notifications on and off for this device (templates/push/settings.html). Without
// this file the page still lists and removes devices and saves the choices.
document.addEventListener("DOMContentLoaded", async () => {
  const form = document.getElementById("push-subscribe");
  if (!form || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
  const state = form.querySelector(".push-state");
  const on = form.querySelector("[data-push-on]");
  const off = form.querySelector("[data-push-off]");
  document.querySelector(".push-unsupported")?.setAttribute("hidden", "");
  form.hidden = false;

  const keyBytes = (base64url) => {
    const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  };
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  await navigator.serviceWorker.ready;
  const current = await registration.pushManager.getSubscription();
  if (current) {
    on.hidden = true;
    off.hidden = false;
    state.textContent = gettext("Notifications are on for this device.");
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    on.disabled = true;
    try {
      if ((await Notification.requestPermission()) !== "granted") {
        state.textContent = gettext("Notifications are blocked for this site in your browser's settings.");
        return;
      }
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(form.dataset.vapidKey),
      });
      const json = subscription.toJSON();
      form.elements.endpoint.value = json.endpoint;
      form.elements.p256dh.value = json.keys.p256dh;
      form.elements.auth.value = json.keys.auth;
      form.submit();
    } catch (error) {
      state.textContent = gettext("Notifications could not be turned on for this device.");
    } finally {
      on.disabled = false;
    }
  });

  off.addEventListener("click", async () => {
    const subscription = await registration.pushManager.getSubscription();
    if (!subscription) return;
    await subscription.unsubscribe();
    form.action = form.dataset.unsubscribeUrl;
    form.elements.endpoint.value = subscription.endpoint;
    form.submit();
  });
});
