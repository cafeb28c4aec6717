// Podium's site-wide service worker: keeps the site root (the events index) and the shared
// assets for offline use. Each event's own worker (sw.js under /e/<slug>/) keeps its pages;
// everything else (event pages, the admin page) is left to the network untouched.
const CACHE = {{ cache_name|tojson }};
const PREFIX = "podium-site-";
const URLS = {{ urls|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(URLS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  const path = url.pathname;
  const ours = url.origin === self.location.origin && (path === "/" || path === "/index.html" || path.startsWith("/assets/"));
  if (event.request.method !== "GET" || !ours) return;
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        }
        return response;
      })
      .catch(() => caches.match(event.request, { ignoreSearch: true }).then((hit) => hit || Response.error()))
  );
});
