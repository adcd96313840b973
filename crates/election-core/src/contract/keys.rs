//! Keys: an employee's public signing key as a JWK ([`PublicJwk`], with its RFC 7638
//! thumbprint, the contract's `key_id`), its registration (`POST /v1/keys`), and the
//! receiver's key as `GET /v1/offer` names it ([`ReceiverKey`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
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
            match base64url_len(value) {
                Some(32) => {}
                Some(len) => problems.push(format!("jwk.{name} must be 32 bytes, not {len}")),
                None => problems.push(format!("jwk.{name} is not base64url without padding")),
            }
        }
        problems
    }

    /// Reads a key from a JSON value as its `Deserialize` does: the four members, each a
    /// string; other members ignored. (A deployment's pinned receiver key is read with
    /// the first screen's settings; serde's generated reader stays with the code that
    /// signs.)
    pub fn from_value(value: &Value) -> Result<PublicJwk, String> {
        let Some(map) = value.as_object() else {
            return Err(format!("expected an object, not {value}"));
        };
        let member = |name: &str| match map.get(name) {
            Some(Value::String(text)) => Ok(text.clone()),
            Some(other) => Err(format!("`{name}` must be a string, not {other}")),
            None => Err(format!("missing field `{name}`")),
        };
        Ok(PublicJwk {
            kty: member("kty")?,
            crv: member("crv")?,
            x: member("x")?,
            y: member("y")?,
        })
    }
}

/// How many bytes `text` decodes to as base64url without padding (RFC 4648 §5), or `None`
/// when it is not that: exactly what the `base64` crate's `URL_SAFE_NO_PAD` engine
/// accepts (no `=`, and the bits the last character carries beyond the last byte are
/// zero, so each byte string has one text), without its decoder in the first screen's
/// code.
pub fn base64url_len(text: &str) -> Option<usize> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    };
    let bytes = text.as_bytes();
    let mut last = 0;
    for &c in bytes {
        last = value(c)?;
    }
    // The unused low bits of a last character that ends mid-byte must be zero.
    let unused_bits_clear = match bytes.len() % 4 {
        0 => true,
        2 => last & 0b1111 == 0,
        3 => last & 0b11 == 0,
        _ => false,
    };
    unused_bits_clear.then_some(bytes.len() / 4 * 3 + (bytes.len() % 4).saturating_sub(1))
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
