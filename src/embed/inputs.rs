//! An embedding's three inputs (`offer`, `holder`, `config`): read from the element, and
//! resolved into the widget's configuration (the element's and the frame's alike).

use std::rc::Rc;

use wasm_bindgen::JsValue;
use web_sys::HtmlElement;

use crate::platform::{net, page};
use election_client::config::{
    Deployment, ElementSettings, Input, LinkPolicy, Refusal, Source, WidgetConfig,
};

/// One input, by the first of: the JS property, the attribute, a child
/// `<script type="application/json" data-input="name">`.
pub fn read_input(host: &HtmlElement, name: &str) -> Input {
    let property = js_sys::Reflect::get(host, &JsValue::from_str("_ewInputs"))
        .ok()
        .and_then(|inputs| js_sys::Reflect::get(&inputs, &JsValue::from_str(name)).ok())
        .filter(|v| !v.is_undefined() && !v.is_null());
    if let Some(value) = property {
        return match value.as_string() {
            Some(url) => Input::Url(url),
            None => js_sys::JSON::stringify(&value)
                .ok()
                .and_then(|s| s.as_string())
                .map_or(Input::Missing, Input::Inline),
        };
    }
    if let Some(url) = host.get_attribute(name) {
        return Input::Url(url);
    }
    let selector = format!(r#"script[type="application/json"][data-input="{name}"]"#);
    match host.query_selector(&selector) {
        Ok(Some(script)) => Input::Inline(script.text_content().unwrap_or_default()),
        _ => Input::Missing,
    }
}

/// The configuration from an embedding's three inputs (the element's or the frame's),
/// fetching `config` first when it is a URL. `source` says who gave them: the portal
/// ([`Source::Host`]) or a link ([`Source::Link`], the frame's URL), checked against the
/// page's `deployment`, whose settings are the base (the frame's page has one; the
/// element, on a portal's page, starts from nothing).
pub async fn resolve_inputs(
    offer: Input,
    holder: Input,
    config: Input,
    source: Source,
    deployment: Option<Rc<Deployment>>,
) -> (WidgetConfig, ElementSettings) {
    let base = match &deployment {
        Some(d) => WidgetConfig::deployed(d),
        None => (WidgetConfig::embedded(), Default::default()),
    };
    let empty = Deployment::default();
    let d = deployment.as_deref().unwrap_or(&empty);
    let page_origin = page::page_origin();
    let policy = LinkPolicy {
        data_origins: &d.data_origins,
        page_origin: &page_origin,
        link_preview: d.link_preview,
        origin_of: &page::url_origin,
    };
    let mut refused = None;
    let (text, problem) = match config {
        Input::Missing => (None, None),
        Input::Inline(text) => (Some(text), None),
        Input::Url(url) => match (source, policy.data_url(&url)) {
            (Source::Link, Err(why)) => {
                refused = Some(Refusal {
                    input: format!("?config={url}"),
                    why,
                });
                (None, None)
            }
            _ => match net::fetch_text(&url).await {
                Ok(text) => (Some(text), None),
                Err(why) => (
                    None,
                    Some(format!("config could not be loaded from {url}: {why}")),
                ),
            },
        },
    };
    let (mut widget, settings) =
        WidgetConfig::from_inputs(base, offer, holder, text.as_deref(), source, Some(&policy));
    widget.problems.extend(problem);
    widget.refused.extend(refused);
    (widget, settings)
}
