//! The deployment's own settings (the page's
//! `<script type="application/json" id="election-widget-deployment">`), and an
//! embedding's configuration before its inputs.

use election_core::origin::serialized_origin;

use super::{ElementSettings, Source, WidgetConfig};

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
        let map = match super::settings_object(text, "the page's deployment settings") {
            Ok(map) => map,
            Err(problems) => {
                d.problems = problems;
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
