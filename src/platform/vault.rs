//! The browser's own facilities for signing and keeping elections, behind a few async
//! functions: WebCrypto (an ECDSA P-256 key that cannot be exported, signing and
//! verifying), IndexedDB (the key and the outbox), Web Locks (one tab sends at a time),
//! a BroadcastChannel (other tabs hear of changes), `fetch` for the contract's requests,
//! `postMessage` to the host, and file downloads. The glue is a little JavaScript
//! (promises and IndexedDB's events are far smaller there than through `web-sys`); the
//! rules are in `delivery` and the sequence of steps in `courier`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use election_core::contract::PublicJwk;

#[wasm_bindgen(module = "/src/platform/vault.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = ewKey)]
    async fn js_key(id: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = ewMarkRegistered)]
    async fn js_mark_registered(id: &str, endpoint: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = ewSign)]
    async fn js_sign(key: &JsValue, bytes: &[u8]) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = ewVerify)]
    async fn js_verify(jwk: &JsValue, signature: &[u8], bytes: &[u8]) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = ewRandom)]
    fn js_random(n: u32) -> String;
    #[wasm_bindgen(catch, js_name = ewOutboxAll)]
    async fn js_outbox_all(prefix: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = ewOutboxPut)]
    async fn js_outbox_put(key: &str, text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = ewAcquire)]
    async fn js_acquire(name: &str) -> JsValue;
    #[wasm_bindgen(js_name = ewListen)]
    fn js_listen(name: &str, callback: &js_sys::Function) -> js_sys::Function;
    #[wasm_bindgen(js_name = ewAnnounce)]
    fn js_announce(name: &str, sender: &str);
    #[wasm_bindgen(catch, js_name = ewFetch)]
    async fn js_fetch(
        method: &str,
        url: &str,
        headers: &JsValue,
        body: Option<String>,
        credentials: &str,
        timeout_ms: u32,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = ewDownload)]
    fn js_download(name: &str, text: &str, mime: &str);
    #[wasm_bindgen(js_name = ewOnline)]
    fn js_online() -> bool;
    #[wasm_bindgen(catch, js_name = ewPostToHost)]
    fn js_post_to_host(message: &JsValue, target_origin: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_name = ewAwaitReply)]
    async fn js_await_reply(
        key: &str,
        origins: js_sys::Array,
        timeout_ms: u32,
    ) -> Result<JsValue, JsValue>;
}

/// A JavaScript error as a sentence.
fn message(error: &JsValue) -> String {
    js_sys::Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the browser refused".to_owned())
}

fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
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
    pub async fn for_id(id: &str) -> Result<SigningKey, String> {
        let found = js_key(id).await.map_err(|e| {
            format!(
                "this browser cannot make a signing key ({}); use a current browser, or ask HR for a paper election form",
                message(&e)
            )
        })?;
        let jwk: PublicJwk = serde_json::from_slice(
            js_sys::JSON::stringify(&field(&found, "jwk"))
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default()
                .as_bytes(),
        )
        .map_err(|e| format!("the signing key could not be read: {e}"))?;
        let registered = js_sys::Array::from(&field(&found, "registered"))
            .iter()
            .filter_map(|v| v.as_string())
            .collect();
        let session_only = match field(&found, "persistent").as_bool() {
            Some(true) => None,
            _ => Some(
                field(&found, "reason")
                    .as_string()
                    .unwrap_or_else(|| "this browser cannot keep a signing key".to_owned()),
            ),
        };
        Ok(SigningKey {
            private: field(&found, "privateKey"),
            key_id: jwk.thumbprint(),
            jwk,
            registered,
            session_only,
            id: id.to_owned(),
        })
    }

    /// ECDSA P-256 / SHA-256 over `bytes`: the raw 64-byte `r||s`.
    pub async fn sign(&self, bytes: &[u8]) -> Result<Vec<u8>, String> {
        let signature = js_sign(&self.private, bytes)
            .await
            .map_err(|e| format!("the browser could not sign: {}", message(&e)))?;
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
pub async fn verify(jwk: &PublicJwk, signature: &[u8], bytes: &[u8]) -> Result<bool, String> {
    let jwk = serde_json::to_string(jwk).map_err(|e| e.to_string())?;
    let jwk = js_sys::JSON::parse(&jwk).map_err(|e| message(&e))?;
    js_verify(&jwk, signature, bytes)
        .await
        .map(|ok| ok.as_bool() == Some(true))
        .map_err(|e| format!("the receiver's key is unusable: {}", message(&e)))
}

/// `n` random bytes from the browser's CSPRNG, base64url without padding.
pub fn random_b64(n: u32) -> String {
    js_random(n)
}

/// Every stored outbox entry (JSON text) whose key starts with `prefix`.
pub async fn outbox_all(prefix: &str) -> Result<Vec<String>, String> {
    let all = js_outbox_all(prefix).await.map_err(|e| message(&e))?;
    Ok(js_sys::Array::from(&all)
        .iter()
        .filter_map(|v| v.as_string())
        .collect())
}

/// Stores one outbox entry (`text`) under `key`.
pub async fn outbox_put(key: &str, text: &str) -> Result<(), String> {
    js_outbox_put(key, text)
        .await
        .map(|_| ())
        .map_err(|e| message(&e))
}

/// The Web Lock `name`, once granted (waiting for it), so that of several tabs only one
/// sends at a time; dropping it releases it. Browsers without Web Locks grant it at once.
pub struct Lock(js_sys::Function);

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.call0(&JsValue::NULL);
    }
}

pub async fn acquire(name: &str) -> Lock {
    Lock(js_acquire(name).await.unchecked_into())
}

/// Listens for changes announced on channel `name` (by other tabs, and other widgets of
/// this page); `callback` gets the sender's id. Stops when the guard is dropped.
pub struct Listening {
    close: js_sys::Function,
    _callback: Closure<dyn Fn(String)>,
}

impl Drop for Listening {
    fn drop(&mut self) {
        let _ = self.close.call0(&JsValue::NULL);
    }
}

pub fn listen(name: &str, callback: impl Fn(String) + 'static) -> Listening {
    let callback = Closure::<dyn Fn(String)>::new(callback);
    let close = js_listen(name, callback.as_ref().unchecked_ref());
    Listening {
        close,
        _callback: callback,
    }
}

/// Tells the listeners on channel `name` that `sender` changed something.
pub fn announce(name: &str, sender: &str) {
    js_announce(name, sender);
}

/// A response: status, `Retry-After`, body.
pub struct HttpAnswer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: String,
}

/// One request; `Err` is a sentence for a network failure or a time-out.
pub async fn http(
    method: &str,
    url: &str,
    headers: &std::collections::BTreeMap<String, String>,
    body: Option<String>,
    credentials: &str,
    timeout_ms: u32,
) -> Result<HttpAnswer, String> {
    let h = js_sys::Object::new();
    for (k, v) in headers {
        let _ = js_sys::Reflect::set(&h, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    if body.is_some() {
        let _ = js_sys::Reflect::set(
            &h,
            &JsValue::from_str("Content-Type"),
            &JsValue::from_str("application/json"),
        );
    }
    let answer = js_fetch(method, url, &h, body, credentials, timeout_ms)
        .await
        .map_err(|e| message(&e))?;
    Ok(HttpAnswer {
        status: field(&answer, "status").as_f64().unwrap_or(0.0) as u16,
        retry_after: field(&answer, "retryAfter").as_string(),
        body: field(&answer, "body").as_string().unwrap_or_default(),
    })
}

/// Offers `text` (JSON) to the employee as a file named `name`.
pub fn download(name: &str, text: &str) {
    js_download(name, text, "application/json");
}

/// Offers plain `text` as a file named `name`.
pub fn download_text(name: &str, text: &str) {
    js_download(name, text, "text/plain;charset=utf-8");
}

/// Whether the browser believes it is online.
pub fn online() -> bool {
    js_online()
}

/// Posts `message` (JSON text) to the host page: the parent frame when framed, else this
/// window (where the portal's own script listens), to `target_origin` only.
pub fn post_to_host(message: &str, target_origin: &str) -> Result<(), String> {
    let data = js_sys::JSON::parse(message).map_err(|e| self::message(&e))?;
    js_post_to_host(&data, target_origin).map_err(|e| self::message(&e))
}

/// Waits for the host's `delivery-result` for `key` from one of `origins` (JSON text);
/// messages from other origins are ignored and counted.
pub async fn await_reply(key: &str, origins: &[String], timeout_ms: u32) -> Result<String, String> {
    let list = js_sys::Array::new();
    for o in origins {
        list.push(&JsValue::from_str(o));
    }
    js_await_reply(key, list, timeout_ms)
        .await
        .map_err(|e| message(&e))
        .map(|v| v.as_string().unwrap_or_default())
}

/// The page's own origin (`location.origin`).
pub fn own_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// The host page a `post-message` delivery goes to: the embedding page when framed by an
/// allowed parent (`frame::allowed_parent`), the page itself when not framed, and `None`
/// when framed by a page that is not allowed.
pub fn host_origin() -> Option<String> {
    if crate::embed::frame::framed() {
        crate::embed::frame::allowed_parent()
    } else {
        Some(own_origin())
    }
}

/// Tells the employee something went wrong where the page has no place for it (a file
/// that could not be written).
pub fn alert(message: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.alert_with_message(message);
    }
}
