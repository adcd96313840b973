//! Signing and verifying ES256 natively (feature `crypto`): RustCrypto's `p256`, and with
//! feature `ring` also `ring`'s, which is several times faster (the receiver's choice,
//! `crypto` in its settings). Both give the same answer for every input, errors included
//! (`tests/backends.rs`). The browser has WebCrypto instead.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use sha2::{Digest as _, Sha256};

use super::checkpoint::{Checkpoint, SignedCheckpoint};
use super::jws::{detached_jws, jws_signing_input, open_jws, SignatureError};
use super::keys::PublicJwk;
use super::payload::{ElectionPayload, SignedElection};
use super::receipt::{Receipt, SignedReceipt};
use crate::disclosure::{canonical, Digest};

/// The key a JWK describes, checked to be a point on P-256.
pub fn verifying_key(jwk: &PublicJwk) -> Result<VerifyingKey, SignatureError> {
    VerifyingKey::from_sec1_bytes(&sec1_point(jwk)?)
        .map_err(|_| SignatureError::BadKey("the point is not on the P-256 curve".into()))
}

/// The uncompressed SEC1 point (`04 || x || y`) a JWK names, its form checked.
fn sec1_point(jwk: &PublicJwk) -> Result<Vec<u8>, SignatureError> {
    let problems = jwk.problems();
    if !problems.is_empty() {
        return Err(SignatureError::BadKey(problems.join("; ")));
    }
    let mut sec1 = Vec::with_capacity(65);
    sec1.push(0x04);
    for part in [&jwk.x, &jwk.y] {
        sec1.extend(
            B64.decode(part)
                .map_err(|e| SignatureError::BadKey(e.to_string()))?,
        );
    }
    Ok(sec1)
}

/// The JWK of a verifying key.
pub fn public_jwk(key: &VerifyingKey) -> PublicJwk {
    let point = key.to_sec1_point(false);
    let bytes = point.as_bytes();
    PublicJwk {
        kty: "EC".into(),
        crv: "P-256".into(),
        x: B64.encode(&bytes[1..33]),
        y: B64.encode(&bytes[33..65]),
    }
}

/// Which implementation of ECDSA P-256 signs and verifies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Backend {
    /// RustCrypto's `p256`: pure Rust; its signatures are deterministic (RFC 6979), which
    /// the contract's test vectors rely on.
    #[default]
    RustCrypto,
    /// `ring` (BoringSSL's P-256 code): several times faster; its signatures are
    /// randomised, as WebCrypto's are.
    #[cfg(feature = "ring")]
    Ring,
}

impl Backend {
    /// Every backend this build has, by name.
    pub const ALL: &[Backend] = &[
        Backend::RustCrypto,
        #[cfg(feature = "ring")]
        Backend::Ring,
    ];

    /// Its name in settings and reports: `rustcrypto` or `ring`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::RustCrypto => "rustcrypto",
            #[cfg(feature = "ring")]
            Backend::Ring => "ring",
        }
    }
}

impl std::str::FromStr for Backend {
    type Err = String;

    fn from_str(name: &str) -> Result<Backend, String> {
        Backend::ALL
            .iter()
            .copied()
            .find(|b| b.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Backend::ALL.iter().map(|b| b.name()).collect();
                format!(
                    "{name:?} is not a crypto backend; use one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Verifies a detached JWS over `payload` made by the key `jwk`, whose thumbprint the
/// header must name.
pub fn verify_detached(jws: &str, payload: &[u8], jwk: &PublicJwk) -> Result<(), SignatureError> {
    verify_detached_by(Backend::RustCrypto, jws, payload, jwk)
}

/// [`verify_detached`] with the given backend.
pub fn verify_detached_by(
    backend: Backend,
    jws: &str,
    payload: &[u8],
    jwk: &PublicJwk,
) -> Result<(), SignatureError> {
    match backend {
        Backend::RustCrypto => {
            let key = verifying_key(jwk)?;
            let (header, raw) = open_jws(jws, &jwk.thumbprint())?;
            let signature = Signature::from_slice(&raw)
                .map_err(|_| SignatureError::Malformed("r or s is out of range".into()))?;
            let input = format!("{header}.{}", B64.encode(payload));
            key.verify(input.as_bytes(), &signature)
                .map_err(|_| SignatureError::Invalid)
        }
        #[cfg(feature = "ring")]
        Backend::Ring => {
            let sec1 = sec1_point(jwk)?;
            let (header, raw) = open_jws(jws, &jwk.thumbprint())?;
            let input = format!("{header}.{}", B64.encode(payload));
            let key = ring::signature::UnparsedPublicKey::new(
                &ring::signature::ECDSA_P256_SHA256_FIXED,
                &sec1,
            );
            if key.verify(input.as_bytes(), &raw).is_ok() {
                return Ok(());
            }
            // ring says only that it failed; name why as the other backend would (only
            // on this path, so a valid signature pays for no second parse).
            verifying_key(jwk)?;
            Signature::from_slice(&raw)
                .map_err(|_| SignatureError::Malformed("r or s is out of range".into()))?;
            Err(SignatureError::Invalid)
        }
    }
}

/// Verifies an employee's signed election against their registered key: the payload
/// must name that key and the signature must be over its canonical bytes.
///
/// Returns the payload's hash ([`payload_hash`](super::payload_hash)), from the same canonical bytes.
pub fn verify_election(signed: &SignedElection, jwk: &PublicJwk) -> Result<Digest, SignatureError> {
    verify_election_by(Backend::RustCrypto, signed, jwk)
}

/// [`verify_election`] with the given backend.
pub fn verify_election_by(
    backend: Backend,
    signed: &SignedElection,
    jwk: &PublicJwk,
) -> Result<Digest, SignatureError> {
    let kid = jwk.thumbprint();
    if signed.payload.key_id != kid {
        return Err(SignatureError::KeyId {
            header: signed.payload.key_id.clone(),
            expected: kid,
        });
    }
    let bytes = canonical(&signed.payload);
    verify_detached_by(backend, &signed.signature, &bytes, jwk)?;
    Ok(Digest(Sha256::digest(&bytes).into()))
}

/// Verifies a receipt's signature against the receiver's key, offline.
pub fn verify_receipt(signed: &SignedReceipt, receiver: &PublicJwk) -> Result<(), SignatureError> {
    if signed.receipt.key_id != receiver.thumbprint() {
        return Err(SignatureError::KeyId {
            header: signed.receipt.key_id.clone(),
            expected: receiver.thumbprint(),
        });
    }
    verify_detached(&signed.signature, &canonical(&signed.receipt), receiver)
}

/// Verifies a checkpoint's signature against the receiver's key, offline.
pub fn verify_checkpoint(
    signed: &SignedCheckpoint,
    receiver: &PublicJwk,
) -> Result<(), SignatureError> {
    if signed.checkpoint.key_id != receiver.thumbprint() {
        return Err(SignatureError::KeyId {
            header: signed.checkpoint.key_id.clone(),
            expected: receiver.thumbprint(),
        });
    }
    verify_detached(&signed.signature, &canonical(&signed.checkpoint), receiver)
}

/// A P-256 private key that signs detached JWSs: the receiver's receipt key, or a
/// test client's. With [`Backend::RustCrypto`] (the default) signatures are deterministic
/// (RFC 6979), so test vectors reproduce; [`Signer::with_backend`] chooses another.
pub struct Signer {
    key: SigningKey,
    jwk: PublicJwk,
    kid: String,
    #[cfg(feature = "ring")]
    ring: Option<ring::signature::EcdsaKeyPair>,
}

impl Signer {
    /// From the 32-byte private scalar.
    pub fn from_bytes(secret: &[u8]) -> Result<Signer, SignatureError> {
        let key = SigningKey::from_slice(secret).map_err(|_| {
            SignatureError::BadKey("a P-256 private key is 32 bytes below the group order".into())
        })?;
        let jwk = public_jwk(key.verifying_key());
        let kid = jwk.thumbprint();
        Ok(Signer {
            key,
            jwk,
            kid,
            #[cfg(feature = "ring")]
            ring: None,
        })
    }

    /// This key, signing with `backend` from now on.
    pub fn with_backend(self, backend: Backend) -> Result<Signer, SignatureError> {
        match backend {
            Backend::RustCrypto => Ok(Signer {
                #[cfg(feature = "ring")]
                ring: None,
                ..self
            }),
            #[cfg(feature = "ring")]
            Backend::Ring => {
                let point = self.key.verifying_key().to_sec1_point(false);
                let pair = ring::signature::EcdsaKeyPair::from_private_key_and_public_key(
                    &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                    &self.secret_bytes(),
                    point.as_bytes(),
                    &ring::rand::SystemRandom::new(),
                )
                .map_err(|e| SignatureError::BadKey(format!("ring refused the key: {e}")))?;
                Ok(Signer {
                    ring: Some(pair),
                    ..self
                })
            }
        }
    }

    /// The backend that signs.
    pub fn backend(&self) -> Backend {
        #[cfg(feature = "ring")]
        if self.ring.is_some() {
            return Backend::Ring;
        }
        Backend::RustCrypto
    }

    pub fn jwk(&self) -> &PublicJwk {
        &self.jwk
    }

    pub fn key_id(&self) -> &str {
        &self.kid
    }

    /// The private scalar, for storing the key.
    pub fn secret_bytes(&self) -> [u8; 32] {
        self.key.to_bytes().into()
    }

    /// A detached JWS over `payload`.
    pub fn sign_detached(&self, payload: &[u8]) -> String {
        let (header, input) = jws_signing_input(&self.kid, payload);
        #[cfg(feature = "ring")]
        if let Some(pair) = &self.ring {
            // ring fails only when the system has no randomness; RustCrypto needs none.
            if let Ok(signature) = pair.sign(&ring::rand::SystemRandom::new(), input.as_bytes()) {
                return detached_jws(&header, signature.as_ref());
            }
        }
        let signature: Signature = self.key.sign(input.as_bytes());
        detached_jws(&header, &signature.to_bytes())
    }

    /// A signed election (the payload's `key_id` should be this key's).
    pub fn sign_election(&self, payload: ElectionPayload) -> SignedElection {
        let signature = self.sign_detached(&canonical(&payload));
        SignedElection { payload, signature }
    }

    /// A signed receipt.
    pub fn sign_receipt(&self, receipt: Receipt) -> SignedReceipt {
        let signature = self.sign_detached(&canonical(&receipt));
        SignedReceipt { receipt, signature }
    }

    /// A signed checkpoint.
    pub fn sign_checkpoint(&self, checkpoint: Checkpoint) -> SignedCheckpoint {
        let signature = self.sign_detached(&canonical(&checkpoint));
        SignedCheckpoint {
            checkpoint,
            signature,
        }
    }
}
