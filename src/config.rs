//! The widget's configuration: everything it needs from its host, in one value.

use std::rc::Rc;

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
    /// Where signed elections go (`config.delivery`); by default a file to download.
    pub delivery: crate::delivery::DeliveryConfig,
    /// The reader's locale (BCP 47) for figures: numbers, money and dates. `None` is the
    /// browser's language.
    pub locale: Option<String>,
}

/// The moment of a preview, as given (checked when the widget starts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewAt(pub String);

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
            delivery: crate::delivery::DeliveryConfig::default(),
            locale: None,
        }
    }
}

impl WidgetConfig {
    /// The configuration for a host element: its `data-offer`, `data-holder`,
    /// `data-time-url` and `data-preview-at` attributes, overridden by the page's
    /// `?offer=`, `?holder=`, `?time=` and `?at=` parameters. `query` is the page's query
    /// string as (name, value) pairs.
    pub fn from_host(root: &web_sys::Element, query: &[(String, String)]) -> Self {
        Self::resolve(|name| root.get_attribute(name), query)
    }

    /// The rule behind [`WidgetConfig::from_host`], without the DOM: for each setting the
    /// page URL's last parameter wins over the element's attribute, which wins over the
    /// default; blank values count as not given. A preview moment of `live` means the
    /// real clock.
    pub fn resolve(attr: impl Fn(&str) -> Option<String>, query: &[(String, String)]) -> Self {
        let setting = |param: &str, attribute: &str| {
            let from_query = query
                .iter()
                .rev()
                .find(|(k, _)| k == param)
                .map(|(_, v)| v.clone());
            [from_query, attr(attribute)]
                .into_iter()
                .flatten()
                .map(|s| s.trim().to_owned())
                .find(|s| !s.is_empty())
        };
        WidgetConfig {
            offer_url: setting("offer", "data-offer")
                .unwrap_or_else(|| DEFAULT_OFFER_URL.to_owned()),
            holder_url: setting("holder", "data-holder")
                .unwrap_or_else(|| DEFAULT_HOLDER_URL.to_owned()),
            time_url: setting("time", "data-time-url"),
            preview_at: setting("at", "data-preview-at")
                .filter(|v| v != "live")
                .map(PreviewAt),
            locale: setting("locale", "data-locale").filter(|l| crate::format::plausible_locale(l)),
            ..WidgetConfig::defaults()
        }
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
    /// already fetched when it was a URL. Pure, so every rule is tested natively: the
    /// element has no default data (a missing offer or holder is an error, never
    /// Mpower by surprise), and an unknown or mistyped setting is named.
    pub fn from_element(
        offer: Input,
        holder: Input,
        config: Option<&str>,
    ) -> (Self, ElementSettings) {
        let mut c = WidgetConfig::defaults();
        let mut settings = ElementSettings::default();
        for (name, input, url, json) in [
            ("offer", offer, &mut c.offer_url, &mut c.offer_json),
            ("holder", holder, &mut c.holder_url, &mut c.holder_json),
        ] {
            match input {
                Input::Url(u) if !u.trim().is_empty() => *url = u.trim().to_owned(),
                Input::Inline(text) => {
                    *url = format!("the inline {name} JSON");
                    *json = Some(Rc::from(text));
                }
                _ => c.problems.push(format!(
                    "No {name} is given: set the element's `{name}` attribute to a URL, its `{name}` property, or a child <script type=\"application/json\" data-input=\"{name}\">."
                )),
            }
        }
        if let Some(text) = config {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(serde_json::Value::Object(map)) => {
                    for (key, value) in map {
                        if key == "delivery" {
                            match crate::delivery::DeliveryConfig::from_json(&value) {
                                Ok(delivery) => c.delivery = delivery,
                                Err(problems) => c.problems.extend(problems),
                            }
                            continue;
                        }
                        let text = value.as_str().map(str::trim).filter(|v| !v.is_empty());
                        match (key.as_str(), text) {
                            ("time_url", Some(v)) => c.time_url = Some(v.to_owned()),
                            ("preview_at", Some("live")) => c.preview_at = None,
                            ("preview_at", Some(v)) => c.preview_at = Some(PreviewAt(v.to_owned())),
                            ("theme", Some(v @ ("light" | "dark"))) => {
                                settings.theme = Some(v.to_owned())
                            }
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
                            (known, None) if ELEMENT_SETTINGS.contains(&known) => c.problems.push(
                                format!("config.{known} must be a non-empty string, not {value}"),
                            ),
                            (unknown, _) => c.problems.push(format!(
                                "config.{unknown} is not a setting; the settings are {}",
                                ELEMENT_SETTINGS.join(", ")
                            )),
                        }
                    }
                }
                Ok(other) => c
                    .problems
                    .push(format!("config must be a JSON object, not {other}")),
                Err(e) => c.problems.push(format!("config is not valid JSON: {e}")),
            }
        }
        (c, settings)
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

    #[test]
    fn defaults_then_attributes_then_query() {
        assert_eq!(
            WidgetConfig::resolve(attrs(&[]), &[]),
            WidgetConfig::defaults()
        );
        let c = WidgetConfig::resolve(attrs(&[("data-offer", "a.json")]), &[]);
        assert_eq!(c.offer_url, "a.json");
        assert_eq!(c.holder_url, DEFAULT_HOLDER_URL);
        let c = WidgetConfig::resolve(
            attrs(&[
                ("data-offer", "a.json"),
                ("data-holder", "h.json"),
                ("data-time-url", "/t"),
            ]),
            &q(&[("offer", "b.json"), ("other", "x"), ("time", "/time")]),
        );
        assert_eq!(c.offer_url, "b.json");
        assert_eq!(c.holder_url, "h.json");
        assert_eq!(c.time_url.as_deref(), Some("/time"));
    }

    #[test]
    fn blank_values_do_not_count_and_the_last_parameter_wins() {
        let c = WidgetConfig::resolve(
            attrs(&[("data-offer", "  "), ("data-time-url", "/t")]),
            &q(&[
                ("holder", "1.json"),
                ("holder", "2.json"),
                ("offer", ""),
                ("time", " "),
            ]),
        );
        assert_eq!(c.offer_url, DEFAULT_OFFER_URL);
        assert_eq!(c.holder_url, "2.json");
        // A blank parameter falls back to the attribute, for every setting alike.
        assert_eq!(c.time_url.as_deref(), Some("/t"));
        assert_eq!(c.preview_at, None);
    }

    #[test]
    fn the_preview_moment_comes_from_the_url_then_the_element() {
        let at = |v: &str| Some(PreviewAt(v.to_owned()));
        let preview = |a: &[(&str, &str)], query: &[(&str, &str)]| {
            WidgetConfig::resolve(attrs(a), &q(query)).preview_at
        };
        let attr = [("data-preview-at", "2001-09-20T10:00:00-04:00")];
        assert_eq!(preview(&attr, &[]), at("2001-09-20T10:00:00-04:00"));
        assert_eq!(preview(&attr, &[("at", "live")]), None);
        assert_eq!(
            preview(&[], &[("at", " 2001-09-27T23:00:00Z ")]),
            at("2001-09-27T23:00:00Z")
        );
        assert_eq!(preview(&[("data-preview-at", "  ")], &[]), None);
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
        let page = WidgetConfig::resolve(de, &[("locale".to_owned(), "<b>".to_owned())]);
        assert_eq!(
            page.locale.as_deref(),
            None,
            "a malformed locale falls back to the browser's"
        );
        assert_eq!(
            WidgetConfig::resolve(de, &[]).locale.as_deref(),
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
            c.problems[0].contains("config.delivery.url is missing"),
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
}
