//! Detached JWS (RFC 7515 appendix F), ES256 only: the signing input a signer signs
//! ([`jws_signing_input`]), the JWS made from its signature ([`detached_jws`]), and the
//! JWS taken apart for a verifier that brings its own ECDSA ([`open_jws`],
//! [`detached_signing_input`]); [`SignatureError`] says why a signature does not hold.
//! What is signed is always a value's canonical bytes ([`canonical_bytes`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::disclosure::canonical;

/// The only JWS algorithm: ECDSA P-256 with SHA-256.
pub const JWS_ALG: &str = "ES256";

/// The JCS canonical bytes of a contract value: what is hashed and signed.
pub fn canonical_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    canonical(value)
}

/// The protected header of every JWS in the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct JwsHeader {
    alg: String,
    kid: String,
}

/// The encoded header and the signing input of a detached JWS over `payload`:
/// `BASE64URL(header) "." BASE64URL(payload)`. A browser signs the input with WebCrypto
/// and appends `".." + BASE64URL(signature)` to the header with [`detached_jws`].
pub fn jws_signing_input(key_id: &str, payload: &[u8]) -> (String, String) {
    let header = B64.encode(canonical(&JwsHeader {
        alg: JWS_ALG.to_owned(),
        kid: key_id.to_owned(),
    }));
    let input = format!("{header}.{}", B64.encode(payload));
    (header, input)
}

/// A detached JWS from its encoded header and the raw 64-byte `r||s` signature.
pub fn detached_jws(encoded_header: &str, signature: &[u8]) -> String {
    format!("{encoded_header}..{}", B64.encode(signature))
}

/// Why a signature does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// Not `header..signature`, or not base64url, or not JSON.
    Malformed(String),
    /// The header names another algorithm than ES256.
    Algorithm(String),
    /// The header's `kid` is not the key it is checked against.
    KeyId { header: String, expected: String },
    /// The key is not a P-256 public key.
    BadKey(String),
    /// The signature is well formed but does not verify: the signed bytes differ.
    Invalid,
}

impl std::fmt::Display for SignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignatureError::Malformed(why) => write!(f, "the signature is malformed: {why}"),
            SignatureError::Algorithm(alg) => {
                write!(f, "the signature uses {alg:?}; only ES256 is accepted")
            }
            SignatureError::KeyId { header, expected } => write!(
                f,
                "the signature names key {header:?}, but the election names key {expected:?}"
            ),
            SignatureError::BadKey(why) => write!(f, "the public key is unusable: {why}"),
            SignatureError::Invalid => write!(
                f,
                "the signature does not match the signed content (it was altered or signed with another key)"
            ),
        }
    }
}

impl std::error::Error for SignatureError {}

/// A detached JWS taken apart: its encoded header (checked to be ES256 naming `kid`) and
/// the raw `r||s` signature, for a verifier that brings its own ECDSA (the browser's
/// WebCrypto verifies `header "." BASE64URL(payload)` against them).
pub fn open_jws(jws: &str, kid: &str) -> Result<(String, Vec<u8>), SignatureError> {
    let mut parts = jws.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SignatureError::Malformed(
            "a detached JWS has three parts, header..signature".into(),
        ));
    };
    if !payload.is_empty() {
        return Err(SignatureError::Malformed(
            "the payload part must be empty (the JWS is detached)".into(),
        ));
    }
    let header_bytes = B64
        .decode(header)
        .map_err(|_| SignatureError::Malformed("the header is not base64url".into()))?;
    let parsed: JwsHeader = serde_json::from_slice(&header_bytes).map_err(|e| {
        SignatureError::Malformed(format!("the header is not {{\"alg\",\"kid\"}} JSON: {e}"))
    })?;
    if parsed.alg != JWS_ALG {
        return Err(SignatureError::Algorithm(parsed.alg));
    }
    if parsed.kid != kid {
        return Err(SignatureError::KeyId {
            header: parsed.kid,
            expected: kid.to_owned(),
        });
    }
    let signature = B64
        .decode(signature)
        .map_err(|_| SignatureError::Malformed("the signature is not base64url".into()))?;
    if signature.len() != 64 {
        return Err(SignatureError::Malformed(format!(
            "an ES256 signature is 64 bytes (r||s), not {}",
            signature.len()
        )));
    }
    Ok((header.to_owned(), signature))
}

/// What a detached JWS over `payload` signs, and its raw `r||s` signature, for a
/// verifier that brings its own ECDSA (the widget verifies receipts with WebCrypto). The
/// header is checked as by [`open_jws`] and used exactly as sent.
pub fn detached_signing_input(
    jws: &str,
    kid: &str,
    payload: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), SignatureError> {
    let (header, signature) = open_jws(jws, kid)?;
    Ok((
        format!("{header}.{}", B64.encode(payload)).into_bytes(),
        signature,
    ))
}
