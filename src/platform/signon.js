// HR's sign-on (signon.rs): the browser's side of OpenID Connect's authorization-code
// flow with PKCE. The rules (what to ask, what to accept) are the client's
// (election-client's `hr`); these only touch the browser.
const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** `bytes` random bytes, base64url without padding. */
export function ewRandom(bytes) {
  const a = new Uint8Array(bytes);
  crypto.getRandomValues(a);
  return b64url(a);
}

/** PKCE's S256 challenge of `verifier`. */
export async function ewChallenge(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return b64url(new Uint8Array(digest));
}

// The tab's session storage: a sign-in under way survives the redirect, and no other tab
// or later visit sees it. A browser that refuses storage gets null / false.
export function ewSessionGet(key) { try { return sessionStorage.getItem(key); } catch (e) { return null; } }
export function ewSessionSet(key, value) { try { sessionStorage.setItem(key, value); return true; } catch (e) { return false; } }
export function ewSessionRemove(key) { try { sessionStorage.removeItem(key); } catch (e) { /* nothing kept */ } }

/** Sends the tab to the identity provider. */
export function ewGo(url) { location.assign(url); }

/** Takes the provider's answer (`?code=…&state=…`) out of the address bar and history. */
export function ewCleanUrl() { history.replaceState(null, '', location.pathname + location.hash); }

export function ewSearch() { return location.search; }

/** POSTs a form; { status, body }, or throws an Error whose `kind` is 'timeout' or 'unreachable'. */
export async function ewPostForm(url, body, timeoutMs) {
  let response;
  try {
    response = await fetch(url, {
      method: 'POST', body, credentials: 'omit', cache: 'no-store',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const error = new Error(String((e && e.message) || e));
    error.kind = e && (e.name === 'TimeoutError' || e.name === 'AbortError') ? 'timeout' : 'unreachable';
    throw error;
  }
  let text = '';
  try { text = await response.text(); } catch (e) { /* said by the caller */ }
  return { status: response.status, body: text };
}
