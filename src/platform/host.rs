//! The host page: where a `post-message` delivery goes, the election handed to it, and
//! its answer (`host.js`).

use wasm_bindgen::prelude::*;

use election_client::device::DeviceError;

use super::{js_field, js_message};

#[wasm_bindgen(module = "/src/platform/host.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = ewPostToHost)]
    fn js_post_to_host(message: &JsValue, target_origin: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_name = ewAwaitReply)]
    async fn js_await_reply(
        key: &str,
        origins: js_sys::Array,
        timeout_ms: u32,
    ) -> Result<JsValue, JsValue>;
}

/// Posts `message` (JSON text) to the host page: the parent frame when framed, else this
/// window (where the portal's own script listens), to `target_origin` only.
pub fn post_to_host(message: &str, target_origin: &str) -> Result<(), DeviceError> {
    let refused = |e: JsValue| DeviceError::HostRefused(js_message(&e));
    let data = js_sys::JSON::parse(message).map_err(refused)?;
    js_post_to_host(&data, target_origin).map_err(refused)
}

/// Waits for the host's `delivery-result` for `key` from one of `origins` (JSON text);
/// messages from other origins are ignored and counted.
pub async fn await_reply(
    key: &str,
    origins: &[String],
    timeout_ms: u32,
) -> Result<String, DeviceError> {
    let list = js_sys::Array::new();
    for o in origins {
        list.push(&JsValue::from_str(o));
    }
    js_await_reply(key, list, timeout_ms)
        .await
        .map_err(|e| match js_field(&e, "kind").as_string().as_deref() {
            Some("timeout") => DeviceError::HostTimeout {
                seconds: timeout_ms.saturating_add(500) / 1000,
            },
            _ => DeviceError::HostRefused(js_message(&e)),
        })
        .map(|v| v.as_string().unwrap_or_default())
}

/// The page's own origin (`location.origin`).
pub fn own_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// The host page a `post-message` delivery goes to: the embedding page when framed by an
/// allowed parent ([`super::frame::allowed_parent`]), the page itself when not framed, and `None`
/// when framed by a page that is not allowed.
pub fn host_origin() -> Option<String> {
    if super::frame::framed() {
        super::frame::allowed_parent()
    } else {
        Some(own_origin())
    }
}
