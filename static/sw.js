// The site's service worker. Served at /sw.js (scope: the whole site) by
// supportgroups.push.views.service_worker, which puts STATIC_VERSION on the line above this one.
//
// - Pages come from the network; with no network, the offline page saved the last time the
//   person was online (their next meetings and the crisis lines).
// - Static files are kept in a cache named by the version and dropped when it changes.
// - Pushes show a generic title; a click opens (or focuses) the page they link to.
/* global STATIC_VERSION */

const STATIC_CACHE = `static-${STATIC_VERSION}`;
const PAGES_CACHE = "pages";
const OFFLINE_URL = "/offline/";
const SAVE_EVERY_MS = 60 * 1000;
let savedAt = 0;
let saveAtNextPage = false;

async function saveOfflinePage() {
  const response = await fetch(OFFLINE_URL, { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) return;
  const html = await response.clone().text();
  await (await caches.open(PAGES_CACHE)).put(OFFLINE_URL, response);
  savedAt = Date.now();
  saveAtNextPage = false;
  // Its styles and scripts, so that it reads as it should with no network.
  const statics = await caches.open(STATIC_CACHE);
  const assets = [...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]);
  await Promise.all(
    assets.map(async (url) => {
      if (!(await statics.match(url))) await statics.add(url).catch(() => {});
    }),
  );
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    saveOfflinePage()
      .catch(() => {})
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("static-") && name !== STATIC_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

async function page(event) {
  try {
    const response = await fetch(event.request);
    if (saveAtNextPage || Date.now() - savedAt > SAVE_EVERY_MS) {
      event.waitUntil(saveOfflinePage().catch(() => {}));
    }
    return response;
  } catch (error) {
    const saved = await caches.match(OFFLINE_URL, { cacheName: PAGES_CACHE });
    if (saved) return saved;
    throw error;
  }
}

async function staticFile(request) {
  const cache = await caches.open(STATIC_CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (request.method !== "GET") {
      // A form (signing out above all): the saved page may no longer be this person's.
      saveAtNextPage = true;
      return;
    }
    event.respondWith(page(event));
  } else if (request.method === "GET" && url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request));
  }
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  const urgent = data.tag === "urgent";
  event.waitUntil(
    self.registration.showNotification(data.title || "", {
      body: data.body || "",
      // One notification per kind (the newest replaces the last); an alert per item, which
      // sounds again if the item is escalated, and stays until it is dealt with.
      tag: urgent ? `urgent ${data.url}` : data.tag,
      renotify: urgent,
      requireInteraction: urgent,
      icon: "/static/icons/app-192.png",
      data: { url: data.url || "/notifications/" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data.url, self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === target.href);
      return open ? open.focus() : self.clients.openWindow(target.href);
    }),
  );
});
