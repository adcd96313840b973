//! The iframe embed (`embed.html`): the widget in a frame of its own, for portals that
//! prefer an iframe to a script tag.
//!
//! - Configuration from the frame's URL (`?offer=…&holder=…&config=…`), or from a
//!   `configure` message sent by the parent.
//! - The parent origins allowed are fixed when the bundle is deployed (the
//!   `election-widget-allowed-origins` meta tag of `embed.html`), never by the URL, which
//!   whoever frames the page controls. Messages from any other origin, and malformed ones,
//!   are ignored and counted (`data-ignored-messages` on the frame's root).
//! - Events and the content's height go only to the parent's origin, when it is allowed.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::platform::page as browser;
use crate::{App, AppProps};
use election_client::config::{Deployment, ElementSettings, Input, Source, WidgetConfig};
use election_client::host::{HostEvents, EVENT_SCHEMA};

/// The id of the frame page's mount point.
pub const FRAME_ROOT_ID: &str = "election-widget-frame";

/// The origins allowed to frame the widget, from `embed.html`'s meta tag (space
/// separated).
fn allowed_origins() -> Vec<String> {
    browser::document()
        .and_then(|d| {
            d.query_selector(r#"meta[name="election-widget-allowed-origins"]"#)
                .ok()
                .flatten()
        })
        .and_then(|m| m.get_attribute("content"))
        .map(|c| c.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The origin of the page that frames this one, if the browser tells: the nearest of
/// `location.ancestorOrigins` (Chromium, WebKit), else the referrer's origin.
fn parent_origin() -> Option<String> {
    let window = web_sys::window()?;
    // Not framed at all: the window is its own top.
    let top = js_sys::Reflect::get(&window, &"top".into()).ok()?;
    if js_sys::Object::is(&top, window.as_ref()) {
        return None;
    }
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
    parent_origin().filter(|o| origin_allowed(o, &allowed_origins()))
}

/// The `type` of a host's answer to a post-message delivery.
pub const DELIVERY_RESULT: &str = "election-widget:delivery-result";

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

/// Whether `origin` is one of `allowed`; pure.
pub fn origin_allowed(origin: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| a == origin)
}

/// The widget's inputs from a parent's `configure` message (each a URL string or the
/// JSON itself); `None` when the message is not one (it is then ignored and counted).
/// Pure.
pub fn configure_message(data: &Value) -> Option<(Input, Input, Input)> {
    let obj = data.as_object()?;
    if obj.get("election_widget")?.as_u64()? != EVENT_SCHEMA
        || obj.get("type")?.as_str()? != "configure"
    {
        return None;
    }
    let input = |name: &str| match obj.get(name) {
        Some(Value::String(url)) => Input::Url(url.clone()),
        Some(v @ Value::Object(_)) => Input::Inline(v.to_string()),
        _ => Input::Missing,
    };
    Some((input("offer"), input("holder"), input("config")))
}

struct Frame {
    root: Element,
    app: Option<yew::AppHandle<App>>,
    events: HostEvents,
    ignored: Cell<u32>,
    /// The frame page's own deployment settings.
    deployment: Rc<Deployment>,
}

/// Runs the frame page: mounts from the URL's settings, listens for the parent's
/// messages, and reports the content's height.
pub fn run(root: Element) {
    let allowed = allowed_origins();
    let parent = parent_origin().filter(|o| origin_allowed(o, &allowed));
    let events = parent_events(parent.clone());
    let frame = Rc::new(RefCell::new(Frame {
        root: root.clone(),
        app: None,
        events,
        ignored: Cell::new(0),
        deployment: Rc::new(browser::deployment()),
    }));
    let query = browser::query_params();
    let param = |name: &str| {
        query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if param("offer").is_some() || param("holder").is_some() {
        let input = |name: &str| param(name).map_or(Input::Missing, Input::Url);
        let inputs = (input("offer"), input("holder"), input("config"));
        configure(Rc::clone(&frame), inputs, Source::Link);
    }
    if parent.is_none() {
        browser::console_error(&format!(
            "election widget: this frame's parent is not among the allowed origins ({}); it sends the parent nothing",
            allowed.join(" ")
        ));
    }
    listen(Rc::clone(&frame), allowed);
    let _ = root.set_attribute("data-listening", "");
    // The handshake: the parent configures the widget when it hears the frame is ready
    // (a message sent before the frame listens would be lost).
    if let Some(origin) = &parent {
        post_to_parent(
            origin,
            &json!({ "schema": EVENT_SCHEMA, "type": "frame-ready" }).to_string(),
        );
    }
    report_height(&root, parent);
}

/// Resolves the inputs (fetching a config URL) and shows the widget with them: the
/// frame's URL is a link ([`Source::Link`]: it may not choose where elections go, the
/// clock or a preview), an allowed parent's `configure` message is the portal
/// ([`Source::Host`]); both over the page's deployment settings.
fn configure(
    frame: Rc<RefCell<Frame>>,
    (offer, holder, config): (Input, Input, Input),
    source: Source,
) {
    let deployment = Rc::clone(&frame.borrow().deployment);
    wasm_bindgen_futures::spawn_local(async move {
        let (config, settings) =
            crate::embed::element::resolve_inputs(offer, holder, config, source, Some(deployment))
                .await;
        apply_settings(&settings);
        apply(&frame, config);
    });
}

/// The frame's page takes the theme and the language: light or dark as set (else the
/// reader's preference, by embed.html's color-scheme), `lang` as set (else English).
fn apply_settings(settings: &ElementSettings) {
    let Some(root) = browser::document().and_then(|d| d.document_element()) else {
        return;
    };
    let scheme = settings.theme.as_deref().unwrap_or("light dark");
    let _ = root.set_attribute("style", &format!("color-scheme: {scheme}"));
    let _ = root.set_attribute("lang", settings.locale.as_deref().unwrap_or("en"));
    let _ = root.set_attribute("dir", "ltr");
}

fn apply(frame: &Rc<RefCell<Frame>>, config: WidgetConfig) {
    let mut f = frame.borrow_mut();
    let props = AppProps {
        config,
        events: f.events.clone(),
        parked: false,
    };
    let (mut app, root) = (f.app.take(), f.root.clone());
    drop(f);
    crate::mount_or_update(&mut app, &root, props);
    frame.borrow_mut().app = app;
}

/// Events to the parent, by postMessage to its origin only.
fn parent_events(parent: Option<String>) -> HostEvents {
    let Some(origin) = parent else {
        return HostEvents::default();
    };
    HostEvents::new(move |_, value| post_to_parent(&origin, value))
}

/// Posts `fields` (a JSON object's text) to the parent, marked as the widget's.
fn post_to_parent(origin: &str, fields: &str) {
    let message = match fields.strip_prefix('{') {
        Some(rest) if rest.trim_start().starts_with('}') => {
            r#"{"source":"election-widget"}"#.to_owned()
        }
        Some(rest) => format!(r#"{{"source":"election-widget",{rest}"#),
        None => return,
    };
    let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
        return;
    };
    let data = js_sys::JSON::parse(&message).unwrap_or(JsValue::NULL);
    let _ = parent.post_message(&data, origin);
}

fn listen(frame: Rc<RefCell<Frame>>, allowed: Vec<String>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let handler =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let kind = js_sys::Reflect::get(&event.data(), &"type".into())
                .ok()
                .and_then(|t| t.as_string());
            // Answers to a post-message delivery are the courier.s (`platform::host`), which checks
            // and counts them itself.
            if kind.as_deref() == Some(DELIVERY_RESULT) {
                return;
            }
            let accepted = origin_allowed(&event.origin(), &allowed)
                .then(|| {
                    js_sys::JSON::stringify(&event.data())
                        .ok()
                        .and_then(|s| s.as_string())
                        .and_then(|s| serde_json::from_str::<Value>(&s).ok())
                        .and_then(|v| configure_message(&v))
                })
                .flatten();
            match accepted {
                Some(inputs) => configure(Rc::clone(&frame), inputs, Source::Host),
                None => {
                    let f = frame.borrow();
                    f.ignored.set(f.ignored.get() + 1);
                    let _ = f
                        .root
                        .set_attribute("data-ignored-messages", &f.ignored.get().to_string());
                }
            }
        });
    let _ = window.add_event_listener_with_callback("message", handler.as_ref().unchecked_ref());
    // The frame page lives as long as its listener.
    handler.forget();
}

/// Tells the parent the content's height whenever it changes, so it can size the frame
/// without a scrollbar.
fn report_height(root: &Element, parent: Option<String>) {
    let Some(origin) = parent else {
        return;
    };
    let last = Rc::new(Cell::new(-1i32));
    let callback = Closure::<dyn Fn(js_sys::Array)>::new(move |_entries: js_sys::Array| {
        let height = browser::document()
            .and_then(|d| d.document_element())
            .map(|e| e.scroll_height())
            .unwrap_or(0);
        if height != last.get() {
            last.set(height);
            post_to_parent(
                &origin,
                &json!({ "schema": EVENT_SCHEMA, "type": "resize", "height": height }).to_string(),
            );
        }
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(root);
        if let Some(body) = browser::document().and_then(|d| d.body()) {
            observer.observe(&body);
        }
        std::mem::forget(observer);
    }
    callback.forget();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_allowed_origins_exactly() {
        let allowed = vec!["https://hr.example.com".to_owned()];
        assert!(origin_allowed("https://hr.example.com", &allowed));
        assert!(!origin_allowed(
            "https://hr.example.com.evil.test",
            &allowed
        ));
        assert!(!origin_allowed("http://hr.example.com", &allowed));
        assert!(!origin_allowed("null", &allowed));
    }

    #[test]
    fn configure_messages_and_everything_else() {
        let ok = json!({ "election_widget": 1, "type": "configure", "offer": "o.json", "holder": { "a": 1 }, "config": { "theme": "dark" } });
        let (offer, holder, config) = configure_message(&ok).expect("a configure message");
        assert_eq!(offer, Input::Url("o.json".into()));
        assert_eq!(holder, Input::Inline(r#"{"a":1}"#.into()));
        assert_eq!(config, Input::Inline(r#"{"theme":"dark"}"#.into()));
        let bare = json!({ "election_widget": 1, "type": "configure", "config": "settings.json", "offer": 5 });
        let (offer, holder, config) = configure_message(&bare).expect("a configure message");
        assert_eq!((offer, holder), (Input::Missing, Input::Missing));
        assert_eq!(config, Input::Url("settings.json".into()));
        for bad in [
            json!("configure"),
            json!({ "type": "configure" }),
            json!({ "election_widget": 2, "type": "configure" }),
            json!({ "election_widget": 1, "type": "reload" }),
        ] {
            assert!(configure_message(&bad).is_none(), "{bad}");
        }
    }
}
