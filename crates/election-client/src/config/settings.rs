//! A settings object (`config`, or the deployment block) applied as its source may set
//! it: the one place the rule "who may set what" is enforced.

use super::{LinkPolicy, PreviewAt, Refusal, Source, WidgetConfig};

/// The element's own settings, beside the data: from its `config` input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ElementSettings {
    /// `light` or `dark`; `None` follows the reader's preference.
    pub theme: Option<String>,
    /// A BCP 47 language tag for the element (its `lang`).
    pub locale: Option<String>,
}

/// The settings a `config` input may hold; anything else is reported.
pub const ELEMENT_SETTINGS: &[&str] = &["time_url", "preview_at", "theme", "locale", "delivery"];
impl WidgetConfig {
    /// Applies a settings object (`config`, or the deployment block) as `source` may.
    pub(super) fn apply_settings(
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
