// A small OpenID Connect identity provider for the tests and the demonstration (never for
// a real offer): discovery, the authorization-code flow with PKCE (S256 only), a token
// endpoint, and its keys (JWKS). Tokens are ES256 JWTs signed with a key made at start.
//
// - GET /authorize checks the client, its exact redirect URI and the PKCE challenge, and
//   shows a sign-in page with a button per user (no passwords: it is a demonstration);
//   a wrong client or redirect URI is an error page, never a redirect.
// - POST /token takes a code once, for the same client and redirect URI, and only with
//   the verifier whose SHA-256 is the challenge. CORS allows any origin (a public client).
// - Access tokens name `audience` (the receiver); ID tokens the client, with the nonce.
//
// Run alone: node e2e/idp.mjs [port] [redirect URI …] (make demo does).
import { createServer } from 'node:http';
import { generateKeyPairSync, createHash, randomBytes, sign } from 'node:crypto';

const b64url = (buf) => Buffer.from(buf).toString('base64url');

export const DEFAULT_USERS = {
  harper: { sub: 'hr-harper', name: 'Harper Hale (HR)', roles: ['election-hr'] },
  avery: { sub: 'E-1001', name: 'Avery Lindqvist (employee)', roles: [] },
};

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Starts the provider on 127.0.0.1:`port` (0: any free port).
 * `clients`: client id → its exact redirect URIs. `users`: name → { sub, name, roles }.
 */
export async function startIdp({ port = 0, clients = {}, users = DEFAULT_USERS, audience = 'election-receiver', tokenTtl = 3600 } = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = b64url(randomBytes(8));
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
  const codes = new Map();
  let issuer = '';

  const jwt = (claims) => {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }));
    const body = b64url(JSON.stringify({ iss: issuer, iat: now, nbf: now, exp: now + tokenTtl, ...claims }));
    const signature = sign('sha256', Buffer.from(`${header}.${body}`), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${header}.${body}.${b64url(signature)}`;
  };
  /** A token for `user` as this provider would issue it, for tests that act as employees. */
  const mint = (user) => jwt({ sub: user.sub, aud: audience, roles: user.roles || [], name: user.name });

  const send = (res, status, type, body, extra = {}) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
    res.end(body);
  };
  const json = (res, status, value, extra = {}) => send(res, status, 'application/json', JSON.stringify(value), extra);
  const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type, Accept' };
  const errorPage = (res, why) => send(res, 400, 'text/html; charset=utf-8',
    `<!doctype html><html lang="en"><head><title>Sign-in error</title></head><body><main><h1>Sign-in error</h1><p>${escape(why)}</p></main></body></html>`);

  const readForm = (req) => new Promise((resolve) => {
    let body = '';
    req.on('data', (c) => { body += c; if (body.length > 64 * 1024) req.destroy(); });
    req.on('end', () => resolve(new URLSearchParams(body)));
  });

  // What an authorization request must be; the reason it is not, or null.
  const checkRequest = (p) => {
    const client = clients[p.get('client_id')];
    if (!client) return 'unknown client';
    if (!client.includes(p.get('redirect_uri'))) return 'this redirect URI is not registered for the client';
    return null;
  };
  const redirect = (res, p, params) => {
    const to = new URL(p.get('redirect_uri'));
    for (const [k, v] of Object.entries(params)) to.searchParams.set(k, v);
    if (p.get('state') !== null) to.searchParams.set('state', p.get('state'));
    send(res, 303, 'text/plain', '', { Location: to.toString() });
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, issuer);
    if (req.method === 'OPTIONS') return send(res, 204, 'text/plain', '', { ...cors, 'Access-Control-Allow-Methods': 'GET, POST' });
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'], grant_types_supported: ['authorization_code'], code_challenge_methods_supported: ['S256'],
        subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['ES256'], token_endpoint_auth_methods_supported: ['none'],
      }, cors);
    }
    if (url.pathname === '/jwks') return json(res, 200, { keys: [jwk] }, cors);
    if (url.pathname === '/authorize' && req.method === 'GET') {
      const p = url.searchParams;
      const bad = checkRequest(p);
      if (bad) return errorPage(res, bad);
      if (p.get('response_type') !== 'code') return redirect(res, p, { error: 'unsupported_response_type' });
      if (p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) {
        return redirect(res, p, { error: 'invalid_request', error_description: 'PKCE with S256 is required' });
      }
      const hidden = [...p].map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`).join('');
      const buttons = Object.entries(users).map(([key, u]) => `<button name="user" value="${escape(key)}">Sign in as ${escape(u.name)}</button>`).join(' ');
      return send(res, 200, 'text/html; charset=utf-8', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example identity provider</title></head>
<body><main><h1>Example identity provider</h1><p>A demonstration: choose who signs in.</p>
<form method="post" action="/authorize">${hidden}${buttons} <button name="user" value="">Cancel</button></form></main></body></html>`);
    }
    if (url.pathname === '/authorize' && req.method === 'POST') {
      const p = await readForm(req);
      const bad = checkRequest(p);
      if (bad) return errorPage(res, bad);
      const user = users[p.get('user')];
      if (!user) return redirect(res, p, { error: 'access_denied', error_description: 'The sign-in was cancelled' });
      const code = b64url(randomBytes(24));
      codes.set(code, { client: p.get('client_id'), redirect: p.get('redirect_uri'), challenge: p.get('code_challenge'), nonce: p.get('nonce'), user, until: Date.now() + 60_000 });
      return redirect(res, p, { code });
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const p = await readForm(req);
      const grant = codes.get(p.get('code') || '');
      codes.delete(p.get('code') || '');
      const refuse = (description) => json(res, 400, { error: 'invalid_grant', error_description: description }, cors);
      if (p.get('grant_type') !== 'authorization_code') return json(res, 400, { error: 'unsupported_grant_type' }, cors);
      if (!grant || grant.until < Date.now()) return refuse('unknown, used or expired code');
      if (grant.client !== p.get('client_id') || grant.redirect !== p.get('redirect_uri')) return refuse('the code was issued to another client or redirect URI');
      const verifier = p.get('code_verifier') || '';
      if (b64url(createHash('sha256').update(verifier).digest()) !== grant.challenge) return refuse('PKCE verification failed');
      const u = grant.user;
      return json(res, 200, {
        token_type: 'Bearer', expires_in: tokenTtl,
        access_token: mint(u),
        id_token: jwt({ sub: u.sub, aud: grant.client, nonce: grant.nonce, name: u.name }),
      }, cors);
    }
    send(res, 404, 'text/plain', 'not found');
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${server.address().port}`;
  return { url: issuer, mint, users, stop: () => new Promise((resolve) => server.close(resolve)) };
}

// Run alone (make demo): node e2e/idp.mjs 8788 http://127.0.0.1:8080/results.html
if (import.meta.url === `file://${process.argv[1]}`) {
  const [port = '8788', ...redirects] = process.argv.slice(2);
  const idp = await startIdp({ port: Number(port), clients: { 'election-results': redirects } });
  console.log(`listening on ${idp.url}`);
}
