//! The platform layer: the only code that touches the browser. Everything else in the
//! widget reaches the browser through these modules, and the client logic
//! (`election-client`) cannot reach it at all. Each module's JavaScript lives beside it
//! as a real `.js` module (`net.js`, `store.js`, `crypto.js`, `tabs.js`, `host.js`,
//! `files.js`, `offline.js`, `signon.js`), linted as JavaScript.
//!
//! - [`net`]: the one `fetch` (data files, clock samples, the contract's requests).
//! - [`store`] and [`crypto`]: IndexedDB (the outbox, the signing key) and WebCrypto.
//! - [`tabs`]: the Web Lock and the channel between tabs.
//! - [`host`]: the host page, for `post-message` delivery.
//! - [`files`]: downloads, files HR opens, and a word when a download cannot be made.
//! - [`signon`]: HR's sign-on on the results page (OpenID Connect with PKCE).
//! - [`frame`]: the iframe embed's side of `postMessage`: who framed the page, its
//!   messages, the content's height.
//! - [`clock`], [`drafts`], [`intl`], [`offline`], [`page`]: time, localStorage, the
//!   locale's formats, the service worker, and the page itself.
//! - [`courier`]: runs the client's courier state machine with all of the above;
//!   [`lazy`] starts it, from a module of its own in the release build.

pub mod clock;
pub mod courier;
pub mod crypto;
pub mod drafts;
pub mod files;
pub mod frame;
pub mod host;
pub mod intl;
pub mod lazy;
pub mod net;
pub mod offline;
pub mod page;
pub mod signon;
pub mod store;
pub mod tabs;

use wasm_bindgen::JsValue;

/// A JavaScript error as a sentence.
pub fn js_message(error: &JsValue) -> String {
    js_sys::Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the browser refused".to_owned())
}

/// A member of a JavaScript object (`undefined` when it has none).
fn js_field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}
