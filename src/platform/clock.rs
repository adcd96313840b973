//! The browser's clocks: the monotonic one, and the trusted clock anchored by timed
//! requests to the receiver's time endpoint or the page's own server (`Date`).

/// The browser's timers (`setTimeout`, `setInterval`), cancelled when dropped: what the
/// hooks wake on.
pub use gloo_timers::callback::{Interval, Timeout};

/// The monotonic clock, in milliseconds: unaffected by changes of the device's clock.
pub fn mono_now() -> f64 {
    // The page's `performance`, looked up once (`page::now`): a countdown reads this
    // clock every second.
    crate::platform::page::now().unwrap_or_else(js_sys::Date::now)
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
    let sent = mono_now();
    let response = super::net::fetch(super::net::Request {
        method,
        url,
        headers: &std::collections::BTreeMap::new(),
        body: None,
        credentials: "same-origin",
        cache: "no-store",
        timeout_ms: 5_000,
    })
    .await
    .ok()?;
    if !(200..300).contains(&response.status) {
        return None;
    }
    let server = read(response.body, response.date_ms)?;
    Some(election_client::clock::Sample {
        sent_mono_ms: sent,
        received_mono_ms: response.headers_at_ms,
        server_epoch_ms: server,
    })
}

/// A time endpoint's answer (`election_client::clock::time_from_body`).
fn read_time_body(body: Option<String>, _date: Option<f64>) -> Option<f64> {
    election_client::clock::time_from_body(&body?)
}

/// The device's time now, as an ISO 8601 UTC text (for a report's "generated at").
pub fn device_now_iso() -> String {
    js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default()
}
