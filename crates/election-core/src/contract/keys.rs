//! Keys: an employee's public signing key as a JWK ([`PublicJwk`], with its RFC 7638
//! thumbprint, the contract's `key_id`), its registration (`POST /v1/keys`), and the
//! receiver's key as `GET /v1/offer` names it ([`ReceiverKey`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::disclosure::canonical;

/// A public P-256 key as a JWK (RFC 7517), as WebCrypto exports it. Only the members that
/// define the key are kept; `ext`, `key_ops` and the like are ignored on input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublicJwk {
    /// `"EC"`.
    pub kty: String,
    /// `"P-256"`.
    pub crv: String,
    /// The x coordinate, 32 bytes, base64url.
    pub x: String,
    /// The y coordinate, 32 bytes, base64url.
    pub y: String,
}

impl PublicJwk {
    /// The RFC 7638 thumbprint: SHA-256 of the canonical required members, base64url.
    /// This is a key's `key_id` (and JWS `kid`) everywhere in the contract.
    pub fn thumbprint(&self) -> String {
        // RFC 7638 orders the members lexicographically with no whitespace, which is
        // exactly what JCS produces for these four strings.
        B64.encode(Sha256::digest(canonical(self)))
    }

    /// Problems with this key's form; empty when it is a P-256 point encoding. (Whether
    /// the point is on the curve is checked where it is used, with the `crypto` feature.)
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.kty != "EC" {
            problems.push(format!("jwk.kty must be \"EC\", not {:?}", self.kty));
        }
        if self.crv != "P-256" {
            problems.push(format!("jwk.crv must be \"P-256\", not {:?}", self.crv));
        }
        for (name, value) in [("x", &self.x), ("y", &self.y)] {
            match B64.decode(value) {
                Ok(bytes) if bytes.len() == 32 => {}
                Ok(bytes) => {
                    problems.push(format!("jwk.{name} must be 32 bytes, not {}", bytes.len()))
                }
                Err(_) => problems.push(format!("jwk.{name} is not base64url without padding")),
            }
        }
        problems
    }
}

/// The body of `POST /v1/keys`: the employee's public signing key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct KeyRegistration {
    pub jwk: PublicJwk,
}

/// The answer to a key registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisteredKey {
    pub employee_id: String,
    pub key_id: String,
    pub registered_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReceiverKey {
    pub key_id: String,
    pub jwk: PublicJwk,
}
