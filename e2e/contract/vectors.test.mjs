// The contract vectors checked the way a browser will: Node's WebCrypto (the same
// `crypto.subtle` API as the widget's) and a small RFC 8785 canonicaliser for the
// strings and integers the contract uses. Independent of the Rust code that wrote them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { webcrypto as crypto } from 'node:crypto';

const vector = JSON.parse(
  readFileSync(new URL('../../docs/vectors/election-v1.json', import.meta.url), 'utf8'),
);

// RFC 8785 for the contract's values: objects with keys in UTF-16 code-unit order,
// strings as JSON.stringify writes them, integers in plain form.
function jcs(value) {
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${jcs(value[k])}`).join(',')}}`;
  }
  if (typeof value === 'number') assert.ok(Number.isSafeInteger(value), `not an integer: ${value}`);
  return JSON.stringify(value);
}

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
const fromB64url = (text) => new Uint8Array(Buffer.from(text, 'base64url'));
const sha256hex = async (text) =>
  Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))).toString('hex');

async function verifyDetached(jws, payloadText, jwk) {
  const [header, empty, signature] = jws.split('.');
  assert.equal(empty, '', 'detached JWS has an empty payload part');
  const parsed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  assert.equal(parsed.alg, 'ES256');
  assert.equal(parsed.kid, await thumbprint(jwk));
  const key = await crypto.subtle.importKey('jwk', { ...jwk, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const input = `${header}.${b64url(new TextEncoder().encode(payloadText))}`;
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, fromB64url(signature), new TextEncoder().encode(input));
}

async function thumbprint(jwk) {
  const members = jcs({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(members)));
}

test('canonical bytes of the election payload are RFC 8785', async () => {
  assert.equal(jcs(vector.signed_election.payload), vector.canonical_payload);
  assert.equal(await sha256hex(vector.canonical_payload), vector.payload_hash);
});

test("the employee's signature verifies with WebCrypto", async () => {
  const jwk = vector.employee_key.jwk;
  assert.equal(await thumbprint(jwk), vector.employee_key.key_id);
  assert.equal(vector.signed_election.payload.key_id, vector.employee_key.key_id);
  assert.ok(await verifyDetached(vector.signed_election.signature, vector.canonical_payload, jwk));
  const tampered = vector.canonical_payload.replace('"options":12000', '"options":12001');
  assert.equal(await verifyDetached(vector.signed_election.signature, tampered, jwk), false);
});

test("the receiver's receipt verifies with WebCrypto and names the payload", async () => {
  const { receipt, signature } = vector.signed_receipt;
  assert.equal(jcs(receipt), vector.canonical_receipt);
  assert.equal(await sha256hex(vector.canonical_receipt), vector.receipt_hash);
  assert.equal(receipt.payload_hash, vector.payload_hash);
  assert.ok(await verifyDetached(signature, vector.canonical_receipt, vector.receiver_key.jwk));
});

test('a signature made by WebCrypto is the form the contract carries', async () => {
  // WebCrypto signs with a random k; the Rust side must verify its raw r||s signatures.
  // This one is made here from the vector's private key, and checked back with the public one.
  const { jwk, private_scalar_hex } = vector.employee_key;
  const d = b64url(Buffer.from(private_scalar_hex, 'hex'));
  const key = await crypto.subtle.importKey('jwk', { ...jwk, d, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const [header] = vector.signed_election.signature.split('.');
  const input = `${header}.${b64url(new TextEncoder().encode(vector.canonical_payload))}`;
  const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(input)));
  assert.equal(raw.length, 64, 'WebCrypto gives raw r||s, 64 bytes');
  assert.ok(await verifyDetached(`${header}..${b64url(raw)}`, vector.canonical_payload, jwk));
});
