//! IndexedDB: the outbox, one JSON text per signed election under a key that starts
//! with the employee's outbox prefix (`store.js`, which also keeps the signing keys).

use wasm_bindgen::prelude::*;

use super::js_message;

#[wasm_bindgen(module = "/src/platform/store.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = ewOutboxAll)]
    async fn js_outbox_all(prefix: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = ewOutboxPut)]
    async fn js_outbox_put(key: &str, text: &str) -> Result<JsValue, JsValue>;
}

/// Every stored outbox entry (JSON text) whose key starts with `prefix`.
pub async fn outbox_all(prefix: &str) -> Result<Vec<String>, String> {
    let all = js_outbox_all(prefix).await.map_err(|e| js_message(&e))?;
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
        .map_err(|e| js_message(&e))
}
