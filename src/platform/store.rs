//! IndexedDB: the outbox, one JSON text per signed election under a key that starts
//! with the employee's outbox prefix (`store.js`, which also keeps the signing keys).

use wasm_bindgen::prelude::*;

use election_client::device::DeviceError;

use super::{js_field, js_message};

#[wasm_bindgen(module = "/src/platform/store.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = ewOutboxAll)]
    async fn js_outbox_all(prefix: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = ewOutboxPut)]
    async fn js_outbox_put(key: &str, text: &str) -> Result<JsValue, JsValue>;
}

/// A storage failure, by the browser's name for it.
fn refused(e: &JsValue) -> DeviceError {
    DeviceError::storage(js_field(e, "kind").as_string().as_deref(), js_message(e))
}

/// Every stored outbox entry (JSON text) whose key starts with `prefix`.
pub async fn outbox_all(prefix: &str) -> Result<Vec<String>, DeviceError> {
    let all = js_outbox_all(prefix).await.map_err(|e| refused(&e))?;
    Ok(js_sys::Array::from(&all)
        .iter()
        .filter_map(|v| v.as_string())
        .collect())
}

/// Stores one outbox entry (`text`) under `key`.
pub async fn outbox_put(key: &str, text: &str) -> Result<(), DeviceError> {
    js_outbox_put(key, text)
        .await
        .map(|_| ())
        .map_err(|e| refused(&e))
}
