//! The widget's configuration: everything it needs from its host, in one value.

/// The bundled sample offer, relative to the page.
pub const DEFAULT_OFFER_URL: &str = "offers/mpower-2001.json";
/// The bundled sample employee (the one with dozens of grants).
pub const DEFAULT_HOLDER_URL: &str = "holders/e1002-jordan-okafor.json";

/// Where the widget gets its data. Built by the host page; the widget reads no globals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetConfig {
    /// URL of the offer JSON (absolute, or relative to the page).
    pub offer_url: String,
    /// URL of the option holder JSON.
    pub holder_url: String,
}

impl Default for WidgetConfig {
    fn default() -> Self {
        WidgetConfig {
            offer_url: DEFAULT_OFFER_URL.to_owned(),
            holder_url: DEFAULT_HOLDER_URL.to_owned(),
        }
    }
}

impl WidgetConfig {
    /// The configuration for a host element: its `data-offer` and `data-holder`
    /// attributes, then the page's `?offer=` and `?holder=` parameters, else the defaults.
    /// `query` is the page's query string parameters as (name, value) pairs.
    pub fn from_host(root: &web_sys::Element, query: &[(String, String)]) -> Self {
        Self::resolve(
            root.get_attribute("data-offer"),
            root.get_attribute("data-holder"),
            query,
        )
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

    #[test]
    fn defaults_then_attributes_then_query() {
        assert_eq!(
            WidgetConfig::resolve(None, None, &[]),
            WidgetConfig::default()
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
