//! The two ES256 backends (`contract::Backend`): RustCrypto's `p256` and `ring`. The
//! receiver may run either, so they must give the same answer for every input: accept the
//! same signatures, whichever backend (or browser) made them, and refuse the same
//! forgeries with the same error.

#![allow(clippy::unwrap_used)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use election_core::contract::{
    detached_jws, jws_signing_input, verify_detached_by, verify_election_by, Backend, PublicJwk,
    SignatureError, SignedElection, Signer,
};
use proptest::prelude::*;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

fn signer(label: &str, backend: Backend) -> Signer {
    Signer::from_bytes(&Sha256::digest(label.as_bytes()))
        .unwrap()
        .with_backend(backend)
        .unwrap()
}

/// What every backend answers for one signature.
fn answers(jws: &str, payload: &[u8], jwk: &PublicJwk) -> Vec<Result<(), SignatureError>> {
    Backend::ALL
        .iter()
        .map(|&b| verify_detached_by(b, jws, payload, jwk))
        .collect()
}

fn agree(jws: &str, payload: &[u8], jwk: &PublicJwk) -> Result<(), SignatureError> {
    let all = answers(jws, payload, jwk);
    assert!(
        all.windows(2).all(|w| w[0] == w[1]),
        "the backends disagree on {jws}: {all:?}"
    );
    all.into_iter().next().unwrap()
}

/// `jws` with its raw signature replaced by `raw`.
fn with_signature(jws: &str, raw: &[u8]) -> String {
    let header = jws.split('.').next().unwrap();
    detached_jws(header, raw)
}

fn raw_signature(jws: &str) -> Vec<u8> {
    B64.decode(jws.rsplit('.').next().unwrap()).unwrap()
}

/// P-256's group order n, big-endian.
const ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// n − s, for the other of the two signatures ECDSA accepts for one (r, s).
fn negate(s: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = i16::from(ORDER[i]) - i16::from(s[i]) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 256;
        }
        out[i] = d as u8;
    }
    out
}

#[test]
fn this_build_has_both_backends_and_names_them() {
    assert_eq!(Backend::ALL, &[Backend::RustCrypto, Backend::Ring]);
    for &b in Backend::ALL {
        assert_eq!(b.name().parse::<Backend>(), Ok(b));
    }
    let refused = "openssl".parse::<Backend>().unwrap_err();
    assert!(
        refused.contains("\"openssl\"") && refused.contains("rustcrypto, ring"),
        "{refused}"
    );
}

#[test]
fn a_signer_says_which_backend_signs() {
    assert_eq!(
        signer("k", Backend::RustCrypto).backend(),
        Backend::RustCrypto
    );
    assert_eq!(signer("k", Backend::Ring).backend(), Backend::Ring);
    let back = signer("k", Backend::Ring)
        .with_backend(Backend::RustCrypto)
        .unwrap();
    assert_eq!(back.backend(), Backend::RustCrypto);
}

#[test]
fn only_rustcrypto_signs_deterministically() {
    let payload = b"the same bytes";
    let a = signer("k", Backend::RustCrypto);
    assert_eq!(a.sign_detached(payload), a.sign_detached(payload));
    let b = signer("k", Backend::Ring);
    assert_ne!(b.sign_detached(payload), b.sign_detached(payload));
}

#[test]
fn the_committed_vectors_verify_with_every_backend() {
    let read = |file: &str| -> Value {
        let path = format!("{}/../../docs/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let doc = read("election-v1.json");
    let jwk: PublicJwk = serde_json::from_value(doc["employee_key"]["jwk"].clone()).unwrap();
    // The second file is the same election signed by a browser's WebCrypto.
    for file in ["election-v1.json", "election-v1-webcrypto-signature.json"] {
        let signed: SignedElection =
            serde_json::from_value(read(file)["signed_election"].clone()).unwrap();
        let hashes: Vec<_> = Backend::ALL
            .iter()
            .map(|&b| verify_election_by(b, &signed, &jwk).unwrap().hex())
            .collect();
        assert_eq!(hashes[0], hashes[1]);
        assert_eq!(hashes[0], doc["payload_hash"].as_str().unwrap(), "{file}");
    }
}

#[test]
fn out_of_range_scalars_are_malformed_for_both() {
    let s = signer("k", Backend::RustCrypto);
    let jws = s.sign_detached(b"p");
    let raw = raw_signature(&jws);
    let mut cases = vec![[0u8; 64].to_vec()];
    let mut r_is_n = raw.clone();
    r_is_n[..32].copy_from_slice(&ORDER);
    cases.push(r_is_n);
    let mut s_is_n = raw.clone();
    s_is_n[32..].copy_from_slice(&ORDER);
    cases.push(s_is_n);
    let mut s_max = raw.clone();
    s_max[32..].copy_from_slice(&[0xff; 32]);
    cases.push(s_max);
    for bad in cases {
        assert_eq!(
            agree(&with_signature(&jws, &bad), b"p", s.jwk()),
            Err(SignatureError::Malformed("r or s is out of range".into()))
        );
    }
}

#[test]
fn a_point_off_the_curve_is_a_bad_key_for_both() {
    let s = signer("k", Backend::RustCrypto);
    let jws = s.sign_detached(b"p");
    let mut jwk = s.jwk().clone();
    let mut y = B64.decode(&jwk.y).unwrap();
    y[31] ^= 1;
    jwk.y = B64.encode(&y);
    // The header names the original key's thumbprint; re-sign so only the point is wrong.
    let (header, _) = jws_signing_input(&jwk.thumbprint(), b"p");
    let forged = detached_jws(&header, &raw_signature(&jws));
    let answer = agree(&forged, b"p", &jwk);
    assert!(
        matches!(answer, Err(SignatureError::BadKey(_))),
        "{answer:?}"
    );
}

#[test]
fn the_other_s_of_a_signature_gets_the_same_answer_from_both() {
    // ECDSA accepts (r, s) and (r, n − s) alike; neither backend may accept one the other
    // refuses (a receiver switching backends must not change what it accepts).
    for label in ["a", "b", "c", "d"] {
        let s = signer(label, Backend::RustCrypto);
        let jws = s.sign_detached(b"payload");
        let mut raw = raw_signature(&jws);
        let other = negate(&raw[32..]);
        raw[32..].copy_from_slice(&other);
        let flipped = with_signature(&jws, &raw);
        agree(&flipped, b"payload", s.jwk()).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn whichever_backend_signs_both_verify(
        payload in proptest::collection::vec(any::<u8>(), 0..400),
        ring_signs in any::<bool>(),
    ) {
        let backend = if ring_signs { Backend::Ring } else { Backend::RustCrypto };
        let s = signer("prop", backend);
        let jws = s.sign_detached(&payload);
        prop_assert_eq!(agree(&jws, &payload, s.jwk()), Ok(()));
    }

    #[test]
    fn a_changed_byte_or_bit_is_refused_alike(
        payload in proptest::collection::vec(any::<u8>(), 1..200),
        at in any::<prop::sample::Index>(),
        sig_at in 0usize..64,
        bit in 0u8..8,
    ) {
        let s = signer("prop", Backend::Ring);
        let jws = s.sign_detached(&payload);
        let mut changed = payload.clone();
        changed[at.index(payload.len())] ^= 1 << bit;
        prop_assert_eq!(agree(&jws, &changed, s.jwk()), Err(SignatureError::Invalid));
        let mut raw = raw_signature(&jws);
        raw[sig_at] ^= 1 << bit;
        prop_assert!(agree(&with_signature(&jws, &raw), &payload, s.jwk()).is_err());
        let other = signer("someone else", Backend::RustCrypto);
        prop_assert_eq!(agree(&jws, &payload, other.jwk()).is_err(), true);
    }
}
