{{- $e := site.Data.event -}}
// Podium service worker for one event; the cache name changes whenever the event's files do.
const CACHE = "podium-{{ $e.slug }}-{{ site.Data.offline | jsonify | md5 | truncate 16 "" }}";
const PREFIX = "podium-{{ $e.slug }}-";
const SCOPE = "{{ $e.root }}";
const URLS = [{{ range $i, $u := site.Data.offline }}{{ if $i }}, {{ end }}"{{ $u }}"{{ end }}];

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
  const ours = url.origin === self.location.origin && (url.pathname.startsWith(SCOPE) || url.pathname.startsWith("/assets/"));
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