// Called from vault.rs (wasm-bindgen imports this module; it is linted as JavaScript).
const DB = 'election-widget';
let opening = null;
function db() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      if (!self.indexedDB) throw new Error('this browser offers no IndexedDB');
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => { req.result.createObjectStore('keys'); req.result.createObjectStore('outbox'); };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('another tab holds an older version of the widget open'));
    });
    opening.catch(() => { opening = null; });
  }
  return opening;
}
function why(e) {
  if (e && e.name === 'QuotaExceededError') return "this device's storage is full";
  if (e && e.name === 'SecurityError') return 'this browser does not allow this page to store data (private browsing or a policy)';
  if (e && e.name === 'DataCloneError') return 'this browser cannot store a signing key';
  return String((e && e.message) || e);
}
async function run(store, mode, fn) {
  const d = await db();
  return await new Promise((resolve, reject) => {
    const t = d.transaction(store, mode);
    let result;
    const req = fn(t.objectStore(store));
    if (req) req.onsuccess = () => { result = req.result; };
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error('the storage transaction was aborted'));
  });
}
function stored(e) { return Promise.reject(new Error(why(e))); }

export async function ewKey(id) {
  let reason = null;
  try {
    const found = await run('keys', 'readonly', (s) => s.get(id));
    if (found && found.privateKey) return { privateKey: found.privateKey, jwk: found.jwk, registered: found.registered || [], persistent: true, reason: null };
  } catch (e) { reason = why(e); }
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const full = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const jwk = { kty: full.kty, crv: full.crv, x: full.x, y: full.y };
  if (reason === null) {
    try {
      await run('keys', 'readwrite', (s) => s.add({ privateKey: pair.privateKey, jwk, registered: [] }, id));
      return { privateKey: pair.privateKey, jwk, registered: [], persistent: true, reason: null };
    } catch (e) {
      // Another tab made the key first: use that one.
      if (e && e.name === 'ConstraintError') return ewKey(id);
      reason = why(e);
    }
  }
  return { privateKey: pair.privateKey, jwk, registered: [], persistent: false, reason };
}
export async function ewMarkRegistered(id, endpoint) {
  await run('keys', 'readwrite', (s) => {
    const req = s.get(id);
    req.onsuccess = () => {
      const rec = req.result;
      if (rec && !(rec.registered || []).includes(endpoint)) { rec.registered = [...(rec.registered || []), endpoint]; s.put(rec, id); }
    };
    return null;
  }).catch(() => {});
}
export async function ewSign(privateKey, bytes) {
  return new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, bytes));
}
export async function ewVerify(jwk, signature, bytes) {
  const key = await crypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  return await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, bytes);
}
export function ewRandom(n) {
  const b = crypto.getRandomValues(new Uint8Array(n));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
export async function ewOutboxAll(prefix) {
  try {
    return await run('outbox', 'readonly', (s) => s.getAll(IDBKeyRange.bound(prefix, prefix + '\uffff')));
  } catch (e) { return stored(e); }
}
export async function ewOutboxPut(key, text) {
  try { await run('outbox', 'readwrite', (s) => s.put(text, key)); } catch (e) { return stored(e); }
}
// Resolves, once the lock is granted, with the function that releases it. Browsers
// without Web Locks grant it at once.
export function ewAcquire(name) {
  return new Promise((granted) => {
    if (!(navigator.locks && navigator.locks.request)) { granted(() => {}); return; }
    navigator.locks.request(name, () => new Promise((release) => granted(release))).catch(() => granted(() => {}));
  });
}
const channels = new Map();
export function ewListen(name, callback) {
  if (!self.BroadcastChannel) return () => {};
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event) => callback(String(event.data));
  return () => channel.close();
}
export function ewAnnounce(name, sender) {
  if (!self.BroadcastChannel) return;
  let channel = channels.get(name);
  if (!channel) { channel = new BroadcastChannel(name); channels.set(name, channel); }
  channel.postMessage(sender);
}
export async function ewFetch(method, url, headers, body, credentials, timeoutMs) {
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : body, credentials, cache: 'no-store', signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const timeout = e && (e.name === 'TimeoutError' || e.name === 'AbortError');
    throw new Error(timeout ? `no answer within ${Math.round(timeoutMs / 1000)} seconds` : 'could not reach the backend (no connection, a wrong address, or the backend does not allow this page: CORS)');
  }
  let text = '';
  try { text = await response.text(); } catch (e) { /* an unreadable body is an empty one */ }
  return { status: response.status, retryAfter: response.headers.get('Retry-After'), body: text };
}
export function ewDownload(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url; a.download = name; a.rel = 'noopener'; a.style.display = 'none';
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
export function ewOnline() { return navigator.onLine !== false; }
export function ewPostToHost(message, targetOrigin) {
  const target = window.parent !== window ? window.parent : window;
  target.postMessage(message, targetOrigin);
}
export function ewAwaitReply(key, origins, timeoutMs) {
  return new Promise((resolve, reject) => {
    const done = () => { clearTimeout(timer); window.removeEventListener('message', listener); };
    const listener = (event) => {
      const d = event.data;
      if (!d || typeof d !== 'object' || d.type !== 'election-widget:delivery-result' || d.idempotency_key !== key) return;
      if (!origins.includes(event.origin)) {
        const root = document.documentElement;
        root.dataset.ewIgnoredDeliveryMessages = String(Number(root.dataset.ewIgnoredDeliveryMessages || 0) + 1);
        return;
      }
      done();
      resolve(JSON.stringify(d));
    };
    const timer = setTimeout(() => { done(); reject(new Error(`the portal did not answer within ${Math.round(timeoutMs / 1000)} seconds`)); }, timeoutMs);
    window.addEventListener('message', listener);
  });
}
