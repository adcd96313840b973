//! The standalone page's configuration: the defaults, then the deployment (its block and
//! the host element's `data-*` attributes), then what the page's link may set.

use super::link::link_input;
use super::{Deployment, LinkPolicy, PreviewAt, Refusal, Source, WidgetConfig};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::fixtures::{attrs, policy, q};
    use crate::config::{Deployment, WidgetConfig, DEFAULT_HOLDER_URL, DEFAULT_OFFER_URL};

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
        let twice = Deployment::parse(Some(
            r#"{"link_preview": false, "data_origins": [], "link_preview": true}"#,
        ));
        assert_eq!(
            twice.problems,
            ["the page's deployment settings: $.link_preview is given more than once; keep exactly one"]
        );
        assert!(!twice.link_preview);
        assert_eq!(Deployment::parse(None), Deployment::default());
    }
}
