//! WebCrypto: the employee's ECDSA P-256 signing key (which WebCrypto will not export;
//! it is made and kept in IndexedDB by `store.js`), signing, verifying, random values.

use wasm_bindgen::prelude::*;

use election_client::device::DeviceError;
use election_core::contract::PublicJwk;

use super::{js_field, js_message};

#[wasm_bindgen(module = "/src/platform/store.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = ewKey)]
    async fn js_key(id: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = ewMarkRegistered)]
    async fn js_mark_registered(id: &str, endpoint: &str) -> Result<JsValue, JsValue>;
}

#[wasm_bindgen(module = "/src/platform/crypto.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = ewSign)]
    async fn js_sign(key: &JsValue, bytes: &[u8]) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = ewVerify)]
    async fn js_verify(jwk: &JsValue, signature: &[u8], bytes: &[u8]) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = ewRandom)]
    fn js_random(n: u32) -> String;
}

/// The employee's signing key: its private half never leaves the browser (WebCrypto
/// will not export it).
#[derive(Clone)]
pub struct SigningKey {
    private: JsValue,
    pub jwk: PublicJwk,
    pub key_id: String,
    /// The backends this key is registered with.
    pub registered: Vec<String>,
    /// Why the key lasts only as long as this page, when it does.
    pub session_only: Option<String>,
    /// The IndexedDB id the key is kept under.
    pub id: String,
}

impl SigningKey {
    /// The key kept for `id` (one per offer and employee), made on first use. Where the
    /// browser cannot keep it, a key for this page's life, with the reason.
    pub async fn for_id(id: &str) -> Result<SigningKey, DeviceError> {
        let found = js_key(id)
            .await
            .map_err(|e| DeviceError::NoKey(js_message(&e)))?;
        let jwk: PublicJwk = serde_json::from_slice(
            js_sys::JSON::stringify(&js_field(&found, "jwk"))
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default()
                .as_bytes(),
        )
        .map_err(|e| DeviceError::KeyUnreadable(e.to_string()))?;
        let registered = js_sys::Array::from(&js_field(&found, "registered"))
            .iter()
            .filter_map(|v| v.as_string())
            .collect();
        let session_only = match js_field(&found, "persistent").as_bool() {
            Some(true) => None,
            _ => Some(
                js_field(&found, "reason")
                    .as_string()
                    .unwrap_or_else(|| "this browser cannot keep a signing key".to_owned()),
            ),
        };
        Ok(SigningKey {
            private: js_field(&found, "privateKey"),
            key_id: jwk.thumbprint(),
            jwk,
            registered,
            session_only,
            id: id.to_owned(),
        })
    }

    /// ECDSA P-256 / SHA-256 over `bytes`: the raw 64-byte `r||s`.
    pub async fn sign(&self, bytes: &[u8]) -> Result<Vec<u8>, DeviceError> {
        let signature = js_sign(&self.private, bytes)
            .await
            .map_err(|e| DeviceError::SignFailed(js_message(&e)))?;
        Ok(js_sys::Uint8Array::new(&signature).to_vec())
    }

    /// Records that `endpoint` has this key.
    pub async fn mark_registered(&mut self, endpoint: &str) {
        self.registered.push(endpoint.to_owned());
        if self.session_only.is_none() {
            let _ = js_mark_registered(&self.id, endpoint).await;
        }
    }
}

/// Whether `signature` (raw `r||s`) over `bytes` verifies with the public key `jwk`.
pub async fn verify(jwk: &PublicJwk, signature: &[u8], bytes: &[u8]) -> Result<bool, DeviceError> {
    let unusable = |why: String| DeviceError::ReceiverKeyUnusable(why);
    let jwk = serde_json::to_string(jwk).map_err(|e| unusable(e.to_string()))?;
    let jwk = js_sys::JSON::parse(&jwk).map_err(|e| unusable(js_message(&e)))?;
    js_verify(&jwk, signature, bytes)
        .await
        .map(|ok| ok.as_bool() == Some(true))
        .map_err(|e| unusable(js_message(&e)))
}

/// `n` random bytes from the browser's CSPRNG, base64url without padding.
pub fn random_b64(n: u32) -> String {
    js_random(n)
}
