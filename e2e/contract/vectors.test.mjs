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

// ---- Every digest a client computes, from docs/PROTOCOL.md alone -------------------

const digests = JSON.parse(
  readFileSync(new URL('../../docs/vectors/digests-v1.json', import.meta.url), 'utf8'),
);
const checkpoints = JSON.parse(
  readFileSync(new URL('../../docs/vectors/checkpoint-v1.json', import.meta.url), 'utf8'),
);
const offerFile = JSON.parse(
  readFileSync(new URL(`../../${digests.offer_file}`, import.meta.url), 'utf8'),
);

// The legal text of an amendment and of a document, as PROTOCOL.md section 2 lists the
// members: every member present, an absent optional one as null; notes are left out.
const amendmentText = (a) => ({
  number: a.number,
  section: { number: a.section.number, title: a.section.title },
  page: a.page ?? null,
  change: a.change,
  location: a.location,
  text: a.text,
  prior_text: a.prior_text ?? null,
});
// A price in its shortest form: `30.00` and `30` are one price.
const price = (s) => {
  const [whole, frac = ''] = s.split('.');
  const w = whole.replace(/^0+(?=\d)/, '');
  const f = frac.replace(/0+$/, '');
  return f ? `${w}.${f}` : w;
};
// The terms that set the consideration (PROTOCOL.md section 2): summaries left out.
const considerationText = (offer) => {
  const t = offer.terms;
  const r = t.exchange_ratio;
  const text = {
    award: t.new_award?.kind ?? 'options',
    tiers: (r.tiers ?? []).map((x) => ({ from_exercise_price: price(x.from_exercise_price), old: x.old, new: x.new })),
    rounding: r.rounding,
    whole_grant: t.tender_rules.whole_grant,
    partial: t.tender_rules.whole_grant ? null : (t.tender_rules.partial ?? { minimum: 1, increment: 1 }),
    all_grants_at_same_price: t.tender_rules.all_grants_at_same_price,
  };
  if (t.tender_rules.portions) text.portions = true;
  if (t.cash_instead) {
    const c = t.cash_instead;
    text.cash_instead = { below: c.below, per_award: price(c.per_award), countries: c.countries ?? [] };
  }
  if (r.by_grant) {
    text.by_grant = {
      basis: r.by_grant.basis,
      keyed_by: r.by_grant.keyed_by,
      ratios: r.by_grant.ratios.map((e) => {
        const out = { old: e.old, new: e.new };
        for (const key of ['grant_id', 'plan', 'grant_date']) if (e[key] !== undefined) out[key] = e[key];
        if (e.exercise_price !== undefined) out.exercise_price = price(e.exercise_price);
        return out;
      }),
    };
  }
  return text;
};
// The latest notice that changes the consideration binds the terms in its digest.
const binds = (offer, d) => {
  const last = offer.documents.filter((x) => x.kind === 'notice_of_amendment' && x.changes_consideration).at(-1);
  return Boolean(d.changes_consideration && last && last.id === d.id);
};
const documentText = (d, offer) => {
  const text = {
    id: d.id,
    kind: d.kind,
    title: d.title,
    date: d.date,
    exhibit: d.exhibit ?? null,
    amends: d.amends ?? null,
    preamble: d.preamble ?? null,
    amendments: (d.amendments ?? []).map(amendmentText),
  };
  if (binds(offer, d)) text.consideration = considerationText(offer);
  return text;
};

test('per-document and per-amendment digests and the acknowledgments, from the offer file', async () => {
  assert.equal(offerFile.documents.length, digests.documents.length);
  const acknowledgments = [];
  for (const [i, doc] of offerFile.documents.entries()) {
    const expected = digests.documents[i];
    assert.equal(doc.id, expected.document_id);
    const canonical = jcs(documentText(doc, offerFile));
    assert.equal(canonical, expected.canonical, doc.id);
    const digest = await sha256hex(canonical);
    assert.equal(digest, expected.digest, doc.id);
    const amendments = {};
    for (const [j, a] of (doc.amendments ?? []).entries()) {
      const text = jcs(amendmentText(a));
      assert.equal(text, expected.amendments[j].canonical);
      amendments[String(a.number)] = await sha256hex(text);
      assert.equal(amendments[String(a.number)], expected.amendments[j].digest);
    }
    const ack = { document_id: doc.id, digest, amendments };
    assert.deepEqual(ack, expected.acknowledgment);
    acknowledgments.push(ack);
  }
  // The election carries them sorted by document id (and its canonical bytes sort the
  // amendment numbers as strings, as JCS sorts every object's keys).
  acknowledgments.sort((a, b) => (a.document_id < b.document_id ? -1 : 1));
  assert.deepEqual(acknowledgments, vector.signed_election.payload.acknowledgments);
});

// The disclosure digest (disclosure/v2) of an offer file: the legal texts' digest and the
// terms that set the consideration.
const disclosure = async (offer, expected) => {
  const legal = jcs({
    offer_id: offer.id,
    deadline: offer.expiration.legal_wording,
    documents: offer.documents.map((d) => documentText(d, offer)),
  });
  assert.equal(legal, expected.legal_texts.canonical);
  const legalDigest = await sha256hex(legal);
  assert.equal(legalDigest, expected.legal_texts.digest);
  const text = jcs({ digest: 'disclosure/v2', legal_texts: legalDigest, consideration: considerationText(offer) });
  assert.equal(text, expected.canonical);
  const digest = await sha256hex(text);
  assert.equal(digest, expected.disclosure_digest);
  return digest;
};

test('the disclosure digest of the whole offer, from the offer file', async () => {
  const digest = await disclosure(offerFile, digests.offer);
  assert.equal(digest, vector.signed_election.payload.disclosure_digest);
  // Mpower's legal texts' digest is the first version's disclosure digest, unchanged.
  assert.equal(digests.offer.legal_texts.digest, '32c6ed7c3c93c1899df029617c8984cf234c8aa87a36f717603dba38649834f2');
});

test('the disclosure digest of the second example offer: ratios by grant, parts, units', async () => {
  const file = JSON.parse(readFileSync(new URL(`../../${digests.example_offer.offer_file}`, import.meta.url), 'utf8'));
  assert.ok(file.terms.exchange_ratio.by_grant && file.terms.tender_rules.partial);
  await disclosure(file, digests.example_offer.disclosure);
});

test('the JWK thumbprint input and value', async () => {
  const { jwk, canonical, key_id } = digests.thumbprint;
  assert.equal(jcs({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }), canonical);
  assert.equal(await thumbprint(jwk), key_id);
  assert.equal(key_id, vector.employee_key.key_id);
});

test("the receiver's checkpoints verify with WebCrypto and name the receipt chain's head", async () => {
  assert.deepEqual(checkpoints.receiver_key.jwk, vector.receiver_key.jwk);
  assert.equal(checkpoints.receipt_hash, vector.receipt_hash);
  const [empty, one] = checkpoints.checkpoints;
  for (const c of [empty, one]) {
    const { checkpoint, signature } = c.signed_checkpoint;
    assert.equal(checkpoint.contract, 'checkpoint/v1');
    assert.equal(jcs(checkpoint), c.canonical_checkpoint);
    assert.equal(await sha256hex(c.canonical_checkpoint), c.checkpoint_hash);
    const [header] = signature.split('.');
    assert.equal(c.jws_signing_input, `${header}.${b64url(new TextEncoder().encode(c.canonical_checkpoint))}`);
    assert.ok(await verifyDetached(signature, c.canonical_checkpoint, vector.receiver_key.jwk));
    const shortened = c.canonical_checkpoint.replace(/"count":\d+/, '"count":7');
    assert.equal(await verifyDetached(signature, shortened, vector.receiver_key.jwk), false);
  }
  assert.equal(empty.signed_checkpoint.checkpoint.count, 0);
  assert.equal(empty.signed_checkpoint.checkpoint.head, '0'.repeat(64));
  assert.equal(one.signed_checkpoint.checkpoint.count, vector.signed_receipt.receipt.chain_index);
  assert.equal(one.signed_checkpoint.checkpoint.head, vector.receipt_hash);
});
