// The widget's one fetch (net.rs): data files, the clock's samples, the contract's
// requests. A failure is thrown as an Error whose `kind` is 'timeout' or 'unreachable'.
export async function ewFetch(method, url, headers, body, credentials, cache, timeoutMs) {
  let response;
  try {
    response = await fetch(url, { method, headers, body: body == null ? undefined : body, credentials, cache, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const error = new Error(String((e && e.message) || e));
    error.kind = e && (e.name === 'TimeoutError' || e.name === 'AbortError') ? 'timeout' : 'unreachable';
    throw error;
  }
  const headersAt = performance.now();
  let text = null;
  if (method !== 'HEAD') {
    try { text = await response.text(); } catch (e) { /* an unreadable body is said by the caller */ }
  }
  const h = response.headers;
  // The times as numbers here (Date.parse, Number): parsing them in Rust would bring a
  // float parser into the bundle. NaN and junk are refused on the Rust side.
  const stored = h.get('x-election-widget-stored-at');
  return {
    status: response.status, statusText: response.statusText, headersAt, retryAfter: h.get('Retry-After'),
    dateMs: h.has('Date') ? Date.parse(h.get('Date')) : null,
    storedAtMs: stored === null || stored.trim() === '' ? null : Number(stored),
    body: text,
  };
}
export function ewOnline() { return navigator.onLine !== false; }
