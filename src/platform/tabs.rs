//! Between tabs (`tabs.js`): the Web Lock under which one tab at a time sends, and the
//! BroadcastChannel on which tabs (and widgets of one page) announce outbox changes.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/src/platform/tabs.js")]
extern "C" {
    #[wasm_bindgen(js_name = ewAcquire)]
    async fn js_acquire(name: &str) -> JsValue;
    #[wasm_bindgen(js_name = ewListen)]
    fn js_listen(name: &str, callback: &js_sys::Function) -> js_sys::Function;
    #[wasm_bindgen(js_name = ewAnnounce)]
    fn js_announce(name: &str, sender: &str);
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
