// Called from offline.rs (wasm-bindgen imports this module; it is linted as JavaScript).
// The page's Trusted Types policy (its CSP says `require-trusted-types-for 'script';
// trusted-types election-widget`): the one script URL the widget sets itself is its own
// service worker, on its own origin.
let policy;
function workerUrl(url) {
  if (!window.trustedTypes) return url;
  policy ??= window.trustedTypes.createPolicy('election-widget', {
    createScriptURL(text) {
      const u = new URL(text, location.href);
      if (u.origin !== location.origin || !u.pathname.endsWith('/sw.js')) {
        throw new TypeError(`election widget: ${text} is not this page's service worker`);
      }
      return u.href;
    },
  });
  return policy.createScriptURL(url);
}
export function ewRegisterWorker(url, eventName) {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  const announce = () => window.dispatchEvent(new Event(eventName));
  let trusted;
  try { trusted = workerUrl(url); } catch (e) { console.error('election widget: the service worker was not registered:', e); return; }
  navigator.serviceWorker.register(trusted).then((registration) => {
    // A build already waiting (installed while an older page was open).
    if (registration.waiting && navigator.serviceWorker.controller) announce();
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      if (!worker) return;
      worker.addEventListener('statechange', () => {
        // Installed beside a running build: an update, not the first install.
        if (worker.state === 'installed' && navigator.serviceWorker.controller) announce();
      });
    });
    // What this page loaded before the worker controlled it (a first visit): its data and
    // any of the build's on-demand files (the desk's bundle), stored now, so the next
    // visit works offline too. The worker keeps only what it knows.
    navigator.serviceWorker.ready.then((ready) => {
      const urls = performance.getEntriesByType('resource').map((e) => e.name)
        .filter((u) => new URL(u).origin === location.origin);
      if (ready.active && urls.length) ready.active.postMessage({ type: 'election-widget:store', urls });
    });
    // Look for a new build when the page is shown again.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') registration.update().catch(() => {});
    });
  }).catch((e) => console.error('election widget: the service worker was not registered:', e));
}
export function ewApplyUpdate() {
  if (!('serviceWorker' in navigator)) return;
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!reloading) { reloading = true; location.reload(); }
  });
  navigator.serviceWorker.getRegistration().then((registration) => {
    if (registration && registration.waiting) registration.waiting.postMessage({ type: 'election-widget:skip-waiting' });
    else location.reload();
  });
}
