//! HR's sign-on in the browser (`signon.js`): random values and PKCE's challenge
//! (WebCrypto), the tab's session storage, the redirect to the identity provider and the
//! token request. What to ask and what to accept is the client's (`election_client::hr`).

use wasm_bindgen::prelude::*;

use super::js_field;
use election_client::fetch::NetError;

#[wasm_bindgen(module = "/src/platform/signon.js")]
extern "C" {
    #[wasm_bindgen(js_name = ewRandom)]
    fn js_random(bytes: u32) -> String;
    #[wasm_bindgen(catch, js_name = ewChallenge)]
    async fn js_challenge(verifier: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = ewSessionGet)]
    fn js_session_get(key: &str) -> Option<String>;
    #[wasm_bindgen(js_name = ewSessionSet)]
    fn js_session_set(key: &str, value: &str) -> bool;
    #[wasm_bindgen(js_name = ewSessionRemove)]
    fn js_session_remove(key: &str);
    #[wasm_bindgen(js_name = ewGo)]
    fn js_go(url: &str);
    #[wasm_bindgen(js_name = ewCleanUrl)]
    fn js_clean_url();
    #[wasm_bindgen(js_name = ewSearch)]
    fn js_search() -> String;
    #[wasm_bindgen(catch, js_name = ewPostForm)]
    async fn js_post_form(url: &str, body: &str, timeout_ms: u32) -> Result<JsValue, JsValue>;
}

/// `bytes` random bytes (the browser's CSPRNG), base64url.
pub fn random(bytes: u32) -> String {
    js_random(bytes)
}

/// PKCE's S256 challenge of `verifier`, or why WebCrypto could not make it.
pub async fn challenge(verifier: &str) -> Result<String, String> {
    js_challenge(verifier)
        .await
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| {
            "This browser could not compute the sign-in's challenge (WebCrypto).".to_owned()
        })
}

pub fn session_get(key: &str) -> Option<String> {
    js_session_get(key)
}

pub fn session_set(key: &str, value: &str) -> bool {
    js_session_set(key, value)
}

pub fn session_remove(key: &str) {
    js_session_remove(key)
}

/// Sends the tab to `url` (the identity provider).
pub fn go(url: &str) {
    js_go(url)
}

/// Removes the provider's answer from the address bar and the history.
pub fn clean_url() {
    js_clean_url()
}

/// The page URL's query (`?…`).
pub fn search() -> String {
    js_search()
}

/// POSTs a form to `url`: the status and body.
pub async fn post_form(url: &str, body: &str, timeout_ms: u32) -> Result<(u16, String), NetError> {
    let answer = js_post_form(url, body, timeout_ms).await.map_err(|e| {
        match js_field(&e, "kind").as_string().as_deref() {
            Some("timeout") => NetError::timeout(timeout_ms),
            _ => NetError::Unreachable,
        }
    })?;
    Ok((
        js_field(&answer, "status").as_f64().unwrap_or(0.0) as u16,
        js_field(&answer, "body").as_string().unwrap_or_default(),
    ))
}
