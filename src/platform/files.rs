//! Files for the employee: downloads (`files.js`), and a word when one cannot be made.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/platform/files.js")]
extern "C" {
    #[wasm_bindgen(js_name = ewDownload)]
    fn js_download(name: &str, text: &str, mime: &str);
}

/// Offers `text` (JSON) to the employee as a file named `name`.
pub fn download(name: &str, text: &str) {
    js_download(name, text, "application/json");
}

/// Offers plain `text` as a file named `name`.
pub fn download_text(name: &str, text: &str) {
    js_download(name, text, "text/plain;charset=utf-8");
}

/// Tells the employee something went wrong where the page has no place for it (a file
/// that could not be written).
pub fn alert(message: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.alert_with_message(message);
    }
}
