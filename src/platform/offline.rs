//! Working offline: registers the service worker (`service-worker.js`, written to
//! `dist/sw.js` by the build) for the standalone page and the iframe embed, and tells the
//! widget when a new build is waiting, so that it can offer to reload (never reloading on
//! its own). Portals that embed the custom element keep their own pages and caching; the
//! worker's scope is the widget's directory.

use wasm_bindgen::prelude::*;

/// The window event fired when a new build is installed and waiting.
pub const UPDATE_READY_EVENT: &str = "election-widget:update-ready";

#[wasm_bindgen(module = "/src/platform/offline.js")]
extern "C" {
    #[wasm_bindgen(js_name = ewRegisterWorker)]
    fn js_register_worker(url: &str, event_name: &str);
    #[wasm_bindgen(js_name = ewApplyUpdate)]
    fn js_apply_update();
}

/// Registers the service worker at `url` (relative to the page).
pub fn register(url: &str) {
    js_register_worker(url, UPDATE_READY_EVENT);
}

/// Switches to the waiting build and reloads (the employee agreed; drafts are saved).
pub fn apply_update() {
    js_apply_update();
}

/// Calls `f` when a new build is installed and waiting (the `update-ready` event).
pub fn on_update_ready(f: impl Fn() + 'static) -> Option<gloo_events::EventListener> {
    let window = web_sys::window()?;
    Some(gloo_events::EventListener::new(
        &window,
        UPDATE_READY_EVENT,
        move |_| f(),
    ))
}
