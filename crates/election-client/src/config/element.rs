//! The `<election-widget>` element's inputs (`offer`, `holder`, `config`) and attributes,
//! and an embedding's configuration from them.

use std::rc::Rc;

use super::link::link_input;
use super::{ElementSettings, LinkPolicy, Refusal, Source, WidgetConfig};

/// One input of the `<election-widget>` element (`offer`, `holder` or `config`), by the
/// first of: the JS property, the attribute (a URL), a child
/// `<script type="application/json" data-input="…">`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Missing,
    Url(String),
    Inline(String),
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
        .map(|n| match n.to_ascii_lowercase().as_str() {
            // The token is a credential: in the markup every script and tool on the page
            // reads it. It is never taken from there.
            "token" => "The attribute `token` is ignored: a token in the page's markup can be read by every script on the page. Set the element's `token` property instead (docs/EMBEDDING.md).".to_owned(),
            _ => format!(
                "The attribute `{n}` is not one of the element's ({}); it is ignored.",
                ELEMENT_ATTRIBUTES.join(", ")
            ),
        })
        .collect()
}

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
        match config.map(|text| super::settings_object(text, "config")) {
            None => {}
            Some(Ok(map)) => c.apply_settings(&map, source, &mut settings, policy),
            Some(Err(problems)) => c.problems.extend(problems),
        }
        (c, settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::fixtures::{origin_of, PAGE};
    use crate::config::{Deployment, LinkPolicy, PreviewAt};

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
            "Token",
        ]);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("`ofer`"));
        assert!(problems[1].contains("`colour`"));
        assert!(
            problems[2].contains("Set the element's `token` property instead"),
            "a token is never read from the markup: {problems:?}"
        );
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
            page_origin: PAGE,
            link_preview: false,
            origin_of: &origin_of,
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
        // A setting given twice is refused, never one of the two taken: which one a JSON
        // reader keeps differs between readers.
        let (c, _) = WidgetConfig::from_element(
            Input::Url("o".into()),
            Input::Url("h".into()),
            Some(
                r#"{"locale": "en-US", "delivery": {"transport": "download", "transport": "http"}}"#,
            ),
        );
        assert_eq!(
            c.problems,
            ["config: $.delivery.transport is given more than once; keep exactly one"]
        );
        assert_eq!(c.delivery, WidgetConfig::defaults().delivery);
        assert_eq!(c.locale, None);
    }

    #[test]
    fn a_frames_link_may_not_choose_delivery_the_clock_or_a_stranger_s_data() {
        let d = Deployment::parse(Some(
            r#"{"delivery": {"transport": "http", "url": "https://hr.example.com"}, "time_url": "https://hr.example.com/v1/time"}"#,
        ));
        let policy = LinkPolicy {
            data_origins: &[],
            page_origin: PAGE,
            link_preview: true,
            origin_of: &origin_of,
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
