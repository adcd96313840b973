//! The election widget: a Yew component that shows an employee an option exchange offer
//! and their option grants.
//!
//! Layout:
//! - [`config`]: the one value a host page gives the widget (which offer, which holder).
//! - [`loading`]: turns fetched text into checked data or a report of what is wrong (pure).
//! - [`election_state`]: the employee's picks, as a reducer (pure).
//! - [`drafts`]: where drafts are kept, behind a small trait (memory in tests).
//! - [`format`]: how money, counts and dates read on screen, per locale; [`intl`]: the
//!   browser's Intl for locales other than US English.
//! - [`delivery`]: transports, the outbox's states, retries and receipts, as rules (pure).
//! - [`vault`]: WebCrypto keys, IndexedDB, Web Locks, fetch and postMessage for delivery.
//! - [`courier`]: signs elections and delivers each exactly once, through [`vault`].
//! - [`host`]: events to the page that embeds the widget (pure; the carrier is injected).
//! - [`browser`]: the only module that touches browser APIs (fetch, the page URL, marks).
//! - [`desk`]: the HR preview desk's rules (pure); its page is `components::desk`.
//! - [`offline`]: the service worker's registration and the update offer.
//! - [`embed`]: the `<election-widget>` custom element; [`frame`]: the iframe embed.
//! - [`components`]: function components that render state and nothing else.
//!
//! The domain itself (what an offer is, what makes data valid) lives in `election-core`.

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
