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

/// The performance mark set when both data files have arrived, before they are checked:
/// from here to [`READY_MARK`] is the widget's own work (parse, check, rules, render).
pub const DATA_MARK: &str = "election-widget:data";

/// Sets a performance mark (for `make bench`). Failing to mark is harmless.
pub fn mark(name: &str) {
    if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
        let _ = perf.mark(name);
    }
}

/// Fetches a text file. The error is a sentence saying what went wrong, for a person.
pub async fn fetch_text(url: &str) -> Result<String, String> {
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
    let body = response
        .text()
        .map_err(|_| "the response body could not be read".to_owned())?;
    let body = JsFuture::from(body)
        .await
        .map_err(|e| describe_fetch_error(&e))?;
    body.as_string()
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

impl crate::drafts::DraftStore for LocalStorageStore {
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
