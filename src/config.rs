//! The widget's configuration: everything it needs from its host, in one value.

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
        }
    }
}

impl WidgetConfig {
    /// The configuration for a host element: its `data-offer` and `data-holder`
    /// attributes, then the page's `?offer=` and `?holder=` parameters, else the defaults.
    /// `query` is the page's query string parameters as (name, value) pairs.
    pub fn from_host(root: &web_sys::Element, query: &[(String, String)]) -> Self {
        let attr = |name: &str| root.get_attribute(name);
        let mut config = Self::resolve(attr("data-offer"), attr("data-holder"), query);
        let time = query
            .iter()
            .rev()
            .find(|(k, _)| k == "time")
            .map(|(_, v)| v.clone());
        config.time_url = time
            .or_else(|| attr("data-time-url"))
            .filter(|u| !u.trim().is_empty());
        config.preview_at = preview(attr("data-preview-at"), query);
        config
    }

    /// The rule behind [`WidgetConfig::from_host`], without the DOM: the page URL wins
    /// over the element's attributes, which win over the defaults; blank values count as
    /// not given.
    pub fn resolve(
        offer_attr: Option<String>,
        holder_attr: Option<String>,
        query: &[(String, String)],
    ) -> Self {
        let param = |name: &str| {
            query
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let pick = |from_query: Option<String>, from_attr: Option<String>, default: &str| {
            [from_query, from_attr]
                .into_iter()
                .flatten()
                .map(|s| s.trim().to_owned())
                .find(|s| !s.is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        WidgetConfig {
            offer_url: pick(param("offer"), offer_attr, DEFAULT_OFFER_URL),
            holder_url: pick(param("holder"), holder_attr, DEFAULT_HOLDER_URL),
            ..WidgetConfig::defaults()
        }
    }
}

/// The preview moment: the page's `?at=` wins over the element's `data-preview-at`;
/// `live` (or blank) means the real clock.
pub fn preview(attr: Option<String>, query: &[(String, String)]) -> Option<PreviewAt> {
    let from_query = query
        .iter()
        .rev()
        .find(|(k, _)| k == "at")
        .map(|(_, v)| v.clone());
    let value = from_query.or(attr)?;
    let value = value.trim();
    (!value.is_empty() && value != "live").then(|| PreviewAt(value.to_owned()))
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

    #[test]
    fn defaults_then_attributes_then_query() {
        assert_eq!(
            WidgetConfig::resolve(None, None, &[]),
            WidgetConfig::defaults()
        );
        let c = WidgetConfig::resolve(Some("a.json".into()), None, &[]);
        assert_eq!(c.offer_url, "a.json");
        assert_eq!(c.holder_url, DEFAULT_HOLDER_URL);
        let c = WidgetConfig::resolve(
            Some("a.json".into()),
            Some("h.json".into()),
            &q(&[("offer", "b.json"), ("other", "x")]),
        );
        assert_eq!(c.offer_url, "b.json");
        assert_eq!(c.holder_url, "h.json");
    }

    #[test]
    fn the_preview_moment_comes_from_the_url_then_the_element() {
        let at = |v: &str| Some(PreviewAt(v.to_owned()));
        assert_eq!(preview(None, &[]), None);
        assert_eq!(
            preview(Some("2001-09-20T10:00:00-04:00".into()), &[]),
            at("2001-09-20T10:00:00-04:00")
        );
        assert_eq!(
            preview(
                Some("2001-09-20T10:00:00-04:00".into()),
                &q(&[("at", "live")])
            ),
            None
        );
        assert_eq!(
            preview(None, &q(&[("at", " 2001-09-27T23:00:00Z ")])),
            at("2001-09-27T23:00:00Z")
        );
        assert_eq!(preview(Some("  ".into()), &[]), None);
    }

    #[test]
    fn blank_values_do_not_count_and_the_last_parameter_wins() {
        let c = WidgetConfig::resolve(
            Some("  ".into()),
            None,
            &q(&[("holder", "1.json"), ("holder", "2.json"), ("offer", "")]),
        );
        assert_eq!(c.offer_url, DEFAULT_OFFER_URL);
        assert_eq!(c.holder_url, "2.json");
    }
}
