//! The election widget: a Yew component that shows an employee an option exchange offer
//! and their option grants.
//!
//! Layout (the client logic, which cannot touch the browser, is the `election-client`
//! crate; the domain is `election-core`):
//! - [`platform`]: the only code that touches the browser (fetch, IndexedDB, WebCrypto,
//!   locks, the host page, downloads, time, Intl, the service worker), each module with
//!   its JavaScript as a `.js` file beside it; it also runs the client's courier.
//! - [`hooks`]: the effects, one a file (loading, re-anchoring, draft sync, the courier,
//!   host events).
//! - [`components`]: function components that render props and emit callbacks.
//! - [`pages`]: the HR preview desk.
//! - [`embed`]: the `<election-widget>` custom element and the iframe embed.

pub mod components;
pub mod embed;
pub mod hooks;
pub mod pages;
pub mod platform;

pub use components::app::{App, AppProps};
pub use election_client::config::WidgetConfig;

/// Mounts the widget into `root`, a host element the page gives it. Returns the handle
/// that keeps the app alive (and, later, unmounts it).
pub fn mount(root: web_sys::Element, config: WidgetConfig) -> yew::AppHandle<App> {
    mount_with_events(root, config, election_client::host::HostEvents::default())
}

/// [`mount`], telling `events` what happens.
pub fn mount_with_events(
    root: web_sys::Element,
    config: WidgetConfig,
    events: election_client::host::HostEvents,
) -> yew::AppHandle<App> {
    yew::Renderer::<App>::with_root_and_props(
        root,
        AppProps {
            config,
            events,
            parked: false,
        },
    )
    .render()
}

/// Shows `props` in `root`: updates the app already there, or mounts one (the custom
/// element and the iframe embed re-render this way when their inputs change).
pub fn mount_or_update(
    app: &mut Option<yew::AppHandle<App>>,
    root: &web_sys::Element,
    props: AppProps,
) {
    match app.as_mut() {
        Some(app) => app.update(props),
        None => {
            *app = Some(yew::Renderer::<App>::with_root_and_props(root.clone(), props).render())
        }
    }
}
