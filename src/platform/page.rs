//! Browser effects, kept apart so that components only render state: fetching data,
//! reading the page URL, and performance marks. Everything here returns errors as plain
//! sentences for the error panel; nothing panics on what the network or page gives it.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, RequestCache, RequestInit, Response};

/// How long a data file may take to arrive before the widget gives up and says so.
pub const FETCH_TIMEOUT_MS: u32 = 15_000;

/// The performance mark set when the widget first shows a complete page (loaded data or
/// the error panel); `make bench` reads it.
pub const READY_MARK: &str = "election-widget:ready";

/// The page's document.
pub fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

pub fn element_by_id(id: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

pub fn console_error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(message));
}

/// The page's query parameters, in order.
pub fn query_params() -> Vec<(String, String)> {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    let Ok(Some(entries)) = js_sys::try_iter(&params) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pair: js_sys::Array = entry.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// The id of the page's deployment block
/// (`<script type="application/json" id="election-widget-deployment">`).
pub const DEPLOYMENT_ID: &str = "election-widget-deployment";

/// The page's deployment settings (its deployment block; none is an empty deployment).
pub fn deployment() -> election_client::config::Deployment {
    let text = element_by_id(DEPLOYMENT_ID).and_then(|e| e.text_content());
    election_client::config::Deployment::parse(text.as_deref())
}

/// The page's own origin.
pub fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// The origin `url` has when the page resolves it; `None` for an opaque origin (`data:`,
/// `blob:` of another page, `javascript:`) or what is not a URL.
pub fn url_origin(url: &str) -> Option<String> {
    let parsed = web_sys::Url::new_with_base(url, &page_url()).ok()?;
    if !matches!(parsed.protocol().as_str(), "http:" | "https:") {
        return None;
    }
    Some(parsed.origin()).filter(|o| o != "null")
}

/// The standalone page's configuration: its deployment, its host element's attributes,
/// and what its link may set ([`election_client::config::WidgetConfig::standalone`]).
pub fn standalone_config(root: &web_sys::Element) -> election_client::config::WidgetConfig {
    let deployment = deployment();
    let page_origin = page_origin();
    let policy = election_client::config::LinkPolicy {
        data_origins: &deployment.data_origins,
        page_origin: &page_origin,
        link_preview: deployment.link_preview,
        origin_of: &url_origin,
    };
    election_client::config::WidgetConfig::standalone(
        &deployment,
        |name| root.get_attribute(name),
        &query_params(),
        &policy,
    )
}

/// The performance mark set when both data files have arrived, before they are checked:
/// from here to [`READY_MARK`] is the widget's own work (parse, check, rules, render).
pub const DATA_MARK: &str = "election-widget:data";

/// The measure of one countdown tick, from its timer firing to its render done.
pub const TICK_MEASURE: &str = "election-widget:tick";
/// The mark a countdown tick starts with.
pub const TICK_MARK: &str = "election-widget:tick-start";

/// Measures from the mark `start` to now under `name` (for `make bench`).
pub fn measure(name: &str, start: &str) {
    if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
        let _ = perf.measure_with_start_mark(name, start);
    }
}

/// Sets a performance mark (for `make bench`). Failing to mark is harmless.
pub fn mark(name: &str) {
    if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
        let _ = perf.mark(name);
    }
}

/// Fetches a text file. The error is a sentence saying what went wrong, for a person.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    fetch_data(url).await.map(|(text, _)| text)
}

/// The header the service worker puts on data it answers from its copy (the network
/// failed): when that copy was loaded, in ms since the epoch.
pub const STORED_AT_HEADER: &str = "x-election-widget-stored-at";

/// [`fetch_text`], and when the answer is the service worker's stored copy (offline), the
/// time that copy was loaded.
pub async fn fetch_data(url: &str) -> Result<(String, Option<f64>), String> {
    let window = web_sys::window().ok_or("there is no browser window")?;
    let init = RequestInit::new();
    // Offer data changes when an offer is amended or extended: always revalidate.
    init.set_cache(RequestCache::NoCache);
    init.set_signal(Some(&AbortSignal::timeout_with_u32(FETCH_TIMEOUT_MS)));
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| describe_fetch_error(&e))?;
    let response: Response = response
        .dyn_into()
        .map_err(|_| "the browser returned something that is not a response".to_owned())?;
    if !response.ok() {
        let status = response.status();
        let text = response.status_text();
        return Err(if text.is_empty() {
            format!("the server answered HTTP {status}")
        } else {
            format!("the server answered HTTP {status} {text}")
        });
    }
    let stored_at = response
        .headers()
        .get(STORED_AT_HEADER)
        .ok()
        .flatten()
        .and_then(|v| v.parse::<f64>().ok());
    let body = response
        .text()
        .map_err(|_| "the response body could not be read".to_owned())?;
    let body = JsFuture::from(body)
        .await
        .map_err(|e| describe_fetch_error(&e))?;
    body.as_string()
        .map(|text| (text, stored_at))
        .ok_or_else(|| "the response is not text".to_owned())
}

fn describe_fetch_error(error: &JsValue) -> String {
    let name = js_sys::Reflect::get(error, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    match name.as_str() {
        "TimeoutError" | "AbortError" => format!(
            "no answer within {} seconds",
            FETCH_TIMEOUT_MS / 1000
        ),
        _ => "the request failed: the network is down, the address is wrong, or the server does not allow this page to read it (CORS)".to_owned(),
    }
}

/// Drafts in the browser's localStorage. Every access can throw (private mode, a policy,
/// a full quota): each error becomes a sentence, never a panic.
pub struct LocalStorageStore;

impl LocalStorageStore {
    fn storage() -> Result<web_sys::Storage, String> {
        let window = web_sys::window().ok_or("there is no browser window")?;
        match window.local_storage() {
            Ok(Some(storage)) => Ok(storage),
            Ok(None) => Err("this browser offers no storage".to_owned()),
            Err(_) => Err("this browser does not allow this page to store data".to_owned()),
        }
    }
}

impl election_client::drafts::DraftStore for LocalStorageStore {
    fn load(&self, key: &str) -> Result<Option<String>, String> {
        Self::storage()?
            .get_item(key)
            .map_err(|_| "this browser does not allow this page to read stored data".to_owned())
    }

    fn save(&self, key: &str, value: &str) -> Result<(), String> {
        Self::storage()?
            .set_item(key, value)
            .map_err(|_| "the browser's storage for this page is full or refused".to_owned())
    }

    fn remove(&self, key: &str) -> Result<(), String> {
        Self::storage()?
            .remove_item(key)
            .map_err(|_| "this browser does not allow this page to change stored data".to_owned())
    }
}

/// Opens the browser's print dialog (the print stylesheet lays the page out).
pub fn print() {
    if let Some(window) = web_sys::window() {
        if window.print().is_err() {
            console_error("election widget: the browser refused to print");
        }
    }
}

/// The monotonic clock, in milliseconds: unaffected by changes of the device's clock.
pub fn mono_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// A trusted clock from the browser: anchored by [`measure_anchor`] or, in a preview, at
/// the preview's moment.
/// Instants read in the reader's time zone, written in `locale`.
pub fn trusted_clock(
    anchor: election_client::clock::Anchor,
    locale: &str,
) -> election_client::clock::TrustedClock {
    let locale = locale.to_owned();
    election_client::clock::TrustedClock::new(
        anchor,
        std::rc::Rc::new(mono_now),
        std::rc::Rc::new(move |ms| crate::platform::intl::local_date_time(&locale, ms)),
    )
}

/// The page's own URL (asked again for its server's `Date` header).
pub fn page_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_else(|| "./".to_owned())
}

/// How many exchanges with a time source to make; the quickest one counts.
const CLOCK_SAMPLES: usize = 4;

/// Measures the time: from `time_url` (the server's time in ms) when given, else from the
/// `Date` header of the page's own server (re-asked for `page_url`), else the device
/// clock. Never fails: the worst case is the device clock, which the widget then names.
pub async fn measure_anchor(
    time_url: Option<&str>,
    page_url: &str,
) -> election_client::clock::Anchor {
    use election_client::clock::{anchor_from_samples, Anchor, ClockSource};
    if let Some(url) = time_url {
        let mut samples = Vec::new();
        for _ in 0..CLOCK_SAMPLES {
            if let Some(s) = sample(url, "GET", read_time_body).await {
                samples.push(s);
            }
        }
        if let Some(anchor) = anchor_from_samples(&samples, ClockSource::TimeEndpoint, 0.0) {
            return anchor;
        }
    }
    let mut samples = Vec::new();
    for _ in 0..2 {
        if let Some(s) = sample(page_url, "HEAD", |_, headers_date| headers_date).await {
            samples.push(s);
        }
    }
    // A Date header has whole seconds: the true time is within the second after it.
    for s in &mut samples {
        s.server_epoch_ms += 500.0;
    }
    if let Some(anchor) = anchor_from_samples(&samples, ClockSource::DateHeader, 500.0) {
        return anchor;
    }
    Anchor {
        epoch_ms: js_sys::Date::now(),
        mono_ms: mono_now(),
        uncertainty_ms: 0.0,
        source: ClockSource::Device,
    }
}

/// One timed request; `read` gets the body text and the `Date` header (ms) and returns the
/// server's time in ms.
async fn sample(
    url: &str,
    method: &str,
    read: impl Fn(Option<String>, Option<f64>) -> Option<f64>,
) -> Option<election_client::clock::Sample> {
    let window = web_sys::window()?;
    let init = RequestInit::new();
    init.set_method(method);
    init.set_cache(RequestCache::NoStore);
    init.set_signal(Some(&AbortSignal::timeout_with_u32(5_000)));
    let sent = mono_now();
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    let received = mono_now();
    if !response.ok() {
        return None;
    }
    let date = response
        .headers()
        .get("date")
        .ok()
        .flatten()
        .map(|d| js_sys::Date::parse(&d))
        .filter(|ms| ms.is_finite());
    let body = if method == "GET" {
        JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()
    } else {
        None
    };
    let server = read(body, date)?;
    Some(election_client::clock::Sample {
        sent_mono_ms: sent,
        received_mono_ms: received,
        server_epoch_ms: server,
    })
}

/// A time endpoint's answer: a JSON number of milliseconds, or `{"now_ms": …}`.
fn read_time_body(body: Option<String>, _date: Option<f64>) -> Option<f64> {
    let value: serde_json::Value = serde_json::from_slice(body?.trim().as_bytes()).ok()?;
    value
        .as_f64()
        .or_else(|| value.get("now_ms").and_then(serde_json::Value::as_f64))
        .filter(|ms| ms.is_finite() && *ms > 0.0)
}

/// Calls `f` whenever the page becomes visible again; the listener lives as long as the
/// returned value.
pub fn on_visible(f: impl Fn() + 'static) -> Option<gloo_events::EventListener> {
    let document = web_sys::window()?.document()?;
    let target: web_sys::EventTarget = document.clone().into();
    Some(gloo_events::EventListener::new(
        &target,
        "visibilitychange",
        move |_| {
            if document.visibility_state() == web_sys::VisibilityState::Visible {
                f();
            }
        },
    ))
}

/// Follows an in-page link (`href="#id"`) clicked inside the widget when the widget is in
/// a shadow root (the `<election-widget>` element), where the browser does not: scrolls
/// the target into view and moves focus to it. On a page of its own the browser's own
/// handling (and the URL's fragment) is left alone.
pub fn follow_in_page_link(event: web_sys::MouseEvent) {
    use wasm_bindgen::JsCast;
    let Some(target) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Ok(Some(link)) = target.closest(r##"a[href^="#"]"##) else {
        return;
    };
    let root = link.get_root_node();
    let Some(shadow) = root.dyn_ref::<web_sys::ShadowRoot>() else {
        return;
    };
    let id = link.get_attribute("href").unwrap_or_default();
    let Some(destination) = shadow.get_element_by_id(id.trim_start_matches('#')) else {
        return;
    };
    event.prevent_default();
    destination.scroll_into_view();
    if let Some(el) = destination.dyn_ref::<web_sys::HtmlElement>() {
        if !el.has_attribute("tabindex") {
            let _ = el.set_attribute("tabindex", "-1");
        }
        let _ = el.focus();
    }
}
