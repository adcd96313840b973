//! The `<election-widget>` custom element: the widget for any page, from one script tag
//! and one element (`docs/EMBEDDING.md`).
//!
//! The element's class is a few lines of JavaScript (a class extending `HTMLElement`
//! cannot be written in Rust); everything it does calls back into [`ElementHandle`]. The
//! widget renders into an open shadow root with its own copy of the stylesheet, so the
//! portal's styles cannot reach in and the widget's cannot leak out. Each element has
//! its own app, drafts key and timers; removing the element destroys its app (its
//! timers and listeners go with it), and adding it again starts afresh.
//!
//! Only [`define`] and [`events_on`] are in the employee's first module. The rest (the
//! stylesheet's copy, reading the inputs, mounting) is reached only through
//! [`crate::platform::lazy::connect_element`], a module of its own in the release build,
//! fetched when the first element connects; the standalone page never loads it. That is
//! why [`ElementHandle`] holds its element as a `dyn Connected`: its exported methods
//! reach the code through the vtable the element's module builds, never by name.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use super::inputs::{read_input, resolve_inputs};
use crate::platform::page;
use crate::{App, AppProps};
use election_client::config::{Source, WidgetConfig};
use election_client::host::HostEvents;

/// The element's tag name.
pub const TAG: &str = "election-widget";

/// The stylesheet, for the shadow root (the page's own copy cannot reach into it).
const STYLES: &str = include_str!("../../static/widget.css");

#[wasm_bindgen(module = "/src/embed/element.js")]
extern "C" {
    #[wasm_bindgen(js_name = defineElectionWidget)]
    fn define_election_widget(tag: &str, connect: &js_sys::Function);
    #[wasm_bindgen(catch, js_name = ewHostToken)]
    async fn host_token(host: &HtmlElement, fresh: bool) -> Result<JsValue, JsValue>;
}

/// Registers `<election-widget>` (once per page). Connecting an element gives the class a
/// promise of its [`ElementHandle`], or of `null` when the element's code could not be
/// loaded (the element then says so; connecting it again tries again).
pub fn define() {
    let connect = Closure::<dyn Fn(HtmlElement) -> js_sys::Promise>::new(|host: HtmlElement| {
        wasm_bindgen_futures::future_to_promise(async move {
            match crate::platform::lazy::connect_element(host.clone()).await {
                Ok(inner) => Ok(JsValue::from(ElementHandle { inner })),
                Err(_) => {
                    show_unavailable(&host);
                    Ok(JsValue::NULL)
                }
            }
        })
    });
    define_election_widget(TAG, connect.as_ref().unchecked_ref());
    // The element class calls it for every element the page ever adds.
    connect.forget();
}

/// The element's code could not be loaded: said in its shadow root, as text.
fn show_unavailable(host: &HtmlElement) {
    let Some(shadow) = host.shadow_root() else {
        return;
    };
    if let Some(alert) = page::document().and_then(|d| d.create_element("p").ok()) {
        let _ = alert.set_attribute("role", "alert");
        alert.set_text_content(Some(super::UNAVAILABLE));
        shadow.set_text_content(None);
        let _ = shadow.append_child(&alert);
    }
}

/// What an element's handle does, implemented in the element's own module.
pub trait Connected {
    /// An input changed: read them again and update the widget.
    fn changed(&self);
    /// The element left the page.
    fn disconnect(&self);
}

thread_local! {
    /// Apps of removed elements, with their mount points, for the next element to reuse.
    /// Yew never releases the event listeners it installs on an app's root (it forgets
    /// them), so destroying an app per removed element would leak its root, listeners and
    /// the element with them; reusing roots bounds memory by the most widgets ever on the
    /// page at once.
    static PARKED: RefCell<Vec<(yew::AppHandle<App>, Element)>> = const { RefCell::new(Vec::new()) };
}

struct Inner {
    host: HtmlElement,
    mount: Element,
    app: Option<yew::AppHandle<App>>,
    events: HostEvents,
    /// Bumped on every change of input, so a slow config fetch cannot apply late.
    generation: u64,
}

/// One element's widget, held by the element (`this._ew`).
#[wasm_bindgen]
pub struct ElementHandle {
    inner: Box<dyn Connected>,
}

#[wasm_bindgen]
impl ElementHandle {
    /// An input changed: read them again and update the widget.
    pub fn changed(&self) {
        self.inner.changed();
    }

    /// The element left the page: stop the widget, park its app for the next element,
    /// and let go of the element.
    pub fn disconnect(&self) {
        self.inner.disconnect();
    }
}

/// An element's widget, made by [`connect`].
struct Connection {
    inner: Rc<RefCell<Inner>>,
}

impl Connected for Connection {
    fn changed(&self) {
        refresh(&self.inner);
    }

    fn disconnect(&self) {
        let (app, mount) = {
            let mut inner = self.inner.borrow_mut();
            inner.generation += 1;
            inner.events = HostEvents::default();
            (inner.app.take(), inner.mount.clone())
        };
        mount.remove();
        if let Some(mut app) = app {
            // Parked, it renders nothing and runs no timer; it no longer refers to the
            // element (no events, none of its settings).
            app.update(AppProps {
                config: WidgetConfig::defaults(),
                events: HostEvents::default(),
                parked: true,
            });
            PARKED.with(|pool| pool.borrow_mut().push((app, mount)));
        }
    }
}

/// Connects an element: its shadow root, its stylesheet, its app. Called only through
/// [`crate::platform::lazy::connect_element`].
pub fn connect(host: HtmlElement) -> Box<dyn Connected> {
    Box::new(Connection::connect(host))
}

impl Connection {
    fn connect(host: HtmlElement) -> Connection {
        let shadow = match host.shadow_root() {
            Some(root) => root,
            None => match host
                .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
            {
                Ok(root) => root,
                Err(_) => {
                    page::console_error("election widget: the element has no shadow root");
                    return Connection::detached(host);
                }
            },
        };
        // A reconnected element starts from an empty shadow root.
        while let Some(child) = shadow.first_child() {
            let _ = shadow.remove_child(&child);
        }
        let parked = PARKED.with(|pool| pool.borrow_mut().pop());
        let (app, mount) = match parked {
            Some((app, mount)) => (Some(app), mount),
            None => match page::document().and_then(|d| d.create_element("div").ok()) {
                Some(mount) => (None, mount),
                None => return Connection::detached(host),
            },
        };
        let Some(style) = page::document().and_then(|d| d.create_element("style").ok()) else {
            return Connection::detached(host);
        };
        style.set_text_content(Some(STYLES));
        mount.set_class_name("ew-root");
        // The widget's words are English, left to right, whatever the portal's `dir`.
        let _ = mount.set_attribute("dir", "ltr");
        let _ = mount.set_attribute("part", "root");
        let _ = shadow.append_child(&style);
        let _ = shadow.append_child(&mount);
        let token_host = host.clone();
        let events = events_on(&host).with_token(move |fresh| {
            let host = token_host.clone();
            Box::pin(async move {
                match host_token(&host, fresh).await {
                    Ok(token) => Ok(token.as_string()),
                    Err(e) => Err(crate::platform::js_message(&e)),
                }
            })
        });
        let inner = Rc::new(RefCell::new(Inner {
            host,
            mount,
            app,
            events,
            generation: 0,
        }));
        refresh(&inner);
        Connection { inner }
    }

    fn detached(host: HtmlElement) -> Connection {
        let mount = host.clone().unchecked_into::<Element>();
        Connection {
            inner: Rc::new(RefCell::new(Inner {
                host,
                mount,
                app: None,
                events: HostEvents::default(),
                generation: 0,
            })),
        }
    }
}

/// Events as DOM `CustomEvent`s on `host`: `election-widget:<type>`, bubbling and
/// crossing shadow boundaries, the detail being the event's JSON.
pub fn events_on(host: &Element) -> HostEvents {
    let target = host.clone();
    HostEvents::new(move |kind, value| {
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        let detail = js_sys::JSON::parse(value).unwrap_or(JsValue::NULL);
        init.set_detail(&detail);
        if let Ok(event) =
            web_sys::CustomEvent::new_with_event_init_dict(&format!("{TAG}:{kind}"), &init)
        {
            let _ = target.dispatch_event(&event);
        }
    })
}

/// Reads the inputs (fetching `config` when it is a URL) and mounts or updates the app.
fn refresh(inner: &Rc<RefCell<Inner>>) {
    let (host, generation) = {
        let mut i = inner.borrow_mut();
        i.generation += 1;
        (i.host.clone(), i.generation)
    };
    let names = host.get_attribute_names();
    let names: Vec<String> = names.iter().filter_map(|n| n.as_string()).collect();
    let attribute_problems =
        election_client::config::unknown_attributes(names.iter().map(String::as_str));
    let offer = read_input(&host, "offer");
    let holder = read_input(&host, "holder");
    let config = read_input(&host, "config");
    let inner = Rc::clone(inner);
    yew::platform::spawn_local(async move {
        let (mut config, settings) =
            resolve_inputs(offer, holder, config, Source::Host, None).await;
        config.problems.extend(attribute_problems);
        let mut i = inner.borrow_mut();
        if i.generation != generation {
            return;
        }
        if let Some(theme) = &settings.theme {
            let _ = i.host.set_attribute("theme", theme);
        }
        match &settings.locale {
            Some(lang) => {
                let _ = i.mount.set_attribute("lang", lang);
            }
            None => {
                let _ = i.mount.remove_attribute("lang");
            }
        }
        let props = AppProps {
            config,
            events: i.events.clone(),
            parked: false,
        };
        // Rendered with the borrow released: a portal that reacts to an event by setting
        // an input re-enters `refresh` while this render runs.
        let (mut app, mount) = (i.app.take(), i.mount.clone());
        drop(i);
        crate::mount_or_update(&mut app, &mount, props);
        inner.borrow_mut().app = app;
    });
}
