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

use web_sys::Element;

use crate::platform::{frame as browser_frame, page};
use crate::{App, AppProps};
use election_client::config::{Deployment, ElementSettings, Input, Source, WidgetConfig};
use election_client::frame::{
    configure_message, frame_ready, origin_allowed, resize, token_message, token_request,
    DELIVERY_RESULT,
};
use election_client::host::HostEvents;

/// The id of the frame page's mount point.
pub const FRAME_ROOT_ID: &str = "election-widget-frame";

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
    let allowed = browser_frame::allowed();
    let parent = browser_frame::allowed_parent();
    let tokens = Rc::new(Tokens::default());
    let events = parent_events(parent.clone(), &tokens);
    let frame = Rc::new(RefCell::new(Frame {
        root: root.clone(),
        app: None,
        events,
        ignored: Cell::new(0),
        deployment: Rc::new(page::deployment()),
    }));
    let query = page::query_params();
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
        page::console_error(&format!(
            "election widget: this frame's parent is not among the allowed origins ({}); it sends the parent nothing",
            allowed.join(" ")
        ));
    }
    listen(Rc::clone(&frame), allowed, tokens);
    let _ = root.set_attribute("data-listening", "");
    // The handshake: the parent configures the widget when it hears the frame is ready
    // (a message sent before the frame listens would be lost).
    if let Some(origin) = &parent {
        browser_frame::post_to_parent(origin, &frame_ready());
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
    yew::platform::spawn_local(async move {
        let (config, settings) =
            super::inputs::resolve_inputs(offer, holder, config, source, Some(deployment)).await;
        apply_settings(&settings);
        apply(&frame, config);
    });
}

/// The frame's page takes the theme and the language: light or dark as set (else the
/// reader's preference, by embed.html's color-scheme), `lang` as set (else English).
fn apply_settings(settings: &ElementSettings) {
    browser_frame::set_scheme_and_lang(
        settings.theme.as_deref().unwrap_or("light dark"),
        settings.locale.as_deref().unwrap_or("en"),
    );
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

/// The employee's bearer token as the parent last gave it (`token` messages), and who
/// waits for a fresh one.
#[derive(Default)]
struct Tokens {
    current: RefCell<Option<String>>,
    waiting: RefCell<Vec<futures::channel::oneshot::Sender<String>>>,
}

impl Tokens {
    fn give(&self, token: String) {
        *self.current.borrow_mut() = Some(token.clone());
        for waiter in self.waiting.borrow_mut().drain(..) {
            let _ = waiter.send(token.clone());
        }
    }
}

/// How long the parent has to give a fresh token when the last was refused.
const FRESH_TOKEN_MS: u32 = 10_000;

/// Events to the parent, by postMessage to its origin only; the employee's bearer token
/// from it, when it gives one (`token` messages): the latest, or, when that was refused,
/// the next one after asking (`token-request`). A parent that never gave a token is
/// asked for none: the configuration's headers apply.
fn parent_events(parent: Option<String>, tokens: &Rc<Tokens>) -> HostEvents {
    let Some(origin) = parent else {
        return HostEvents::default();
    };
    let events_origin = origin.clone();
    let tokens = Rc::clone(tokens);
    HostEvents::new(move |_, value| browser_frame::post_to_parent(&events_origin, value))
        .with_token(move |fresh| {
            let (tokens, origin) = (Rc::clone(&tokens), origin.clone());
            Box::pin(async move {
                let current = tokens.current.borrow().clone();
                if !fresh || current.is_none() {
                    return Ok(current);
                }
                let (give, given) = futures::channel::oneshot::channel();
                tokens.waiting.borrow_mut().push(give);
                browser_frame::post_to_parent(&origin, &token_request());
                let (expire, expired) = futures::channel::oneshot::channel::<()>();
                let _timer = gloo_timers::callback::Timeout::new(FRESH_TOKEN_MS, move || {
                    let _ = expire.send(());
                });
                match futures::future::select(given, expired).await {
                    futures::future::Either::Left((Ok(token), _)) => Ok(Some(token)),
                    _ => Err("the portal gave no fresh token in time".to_owned()),
                }
            })
        })
}

/// Takes an allowed parent's `configure` messages; every other message (another origin,
/// a malformed one) is ignored and counted on the root (`data-ignored-messages`).
fn listen(frame: Rc<RefCell<Frame>>, allowed: Vec<String>, tokens: Rc<Tokens>) {
    browser_frame::on_message(move |message| {
        // Answers to a post-message delivery are the courier's (`platform::host`), which
        // checks and counts them itself.
        if message.kind.as_deref() == Some(DELIVERY_RESULT) {
            return;
        }
        let token = (message.kind.as_deref() == Some("token")
            && origin_allowed(&message.origin, &allowed))
        .then(|| message.json.as_deref().and_then(token_message))
        .flatten();
        if let Some(token) = token {
            tokens.give(token);
            return;
        }
        let accepted = origin_allowed(&message.origin, &allowed)
            .then(|| message.json.and_then(|text| configure_message(&text)))
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
}

/// Tells the parent the content's height whenever it changes, so it can size the frame
/// without a scrollbar.
fn report_height(root: &Element, parent: Option<String>) {
    if let Some(origin) = parent {
        browser_frame::on_height_change(root, move |height| {
            browser_frame::post_to_parent(&origin, &resize(height))
        });
    }
}
