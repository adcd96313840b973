// IndexedDB (store.rs): the signing keys (made here, where they are stored) and the outbox.
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
// An outbox failure keeps the browser's name for it (store.rs classifies it).
function stored(e) {
  const err = new Error(String((e && e.message) || e));
  err.kind = e && e.name;
  return Promise.reject(err);
}

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
export async function ewOutboxAll(prefix) {
  try {
    return await run('outbox', 'readonly', (s) => s.getAll(IDBKeyRange.bound(prefix, prefix + '\uffff')));
  } catch (e) { return stored(e); }
}
export async function ewOutboxPut(key, text) {
  try { await run('outbox', 'readwrite', (s) => s.put(text, key)); } catch (e) { return stored(e); }
}
