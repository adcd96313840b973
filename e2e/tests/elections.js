// Elections signed and sent the way the widget does (WebCrypto P-256, RFC 8785 bytes, a
// detached JWS), for tests that need a receiver holding many: each employee registers a
// key with their token and sends signed elections. The acknowledgments and the
// disclosure digest are those of the contract vector (docs/vectors/election-v1.json),
// which are the Mpower offer's.
import { readFileSync } from 'node:fs';
import { webcrypto as crypto, randomBytes } from 'node:crypto';

const vector = JSON.parse(readFileSync(new URL('../../docs/vectors/election-v1.json', import.meta.url), 'utf8'));
const template = vector.signed_election.payload;

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
function jcs(value) {
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${jcs(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** An employee with a new key and a bearer token, acting as the widget does. */
export async function employee(receiverUrl, id, name, token) {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
  const pub = { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  const kid = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(jcs(pub))));
  const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const registered = await fetch(`${receiverUrl}/v1/keys`, { method: 'POST', headers: auth, body: JSON.stringify({ jwk: pub }) });
  if (registered.status !== 201) throw new Error(`${id}: key refused: ${await registered.text()}`);
  let sequence = 0;
  return {
    id,
    /** Signs and sends an election deciding `grants` ({ grant id: options, 0 to keep }): the HTTP status. */
    async elect(grants) {
      sequence += 1;
      const payload = {
        ...template,
        employee_id: id,
        signed_name: name,
        key_id: kid,
        sequence,
        nonce: b64url(randomBytes(32)),
        idempotency_key: b64url(randomBytes(24)),
        decisions: Object.entries(grants).sort(([a], [b]) => (a < b ? -1 : 1)).map(([grant_id, options]) => ({
          grant_id, decision: options > 0 ? 'exchange' : 'keep', options,
        })),
      };
      const header = b64url(JSON.stringify({ alg: 'ES256', kid }));
      const input = `${header}.${b64url(new TextEncoder().encode(jcs(payload)))}`;
      const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, new TextEncoder().encode(input));
      const response = await fetch(`${receiverUrl}/v1/elections`, {
        method: 'POST', headers: auth, body: JSON.stringify({ payload, signature: `${header}..${b64url(signature)}` }),
      });
      return response.status;
    },
    /** Reads their record (a first view). */
    async view() {
      return (await fetch(`${receiverUrl}/v1/elections`, { headers: auth })).status;
    },
  };
}
