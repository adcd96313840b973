//! The widget's one `fetch` (`net.js`): the data files, the clock's samples and the
//! contract's requests all go through [`fetch`], which never throws and never panics on
//! what the network gives it.

use std::collections::BTreeMap;

use wasm_bindgen::prelude::*;

use super::js_field;
pub use election_client::fetch::{FetchError, NetError};

#[wasm_bindgen(module = "/src/platform/net.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = ewFetch)]
    #[allow(clippy::too_many_arguments)]
    async fn js_fetch(
        method: &str,
        url: &str,
        headers: &JsValue,
        body: Option<String>,
        credentials: &str,
        cache: &str,
        timeout_ms: u32,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = ewOnline)]
    fn js_online() -> bool;
}

/// How long a data file may take to arrive before the widget gives up and says so.
pub const FETCH_TIMEOUT_MS: u32 = 15_000;

/// The header the service worker puts on data it answers from its copy (the network
/// failed): when that copy was loaded, in ms since the epoch.
pub const STORED_AT_HEADER: &str = "x-election-widget-stored-at";

/// One request.
pub struct Request<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a BTreeMap<String, String>,
    /// JSON text (sent as `application/json`).
    pub body: Option<String>,
    /// `omit`, `same-origin` or `include`.
    pub credentials: &'a str,
    /// The fetch cache mode (`no-store`, `no-cache`).
    pub cache: &'a str,
    pub timeout_ms: u32,
}

/// A response, read.
pub struct Response {
    pub status: u16,
    pub status_text: String,
    /// When the headers arrived, on the monotonic clock.
    pub headers_at_ms: f64,
    pub retry_after: Option<String>,
    /// The `Date` header, in ms since the epoch.
    pub date_ms: Option<f64>,
    /// [`STORED_AT_HEADER`], in ms since the epoch.
    pub stored_at_ms: Option<f64>,
    /// `None` for a `HEAD`, or a body that could not be read.
    pub body: Option<String>,
}

/// Sends `request`; a failure to get any answer is a [`NetError`].
pub async fn fetch(request: Request<'_>) -> Result<Response, NetError> {
    let headers = js_sys::Object::new();
    for (k, v) in request.headers {
        let _ = js_sys::Reflect::set(&headers, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    if request.body.is_some() {
        let _ = js_sys::Reflect::set(
            &headers,
            &JsValue::from_str("Content-Type"),
            &JsValue::from_str("application/json"),
        );
    }
    let answer = js_fetch(
        request.method,
        request.url,
        &headers,
        request.body,
        request.credentials,
        request.cache,
        request.timeout_ms,
    )
    .await
    .map_err(|e| match js_field(&e, "kind").as_string().as_deref() {
        Some("timeout") => NetError::timeout(request.timeout_ms),
        _ => NetError::Unreachable,
    })?;
    let text = |name| js_field(&answer, name).as_string();
    Ok(Response {
        status: js_field(&answer, "status").as_f64().unwrap_or(0.0) as u16,
        status_text: text("statusText").unwrap_or_default(),
        headers_at_ms: js_field(&answer, "headersAt")
            .as_f64()
            .unwrap_or_else(super::clock::mono_now),
        retry_after: text("retryAfter"),
        date_ms: js_field(&answer, "dateMs")
            .as_f64()
            .filter(|ms| ms.is_finite()),
        stored_at_ms: js_field(&answer, "storedAtMs")
            .as_f64()
            .filter(|ms| ms.is_finite() && *ms >= 0.0),
        body: text("body"),
    })
}

/// Fetches a data file (offer, holder, configuration): its text, with, when the answer is
/// the service worker's stored copy (offline), the time that copy was loaded.
pub async fn fetch_data(url: &str) -> Result<(String, Option<f64>), FetchError> {
    let response = fetch(Request {
        method: "GET",
        url,
        headers: &BTreeMap::new(),
        body: None,
        credentials: "same-origin",
        // Offer data changes when an offer is amended or extended: always revalidate.
        cache: "no-cache",
        timeout_ms: FETCH_TIMEOUT_MS,
    })
    .await
    .map_err(FetchError::Net)?;
    if !(200..300).contains(&response.status) {
        return Err(FetchError::Status {
            status: response.status,
            text: response.status_text,
        });
    }
    let body = response.body.ok_or(FetchError::Unreadable)?;
    Ok((body, response.stored_at_ms))
}

/// [`fetch_data`]'s text alone.
pub async fn fetch_text(url: &str) -> Result<String, FetchError> {
    fetch_data(url).await.map(|(text, _)| text)
}

/// Whether the browser believes it is online.
pub fn online() -> bool {
    js_online()
}

/// A GET to the receiver with HR's `token` (in the `Authorization` header, never the URL):
/// the body, or why not (`election_client::hr::HrError`).
pub async fn hr_get(url: &str, token: &str) -> Result<String, election_client::hr::HrError> {
    use election_client::hr::HrError;
    let headers = BTreeMap::from([("Authorization".to_owned(), format!("Bearer {token}"))]);
    let response = fetch(Request {
        method: "GET",
        url,
        headers: &headers,
        body: None,
        credentials: "omit",
        cache: "no-store",
        timeout_ms: FETCH_TIMEOUT_MS,
    })
    .await
    .map_err(|e| HrError::unreachable(&e.to_string()))?;
    let body = response.body.unwrap_or_default();
    if (200..300).contains(&response.status) {
        return Ok(body);
    }
    Err(HrError::refusal(
        response.status,
        &response.status_text,
        &body,
    ))
}
