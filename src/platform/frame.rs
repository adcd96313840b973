//! The browser's side of the iframe embed: whether this page is framed and by whom, the
//! parents `embed.html` allows, `postMessage` to the parent, the parent's messages, and
//! the content's height. The rules are the client's (`election_client::frame`).

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::page;
use election_client::frame::{allowed_origins, origin_allowed, to_parent};

/// Whether this page is in a frame.
pub fn framed() -> bool {
    web_sys::window()
        .and_then(|w| {
            js_sys::Reflect::get(&w, &"top".into())
                .ok()
                .map(|top| !js_sys::Object::is(&top, w.as_ref()))
        })
        .unwrap_or(false)
}

/// The origins allowed to frame the widget: `embed.html`'s
/// `election-widget-allowed-origins` meta tag, fixed when the bundle is deployed (never
/// the URL, which whoever frames the page controls).
pub fn allowed() -> Vec<String> {
    let content = page::document()
        .and_then(|d| {
            d.query_selector(r#"meta[name="election-widget-allowed-origins"]"#)
                .ok()
                .flatten()
        })
        .and_then(|m| m.get_attribute("content"));
    allowed_origins(content.as_deref())
}

/// The origin of the page that frames this one, if the browser tells: the nearest of
/// `location.ancestorOrigins` (Chromium, WebKit), else the referrer's origin.
fn parent_origin() -> Option<String> {
    if !framed() {
        return None;
    }
    let window = web_sys::window()?;
    let ancestors = js_sys::Reflect::get(&window.location(), &"ancestorOrigins".into()).ok();
    if let Some(first) = ancestors
        .filter(|a| !a.is_undefined())
        .and_then(|a| js_sys::Reflect::get(&a, &0.into()).ok())
        .and_then(|o| o.as_string())
    {
        return Some(first);
    }
    let referrer = window.document()?.referrer();
    web_sys::Url::new(&referrer).ok().map(|url| url.origin())
}

/// The embedding page's origin when this page is framed by an allowed parent; `None` when
/// it is not framed, or framed by a page that is not allowed (which is then told nothing
/// and handed nothing, signed elections included).
pub fn allowed_parent() -> Option<String> {
    parent_origin().filter(|o| origin_allowed(o, &allowed()))
}

/// Posts `fields` (a JSON object's text) to the parent at `origin` only, marked as the
/// widget's.
pub fn post_to_parent(origin: &str, fields: &str) {
    let Some(message) = to_parent(fields) else {
        return;
    };
    let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
        return;
    };
    let data = js_sys::JSON::parse(&message).unwrap_or(JsValue::NULL);
    let _ = parent.post_message(&data, origin);
}

/// One message to this page: its sender's origin, its `type` when it has one, and its data
/// as JSON text (`None` when it cannot be written as JSON).
pub struct Message {
    pub origin: String,
    /// Whether it came from this page's parent window (not a sibling frame, a popup or
    /// the page itself).
    pub from_parent: bool,
    pub kind: Option<String>,
    pub json: Option<String>,
}

/// Calls `handler` with every message this page receives, for as long as the page lives.
pub fn on_message(handler: impl Fn(Message) + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let data = e.data();
            let parent = web_sys::window().and_then(|w| w.parent().ok().flatten());
            let from_parent = match (e.source(), parent) {
                (Some(source), Some(parent)) => js_sys::Object::is(&source, parent.as_ref()),
                _ => false,
            };
            handler(Message {
                origin: e.origin(),
                from_parent,
                kind: js_sys::Reflect::get(&data, &"type".into())
                    .ok()
                    .and_then(|t| t.as_string()),
                json: js_sys::JSON::stringify(&data)
                    .ok()
                    .and_then(|s| s.as_string()),
            });
        });
    let _ = window.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
    // The frame page lives as long as its listener.
    listener.forget();
}

/// Calls `on_change` with the document's height whenever it changes (a ResizeObserver on
/// `root` and the body), for as long as the page lives.
pub fn on_height_change(root: &web_sys::Element, on_change: impl Fn(i32) + 'static) {
    let last = Rc::new(Cell::new(-1i32));
    let callback = Closure::<dyn Fn(js_sys::Array)>::new(move |_entries: js_sys::Array| {
        let height = page::document()
            .and_then(|d| d.document_element())
            .map(|e| e.scroll_height())
            .unwrap_or(0);
        if height != last.get() {
            last.set(height);
            on_change(height);
        }
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(root);
        if let Some(body) = page::document().and_then(|d| d.body()) {
            observer.observe(&body);
        }
        std::mem::forget(observer);
    }
    callback.forget();
}

/// The frame page's color scheme (`light`, `dark`, or both by the reader's preference)
/// and language, on its root element; it reads left to right whatever the parent's
/// direction.
pub fn set_scheme_and_lang(scheme: &str, lang: &str) {
    let Some(root) = page::document().and_then(|d| d.document_element()) else {
        return;
    };
    let _ = root.set_attribute("style", &format!("color-scheme: {scheme}"));
    let _ = root.set_attribute("lang", lang);
    let _ = root.set_attribute("dir", "ltr");
}
