// The election widget's service worker: the app shell of this build, and the offer and
// holder data last loaded, so that an employee who opened the widget once can open it
// again with no network. `scripts/post-build.sh` writes it to dist/sw.js with this
// build's id and file list. Small on purpose (docs/ARCHITECTURE.md, "Offline").
//
// - The shell (pages, the bundle, the stylesheet) is precached per build, in a cache
//   named after the build, so two builds never mix; old builds' caches go when a new
//   one takes over. Files only another page needs (the HR desk's bundle) are not
//   precached: they join the build's cache when that page loads them.
// - A new build installs beside the old one and waits: the page says an update is ready
//   and the worker takes over only when the employee agrees (`skip-waiting`).
// - JSON data on this origin is network first; a copy of each successful answer is kept
//   and served when the network fails, marked with `x-election-widget-stored-at` (when it
//   was loaded) so the widget can say it is offline.
// - Everything else (other origins: backends, time endpoints; anything not GET) is left
//   to the network: elections are never cached or answered from here.
const BUILD = '__BUILD__';
const SHELL = __SHELL__;
const ON_DEMAND = __ON_DEMAND__;
const SHELL_CACHE = `election-widget-shell-${BUILD}`;
const DATA_CACHE = 'election-widget-data-v1';
const STORED_AT = 'x-election-widget-stored-at';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('election-widget-shell-') && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'election-widget:skip-waiting') self.skipWaiting();
  // What a page loaded before this worker controlled it (its first visit): its data, and
  // the build's on-demand files it used.
  if (data.type === 'election-widget:store' && Array.isArray(data.urls)) {
    const same = data.urls.filter((u) => typeof u === 'string' && new URL(u).origin === self.location.origin);
    const json = same.filter((u) => new URL(u).pathname.endsWith('.json'));
    const files = same.filter((u) => onDemand(new URL(u)));
    event.waitUntil(Promise.all([
      ...json.map((u) => networkFirst(new Request(u)).catch(() => null)),
      ...files.map((u) => shellFirst(new Request(u)).catch(() => null)),
    ]));
  }
});

function onDemand(url) {
  return ON_DEMAND.some((file) => new URL(file, self.location).pathname === url.pathname);
}

async function shellFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  if (onDemand(new URL(request.url))) {
    const response = await fetch(request);
    if (response.ok) await cache.put(request.url, response.clone());
    return response;
  }
  if (request.mode === 'navigate') {
    const page = new URL(request.url).pathname.endsWith('/') ? 'index.html' : null;
    const fallback = page && (await cache.match(page));
    if (fallback) return fallback;
  }
  return fetch(request);
}

async function networkFirst(request) {
  const cache = await caches.open(DATA_CACHE);
  try {
    // From the server itself, never the HTTP cache: an answer is either fresh from the
    // network or the stored copy, marked, so the widget can always tell which it shows
    // (a copy the HTTP cache kept would show old data with no offline notice).
    const response = await fetch(new Request(request, { cache: 'no-store' }));
    if (response.ok) {
      const headers = new Headers(response.headers);
      headers.set(STORED_AT, String(Date.now()));
      const body = await response.clone().arrayBuffer();
      await cache.put(request.url, new Response(body, { status: 200, statusText: 'OK', headers }));
    }
    return response;
  } catch (error) {
    const stored = await cache.match(request.url);
    if (stored) return stored;
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.endsWith('.json')) {
    event.respondWith(networkFirst(request));
  } else if (request.mode === 'navigate' || onDemand(url) || SHELL.some((file) => new URL(file, self.location).pathname === url.pathname)) {
    event.respondWith(shellFirst(request));
  }
});
