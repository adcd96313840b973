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
