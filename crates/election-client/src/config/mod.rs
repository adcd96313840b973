//! The widget's configuration: everything it needs from its host, in one value, and the
//! rule for who may set what (docs/EMBEDDING.md, "Who may set what").
//!
//! Every setting has a source, and the source decides what it may set:
//! - the **deployment** (the page's own files: the standalone host element's `data-*`
//!   attributes and the page's `<script type="application/json"
//!   id="election-widget-deployment">`), and the **host** (the custom element's
//!   attributes and properties, set by the portal's own markup and script, or a
//!   `configure` message from a parent the deployment allows) may set everything;
//! - a **link** (the page URL's parameters, the iframe's URL and a `config` file it names)
//!   may choose the offer and holder files only on origins the deployment allows (the
//!   page's own by default), the locale and the theme, and a preview moment only where
//!   the deployment allows link previews and elections are not delivered to a backend.
//!   It can never choose where elections go, which key receipts are checked with, or
//!   which clock governs. What a link may not set is refused: the widget goes on with
//!   the deployment's settings and names what it refused.

use std::rc::Rc;

mod deployment;
mod element;
#[cfg(test)]
mod fixtures;
mod link;
mod settings;
mod standalone;

pub use deployment::Deployment;
pub use element::{unknown_attributes, Input, ELEMENT_ATTRIBUTES};
pub use link::LinkPolicy;
pub use settings::{ElementSettings, ELEMENT_SETTINGS};

/// A settings object written as JSON text, `what` naming it in messages ("config", "the
/// page's deployment settings"). Read with the core's parser, so that a key given twice
/// is refused rather than one of the two silently taken: settings must not be ambiguous
/// any more than the data.
pub(crate) fn settings_object(
    text: &str,
    what: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, Vec<String>> {
    match election_core::json::parse(text.as_bytes()) {
        Err(e) => Err(vec![format!("{what} is not valid JSON: {e}")]),
        Ok((_, repeated)) if !repeated.is_empty() => Err(repeated
            .iter()
            .map(|p| {
                format!(
                    "{what}: {} is given more than once; keep exactly one",
                    p.path
                )
            })
            .collect()),
        Ok((serde_json::Value::Object(map), _)) => Ok(map),
        Ok((other, _)) => Err(vec![format!("{what} must be a JSON object, not {other}")]),
    }
}

/// The bundled sample offer, relative to the page.
pub const DEFAULT_OFFER_URL: &str = "offers/mpower-2001.json";
/// The bundled sample employee (the one with dozens of grants).
pub const DEFAULT_HOLDER_URL: &str = "holders/e1002-jordan-okafor.json";

/// Where the widget gets its data and its time. Built by the host page; the widget reads
/// no globals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetConfig {
    /// URL of the offer JSON (absolute, or relative to the page).
    pub offer_url: String,
    /// URL of the option holder JSON.
    pub holder_url: String,
    /// An endpoint answering with the server's time in milliseconds since the epoch (a
    /// JSON number, or `{"now_ms": …}`). Without one, the page server's `Date` header is
    /// used, and failing that the device clock, with a note saying so.
    pub time_url: Option<String>,
    /// A preview at a chosen moment: the widget's clock runs from there and nothing can be
    /// submitted. `None` runs the real clock.
    pub preview_at: Option<PreviewAt>,
    /// The offer as JSON text given inline by the host (a child `<script>` or a JS
    /// property of the element), used instead of fetching `offer_url`.
    pub offer_json: Option<Rc<str>>,
    /// The holder as inline JSON text, likewise.
    pub holder_json: Option<Rc<str>>,
    /// What is wrong with the host's settings (a missing input, an unknown setting): shown
    /// as the widget's error panel, and nothing is loaded.
    pub problems: Vec<String>,
    /// What a link tried to set and may not (each with its input and the reason): the
    /// widget loads with the deployment's settings and names these in a notice and in
    /// its `load-error` event.
    pub refused: Vec<Refusal>,
    /// Where signed elections go (`config.delivery`); by default a file to download.
    pub delivery: crate::delivery::DeliveryConfig,
    /// The reader's locale (BCP 47) for figures: numbers, money and dates. `None` is the
    /// browser's language.
    pub locale: Option<String>,
}

/// The moment of a preview, as given (checked when the widget starts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewAt(pub String);

/// An input a link gave and the widget did not use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The input as the link gave it (`?time=https://…`, `config.delivery`).
    pub input: String,
    /// Why it was refused, as a sentence.
    pub why: String,
}

/// Who set a value (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The page's own deployment files.
    Deployment,
    /// The portal: the element's attributes and properties, or an allowed parent's
    /// `configure` message.
    Host,
    /// A link: the page URL, the iframe's URL, a config file a link names.
    Link,
}

impl WidgetConfig {
    /// The defaults: the bundled Mpower offer and sample employee, on the real clock.
    pub fn defaults() -> Self {
        WidgetConfig {
            offer_url: DEFAULT_OFFER_URL.to_owned(),
            holder_url: DEFAULT_HOLDER_URL.to_owned(),
            time_url: None,
            preview_at: None,
            offer_json: None,
            holder_json: None,
            problems: Vec::new(),
            refused: Vec::new(),
            delivery: crate::delivery::DeliveryConfig::default(),
            locale: None,
        }
    }
}

impl WidgetConfig {
    /// An embedding's starting point: the defaults without data (an element or a frame
    /// shows Mpower only when told to).
    pub fn embedded() -> Self {
        WidgetConfig {
            offer_url: String::new(),
            holder_url: String::new(),
            ..WidgetConfig::defaults()
        }
    }
}
