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

use election_core::origin::serialized_origin;

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

/// What the deployment allows links, and how to tell a URL's origin.
pub struct LinkPolicy<'a> {
    /// Origins (`https://host[:port]`) whose files a link may name; the page's own
    /// origin is always allowed.
    pub data_origins: &'a [String],
    /// The page's own origin.
    pub page_origin: &'a str,
    /// Whether a link may start a preview (`?at=`); even then never where elections are
    /// delivered to a backend or a portal.
    pub link_preview: bool,
    /// The origin of a URL as the page would resolve it (`None` for opaque origins such
    /// as `data:` and for what is not a URL). The browser's URL parser in the page.
    pub origin_of: &'a dyn Fn(&str) -> Option<String>,
}

impl LinkPolicy<'_> {
    /// Whether a link may name this file URL; `Err` says why not.
    pub fn data_url(&self, url: &str) -> Result<(), String> {
        match (self.origin_of)(url) {
            Some(origin) if origin == self.page_origin => Ok(()),
            Some(origin) if self.data_origins.contains(&origin) => Ok(()),
            Some(origin) => Err(format!(
                "a link may name files on {} only, not on {origin}",
                self.allowed_list()
            )),
            None => Err(format!(
                "a link may name files on {} only; this is not a URL there (data:, blob: and other opaque URLs are refused)",
                self.allowed_list()
            )),
        }
    }

    fn allowed_list(&self) -> String {
        let mut all = vec![self.page_origin.to_owned()];
        all.extend(
            self.data_origins
                .iter()
                .filter(|o| *o != self.page_origin)
                .cloned(),
        );
        all.join(", ")
    }

    /// Whether a link may start a preview under `delivery`; `Err` says why not.
    pub fn preview(&self, delivery: &crate::delivery::DeliveryConfig) -> Result<(), String> {
        if !matches!(delivery.transport, crate::delivery::Transport::Download) {
            return Err("a link cannot start a preview where elections are delivered (a preview cannot be signed)".to_owned());
        }
        if !self.link_preview {
            return Err("this page does not allow previews from links (its deployment's link_preview setting)".to_owned());
        }
        Ok(())
    }
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

impl WidgetConfig {
    /// An embedding's configuration before its inputs: no data, then the deployment's
    /// block (the iframe page's own settings).
    pub fn deployed(deployment: &Deployment) -> (Self, ElementSettings) {
        let mut c = WidgetConfig::embedded();
        let mut settings = ElementSettings::default();
        c.problems.extend(deployment.problems.iter().cloned());
        c.apply_settings(
            &deployment.settings,
            Source::Deployment,
            &mut settings,
            None,
        );
        (c, settings)
    }
}

/// The deployment's own settings: the page's
/// `<script type="application/json" id="election-widget-deployment">`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Deployment {
    /// The widget settings it gives (`offer`, `holder`, `time_url`, `preview_at`,
    /// `delivery`, `theme`, `locale`).
    pub settings: serde_json::Map<String, serde_json::Value>,
    /// Origins a link may name files on, besides the page's own.
    pub data_origins: Vec<String>,
    /// Whether links may start previews (`?at=`).
    pub link_preview: bool,
    /// What is wrong with the deployment block (shown as the error panel: a deployment
    /// mistake is not to be worked around).
    pub problems: Vec<String>,
}

impl Deployment {
    /// Reads the deployment block's text; `None` is a page without one.
    pub fn parse(text: Option<&str>) -> Deployment {
        let Some(text) = text else {
            return Deployment::default();
        };
        let mut d = Deployment::default();
        let map = match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(map)) => map,
            Ok(other) => {
                d.problems.push(format!(
                    "the page's deployment settings must be a JSON object, not {other}"
                ));
                return d;
            }
            Err(e) => {
                d.problems.push(format!(
                    "the page's deployment settings are not valid JSON: {e}"
                ));
                return d;
            }
        };
        let mut settings = serde_json::Map::new();
        for (key, value) in map {
            match key.as_str() {
                "data_origins" => match value.as_array() {
                    Some(list) => {
                        for o in list {
                            match o.as_str().and_then(serialized_origin) {
                                Some(o) => d.data_origins.push(o),
                                None => d.problems.push(format!(
                                    "deployment.data_origins: {o} is not an origin such as \"https://hr.example.com\""
                                )),
                            }
                        }
                    }
                    None => d.problems.push(format!(
                        "deployment.data_origins must be a list of origins, not {value}"
                    )),
                },
                "link_preview" => match value.as_bool() {
                    Some(b) => d.link_preview = b,
                    None => d.problems.push(format!(
                        "deployment.link_preview must be true or false, not {value}"
                    )),
                },
                _ => {
                    settings.insert(key, value);
                }
            }
        }
        d.settings = settings;
        d
    }
}

/// A setting's name as a link would give it, for refusal notices.
fn link_input(param: &str, value: &str) -> String {
    format!("?{param}={value}")
}

impl WidgetConfig {
    /// The standalone page's configuration: the defaults, then the deployment (its block
    /// and the host element's `data-offer`, `data-holder`, `data-time-url`,
    /// `data-preview-at`, `data-locale` attributes, which are part of the deployment's
    /// page), then what the page's link may set (`?offer=`, `?holder=`, `?at=`,
    /// `?locale=`; `?time=` is always refused). For each setting the link's last
    /// parameter wins; blank values count as not given. A preview moment of `live` means
    /// the real clock.
    pub fn standalone(
        deployment: &Deployment,
        attr: impl Fn(&str) -> Option<String>,
        query: &[(String, String)],
        policy: &LinkPolicy,
    ) -> Self {
        let mut c = WidgetConfig::defaults();
        c.problems.extend(deployment.problems.iter().cloned());
        let mut settings = crate::config::ElementSettings::default();
        c.apply_settings(
            &deployment.settings,
            Source::Deployment,
            &mut settings,
            None,
        );
        let nonblank = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        if let Some(v) = nonblank(attr("data-offer")) {
            c.offer_url = v;
        }
        if let Some(v) = nonblank(attr("data-holder")) {
            c.holder_url = v;
        }
        if let Some(v) = nonblank(attr("data-time-url")) {
            c.time_url = Some(v);
        }
        if let Some(v) = nonblank(attr("data-preview-at")) {
            c.preview_at = (v != "live").then_some(PreviewAt(v));
        }
        if let Some(v) =
            nonblank(attr("data-locale")).filter(|l| crate::format::plausible_locale(l))
        {
            c.locale = Some(v);
        }
        let from_query = |param: &str| {
            nonblank(
                query
                    .iter()
                    .rev()
                    .find(|(k, _)| k == param)
                    .map(|(_, v)| v.clone()),
            )
        };
        for (param, target) in [("offer", &mut c.offer_url), ("holder", &mut c.holder_url)] {
            if let Some(url) = from_query(param) {
                match policy.data_url(&url) {
                    Ok(()) => *target = url,
                    Err(why) => c.refused.push(Refusal {
                        input: link_input(param, &url),
                        why,
                    }),
                }
            }
        }
        if let Some(url) = from_query("time") {
            c.refused.push(Refusal {
                input: link_input("time", &url),
                why: "a link cannot choose the clock that governs the deadline; the page's own clock is used".to_owned(),
            });
        }
        if let Some(at) = from_query("at") {
            match policy.preview(&c.delivery) {
                Ok(()) => c.preview_at = (at != "live").then_some(PreviewAt(at)),
                Err(why) => c.refused.push(Refusal {
                    input: link_input("at", &at),
                    why,
                }),
            }
        }
        if let Some(l) = from_query("locale").filter(|l| crate::format::plausible_locale(l)) {
            c.locale = Some(l);
        }
        c
    }
}

/// One input of the `<election-widget>` element (`offer`, `holder` or `config`), by the
/// first of: the JS property, the attribute (a URL), a child
/// `<script type="application/json" data-input="…">`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Missing,
    Url(String),
    Inline(String),
}

/// The element's own settings, beside the data: from its `config` input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ElementSettings {
    /// `light` or `dark`; `None` follows the reader's preference.
    pub theme: Option<String>,
    /// A BCP 47 language tag for the element (its `lang`).
    pub locale: Option<String>,
}

/// The element's own attributes; with the HTML global ones (and `data-*`, `aria-*`),
/// anything else on an `<election-widget>` is reported, so a typo (`ofer=`) is named.
pub const ELEMENT_ATTRIBUTES: &[&str] = &["offer", "holder", "config", "theme"];

const GLOBAL_ATTRIBUTES: &[&str] = &[
    "id",
    "class",
    "style",
    "lang",
    "dir",
    "hidden",
    "title",
    "slot",
    "part",
    "exportparts",
    "tabindex",
    "translate",
    "inert",
    "is",
    "nonce",
    "autofocus",
    "draggable",
    "spellcheck",
    "contenteditable",
    "accesskey",
    "enterkeyhint",
    "inputmode",
    "popover",
    "role",
];

/// The problems with an element's attribute names: one per attribute the element does
/// not know.
pub fn unknown_attributes<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    names
        .into_iter()
        .filter(|n| {
            let n = n.to_ascii_lowercase();
            !(ELEMENT_ATTRIBUTES.contains(&n.as_str())
                || GLOBAL_ATTRIBUTES.contains(&n.as_str())
                || n.starts_with("data-")
                || n.starts_with("aria-")
                || n.starts_with("on"))
        })
        .map(|n| {
            format!(
                "The attribute `{n}` is not one of the element's ({}); it is ignored.",
                ELEMENT_ATTRIBUTES.join(", ")
            )
        })
        .collect()
}

/// The settings a `config` input may hold; anything else is reported.
pub const ELEMENT_SETTINGS: &[&str] = &["time_url", "preview_at", "theme", "locale", "delivery"];

impl WidgetConfig {
    /// The configuration of an `<election-widget>` element from its inputs, `config`
    /// already fetched when it was a URL: set by the portal, so every setting is taken.
    /// Pure, so every rule is tested natively: the element has no default data (a
    /// missing offer or holder is an error, never Mpower by surprise), and an unknown or
    /// mistyped setting is named.
    pub fn from_element(
        offer: Input,
        holder: Input,
        config: Option<&str>,
    ) -> (Self, ElementSettings) {
        Self::from_inputs(
            (WidgetConfig::embedded(), ElementSettings::default()),
            offer,
            holder,
            config,
            Source::Host,
            None,
        )
    }

    /// The configuration from an embedding's three inputs over `base` (the deployment's
    /// settings), as `source` may set them: a [`Source::Link`] is checked against
    /// `policy` (a link without a policy may set nothing but the theme and the locale).
    pub fn from_inputs(
        base: (WidgetConfig, ElementSettings),
        offer: Input,
        holder: Input,
        config: Option<&str>,
        source: Source,
        policy: Option<&LinkPolicy>,
    ) -> (Self, ElementSettings) {
        let (mut c, mut settings) = base;
        for (name, input) in [("offer", offer), ("holder", holder)] {
            let (url, json) = match name {
                "offer" => (&mut c.offer_url, &mut c.offer_json),
                _ => (&mut c.holder_url, &mut c.holder_json),
            };
            match input {
                Input::Url(u) if !u.trim().is_empty() => {
                    let u = u.trim().to_owned();
                    let allowed = match (source, policy) {
                        (Source::Link, Some(policy)) => policy.data_url(&u),
                        (Source::Link, None) => Err("a link may not name files here".to_owned()),
                        _ => Ok(()),
                    };
                    match allowed {
                        Ok(()) => {
                            *url = u;
                            *json = None;
                        }
                        Err(why) => c.refused.push(Refusal {
                            input: link_input(name, &u),
                            why,
                        }),
                    }
                }
                Input::Inline(text) => {
                    *url = format!("the inline {name} JSON");
                    *json = Some(Rc::from(text));
                }
                _ => {}
            }
            if json.is_none() && url.is_empty() {
                c.problems.push(format!(
                    "No {name} is given: set the element's `{name}` attribute to a URL, its `{name}` property, or a child <script type=\"application/json\" data-input=\"{name}\">."
                ));
            }
        }
        match config.map(serde_json::from_str::<serde_json::Value>) {
            None => {}
            Some(Ok(serde_json::Value::Object(map))) => {
                c.apply_settings(&map, source, &mut settings, policy)
            }
            Some(Ok(other)) => c
                .problems
                .push(format!("config must be a JSON object, not {other}")),
            Some(Err(e)) => c.problems.push(format!("config is not valid JSON: {e}")),
        }
        (c, settings)
    }

    /// Applies a settings object (`config`, or the deployment block) as `source` may.
    fn apply_settings(
        &mut self,
        map: &serde_json::Map<String, serde_json::Value>,
        source: Source,
        settings: &mut ElementSettings,
        policy: Option<&LinkPolicy>,
    ) {
        let c = self;
        let link = source == Source::Link;
        for (key, value) in map {
            let refuse = |c: &mut WidgetConfig, why: String| {
                c.refused.push(Refusal {
                    input: format!("config.{key}"),
                    why,
                })
            };
            if key == "delivery" {
                if link {
                    refuse(c, "a link cannot choose where elections go or which key receipts are checked with; the deployment's delivery is used".to_owned());
                    continue;
                }
                let at = election_core::JsonPath::named("config").key("delivery");
                match crate::delivery::DeliveryConfig::from_json(value, &at) {
                    Ok(delivery) => c.delivery = delivery,
                    Err(problems) => c.problems.extend(problems.iter().map(ToString::to_string)),
                }
                continue;
            }
            let text = value.as_str().map(str::trim).filter(|v| !v.is_empty());
            match (key.as_str(), text) {
                ("time_url", Some(_)) if link => refuse(
                    c,
                    "a link cannot choose the clock that governs the deadline; the page's own clock is used".to_owned(),
                ),
                ("time_url", Some(v)) => c.time_url = Some(v.to_owned()),
                ("preview_at", Some(v)) if link => {
                    let allowed = policy
                        .ok_or_else(|| "a link cannot start a preview here".to_owned())
                        .and_then(|p| p.preview(&c.delivery));
                    match allowed {
                        Ok(()) => c.preview_at = (v != "live").then(|| PreviewAt(v.to_owned())),
                        Err(why) => refuse(c, why),
                    }
                }
                ("preview_at", Some("live")) => c.preview_at = None,
                ("preview_at", Some(v)) => c.preview_at = Some(PreviewAt(v.to_owned())),
                (name @ ("offer" | "holder"), Some(v)) if source == Source::Deployment => {
                    if name == "offer" {
                        c.offer_url = v.to_owned();
                    } else {
                        c.holder_url = v.to_owned();
                    }
                }
                ("theme", Some(v @ ("light" | "dark"))) => settings.theme = Some(v.to_owned()),
                ("theme", _) => c.problems.push(format!(
                    "config.theme must be \"light\" or \"dark\", not {value}"
                )),
                ("locale", Some(v)) if crate::format::plausible_locale(v) => {
                    settings.locale = Some(v.to_owned());
                    c.locale = Some(v.to_owned());
                }
                ("locale", Some(v)) => c.problems.push(format!(
                    "config.locale must be a BCP 47 language tag such as \"en-US\" or \"fr-CA\", not {v:?}"
                )),
                (known, None) if ELEMENT_SETTINGS.contains(&known) => c.problems.push(format!(
                    "config.{known} must be a non-empty string, not {value}"
                )),
                (unknown, _) => c.problems.push(format!(
                    "config.{unknown} is not a setting; the settings are {}",
                    ELEMENT_SETTINGS.join(", ")
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// Attributes as a host element would give them.
    fn attrs(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: Vec<(String, String)> = q(pairs);
        move |name| map.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    /// A URL's origin as a page on https://hr.example.com would resolve it.
    pub(crate) fn origin_of(url: &str) -> Option<String> {
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("data:")
            || lower.starts_with("blob:")
            || lower.starts_with("javascript:")
        {
            return None;
        }
        match url.split_once("://") {
            Some((scheme, rest)) => Some(format!(
                "{scheme}://{}",
                rest.split('/').next().unwrap_or("")
            )),
            None if url.starts_with("//") => Some(format!(
                "https:{}",
                url.split('/').take(3).collect::<Vec<_>>().join("/")
            )),
            None => Some("https://hr.example.com".to_owned()),
        }
    }

    pub(crate) const PAGE: &str = "https://hr.example.com";

    fn policy(link_preview: bool) -> LinkPolicy<'static> {
        const DATA: &[String] = &[];
        LinkPolicy {
            data_origins: DATA,
            page_origin: PAGE,
            link_preview,
            origin_of: &origin_of,
        }
    }

    fn page(a: &[(&str, &str)], query: &[(&str, &str)]) -> WidgetConfig {
        WidgetConfig::standalone(&Deployment::default(), attrs(a), &q(query), &policy(true))
    }

    #[test]
    fn defaults_then_attributes_then_query() {
        assert_eq!(page(&[], &[]), WidgetConfig::defaults());
        let c = page(&[("data-offer", "a.json")], &[]);
        assert_eq!(c.offer_url, "a.json");
        assert_eq!(c.holder_url, DEFAULT_HOLDER_URL);
        let c = page(
            &[
                ("data-offer", "a.json"),
                ("data-holder", "h.json"),
                ("data-time-url", "/t"),
            ],
            &[("offer", "b.json"), ("other", "x")],
        );
        assert_eq!(c.offer_url, "b.json");
        assert_eq!(c.holder_url, "h.json");
        assert_eq!(c.time_url.as_deref(), Some("/t"));
        assert!(c.refused.is_empty());
    }

    #[test]
    fn blank_values_do_not_count_and_the_last_parameter_wins() {
        let c = page(
            &[("data-offer", "  "), ("data-time-url", "/t")],
            &[("holder", "1.json"), ("holder", "2.json"), ("offer", "")],
        );
        assert_eq!(c.offer_url, DEFAULT_OFFER_URL);
        assert_eq!(c.holder_url, "2.json");
        assert_eq!(c.time_url.as_deref(), Some("/t"));
        assert_eq!(c.preview_at, None);
    }

    #[test]
    fn the_preview_moment_comes_from_the_url_then_the_element() {
        let at = |v: &str| Some(PreviewAt(v.to_owned()));
        let attr = [("data-preview-at", "2001-09-20T10:00:00-04:00")];
        assert_eq!(page(&attr, &[]).preview_at, at("2001-09-20T10:00:00-04:00"));
        assert_eq!(page(&attr, &[("at", "live")]).preview_at, None);
        assert_eq!(
            page(&[], &[("at", " 2001-09-27T23:00:00Z ")]).preview_at,
            at("2001-09-27T23:00:00Z")
        );
        assert_eq!(page(&[("data-preview-at", "  ")], &[]).preview_at, None);
    }

    #[test]
    fn a_link_never_chooses_the_clock() {
        let c = page(
            &[("data-time-url", "/t")],
            &[("time", "https://evil.test/time")],
        );
        assert_eq!(c.time_url.as_deref(), Some("/t"));
        assert_eq!(c.refused.len(), 1);
        assert_eq!(c.refused[0].input, "?time=https://evil.test/time");
        assert!(c.refused[0].why.contains("cannot choose the clock"));
        assert!(c.problems.is_empty(), "a refusal never blanks the widget");
    }

    #[test]
    fn a_link_names_data_on_allowed_origins_only() {
        for bad in [
            "https://evil.test/offer.json",
            "//evil.test/offer.json",
            "data:application/json,{}",
            "DATA:application/json,{}",
            "blob:https://hr.example.com/1",
        ] {
            let c = page(&[], &[("offer", bad), ("holder", "holders/x.json")]);
            assert_eq!(c.offer_url, DEFAULT_OFFER_URL, "{bad}");
            assert_eq!(c.holder_url, "holders/x.json");
            assert_eq!(c.refused.len(), 1, "{bad}");
            assert!(
                c.refused[0].why.contains("https://hr.example.com"),
                "{:?}",
                c.refused
            );
        }
        let same = page(&[], &[("offer", "https://hr.example.com/o.json")]);
        assert_eq!(same.offer_url, "https://hr.example.com/o.json");
        let data = vec!["https://files.example.com".to_owned()];
        let allowed = LinkPolicy {
            data_origins: &data,
            ..policy(false)
        };
        let c = WidgetConfig::standalone(
            &Deployment::default(),
            attrs(&[]),
            &q(&[("offer", "https://files.example.com/o.json")]),
            &allowed,
        );
        assert_eq!(c.offer_url, "https://files.example.com/o.json");
        assert!(c.refused.is_empty());
    }

    #[test]
    fn link_previews_are_the_deployments_choice_and_never_where_elections_are_delivered() {
        let at = [("at", "2001-09-28T00:00:00-04:00")];
        let off =
            WidgetConfig::standalone(&Deployment::default(), attrs(&[]), &q(&at), &policy(false));
        assert_eq!(off.preview_at, None);
        assert!(off.refused[0].why.contains("link_preview"));
        let delivering = Deployment::parse(Some(
            r#"{"link_preview": true, "delivery": {"transport": "http", "url": "https://hr.example.com"}}"#,
        ));
        assert!(delivering.problems.is_empty(), "{:?}", delivering.problems);
        let c = WidgetConfig::standalone(&delivering, attrs(&[]), &q(&at), &policy(true));
        assert_eq!(c.preview_at, None);
        assert!(c.refused[0].why.contains("delivered"), "{:?}", c.refused);
        assert!(matches!(
            c.delivery.transport,
            crate::delivery::Transport::Http { .. }
        ));
    }

    #[test]
    fn the_deployment_block_sets_everything_and_names_its_own_mistakes() {
        let d = Deployment::parse(Some(
            r#"{"offer": "o.json", "holder": "h.json", "time_url": "https://hr.example.com/time", "data_origins": ["https://files.example.com"], "link_preview": false}"#,
        ));
        assert_eq!(d.data_origins, vec!["https://files.example.com".to_owned()]);
        let c = WidgetConfig::standalone(&d, attrs(&[]), &[], &policy(false));
        assert_eq!(
            (c.offer_url.as_str(), c.holder_url.as_str()),
            ("o.json", "h.json")
        );
        assert_eq!(c.time_url.as_deref(), Some("https://hr.example.com/time"));
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        let bad = Deployment::parse(Some(
            r#"{"data_origins": ["https://ok.example", "https://x.example; script-src *", 5], "link_preview": "yes"}"#,
        ));
        assert_eq!(bad.data_origins, vec!["https://ok.example".to_owned()]);
        assert_eq!(bad.problems.len(), 3, "{:?}", bad.problems);
        assert!(Deployment::parse(Some("[]")).problems[0].contains("JSON object"));
        assert!(Deployment::parse(Some("{")).problems[0].contains("not valid JSON"));
        assert_eq!(Deployment::parse(None), Deployment::default());
    }
}

#[cfg(test)]
mod element_tests {
    use super::*;

    #[test]
    fn urls_inline_json_and_missing_inputs() {
        let (c, _) = WidgetConfig::from_element(
            Input::Url(" o.json ".into()),
            Input::Inline("{}".into()),
            None,
        );
        assert_eq!(c.offer_url, "o.json");
        assert_eq!(c.offer_json, None);
        assert_eq!(c.holder_json.as_deref(), Some("{}"));
        assert_eq!(c.holder_url, "the inline holder JSON");
        assert!(c.problems.is_empty());
        let (c, _) = WidgetConfig::from_element(Input::Missing, Input::Url("  ".into()), None);
        assert_eq!(c.problems.len(), 2);
        assert!(c.problems[0].contains("No offer is given"));
        assert!(c.problems[1].contains("No holder is given"));
    }

    #[test]
    fn unknown_attributes_are_named_and_html_ones_are_not() {
        let problems = unknown_attributes([
            "offer",
            "HOLDER",
            "id",
            "class",
            "data-x",
            "aria-label",
            "onclick",
            "ofer",
            "colour",
        ]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("`ofer`"));
        assert!(problems[1].contains("`colour`"));
    }

    #[test]
    fn settings_are_read_and_unknown_ones_named() {
        let ok = r#"{"time_url": "/t", "preview_at": "2001-09-20T10:00:00-04:00", "theme": "dark", "locale": "fr-CA"}"#;
        let (c, s) =
            WidgetConfig::from_element(Input::Url("o".into()), Input::Url("h".into()), Some(ok));
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.time_url.as_deref(), Some("/t"));
        assert_eq!(
            c.preview_at,
            Some(PreviewAt("2001-09-20T10:00:00-04:00".into()))
        );
        assert_eq!(s.theme.as_deref(), Some("dark"));
        assert_eq!(s.locale.as_deref(), Some("fr-CA"));
        assert_eq!(c.locale.as_deref(), Some("fr-CA"));
        let (c, _) = WidgetConfig::from_element(
            Input::Url("o".into()),
            Input::Url("h".into()),
            Some(r#"{"locale": "fr_CA"}"#),
        );
        assert!(c.problems[0].contains("config.locale must be a BCP 47 language tag"));
        let de = |n: &str| (n == "data-locale").then(|| "de-DE".to_owned());
        let policy = LinkPolicy {
            data_origins: &[],
            page_origin: tests::PAGE,
            link_preview: false,
            origin_of: &tests::origin_of,
        };
        let d = Deployment::default();
        let page =
            WidgetConfig::standalone(&d, de, &[("locale".to_owned(), "<b>".to_owned())], &policy);
        assert_eq!(
            page.locale.as_deref(),
            Some("de-DE"),
            "a malformed locale in the link falls back to the page's own"
        );
        assert_eq!(
            WidgetConfig::standalone(&d, de, &[], &policy)
                .locale
                .as_deref(),
            Some("de-DE")
        );
        let bad = r#"{"time_url": 5, "theme": "purple", "colour": "red"}"#;
        let (c, _) =
            WidgetConfig::from_element(Input::Url("o".into()), Input::Url("h".into()), Some(bad));
        let all = c.problems.join("\n");
        assert!(
            all.contains("config.time_url must be a non-empty string"),
            "{all}"
        );
        assert!(all.contains("config.theme must be"), "{all}");
        assert!(all.contains("config.colour is not a setting"), "{all}");
        let delivery = r#"{"delivery": {"transport": "http", "url": "https://hr.example.com"}}"#;
        let (c, _) = WidgetConfig::from_element(
            Input::Url("o".into()),
            Input::Url("h".into()),
            Some(delivery),
        );
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert!(
            matches!(c.delivery.transport, crate::delivery::Transport::Http { ref url, .. } if url == "https://hr.example.com")
        );
        let delivery = r#"{"delivery": {"transport": "http"}}"#;
        let (c, _) = WidgetConfig::from_element(
            Input::Url("o".into()),
            Input::Url("h".into()),
            Some(delivery),
        );
        assert!(
            c.problems[0].contains("config.delivery.url: is missing"),
            "{:?}",
            c.problems
        );
        let (c, _) =
            WidgetConfig::from_element(Input::Url("o".into()), Input::Url("h".into()), Some("[1]"));
        assert!(c.problems[0].contains("must be a JSON object"));
        let (c, _) =
            WidgetConfig::from_element(Input::Url("o".into()), Input::Url("h".into()), Some("{"));
        assert!(c.problems[0].contains("not valid JSON"));
    }

    #[test]
    fn a_frames_link_may_not_choose_delivery_the_clock_or_a_stranger_s_data() {
        let d = Deployment::parse(Some(
            r#"{"delivery": {"transport": "http", "url": "https://hr.example.com"}, "time_url": "https://hr.example.com/v1/time"}"#,
        ));
        let policy = LinkPolicy {
            data_origins: &[],
            page_origin: tests::PAGE,
            link_preview: true,
            origin_of: &tests::origin_of,
        };
        let stranger = r#"{"delivery": {"transport": "http", "url": "https://evil.test", "receiver_key": {"kty": "EC", "crv": "P-256", "x": "x", "y": "y"}}, "time_url": "https://evil.test/time", "preview_at": "2001-09-28T00:00:00-04:00", "theme": "dark", "locale": "fr-CA"}"#;
        let (c, s) = WidgetConfig::from_inputs(
            WidgetConfig::deployed(&d),
            Input::Url("offers/o.json".into()),
            Input::Url("https://evil.test/h.json".into()),
            Some(stranger),
            Source::Link,
            Some(&policy),
        );
        assert!(
            matches!(c.delivery.transport, crate::delivery::Transport::Http { ref url, .. } if url == "https://hr.example.com"),
            "{:?}",
            c.delivery
        );
        assert_eq!(
            c.time_url.as_deref(),
            Some("https://hr.example.com/v1/time")
        );
        assert_eq!(c.preview_at, None);
        assert_eq!(c.offer_url, "offers/o.json");
        let inputs: Vec<&str> = c.refused.iter().map(|r| r.input.as_str()).collect();
        assert_eq!(
            inputs,
            [
                "?holder=https://evil.test/h.json",
                "config.delivery",
                "config.preview_at",
                "config.time_url"
            ],
            "{:?}",
            c.refused
        );
        assert!(
            c.problems.iter().any(|p| p.contains("No holder is given")),
            "{:?}",
            c.problems
        );
        // What a link may set, it sets.
        assert_eq!(
            (s.theme.as_deref(), c.locale.as_deref()),
            (Some("dark"), Some("fr-CA"))
        );
        // The same from an allowed parent's message: the portal decides.
        let (c, _) = WidgetConfig::from_inputs(
            WidgetConfig::deployed(&d),
            Input::Url("https://files.example.com/o.json".into()),
            Input::Url("h.json".into()),
            Some(r#"{"time_url": "https://hr.example.com/t2", "preview_at": "live"}"#),
            Source::Host,
            Some(&policy),
        );
        assert!(
            c.refused.is_empty() && c.problems.is_empty(),
            "{:?} {:?}",
            c.refused,
            c.problems
        );
        assert_eq!(c.time_url.as_deref(), Some("https://hr.example.com/t2"));
    }
}
