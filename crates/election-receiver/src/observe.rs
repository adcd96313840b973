//! What operators see: a log line for every request, with an id the response carries too
//! (`X-Request-Id`), its status and time, and the inside story of every error answer
//! ([`ErrorCause`]), which the client never sees. Handlers do not log; this middleware
//! does, inside a span that puts the request's id on every line written while it runs.
//!
//! The id is always the receiver's own: one sent by the client is not trusted (it could
//! forge or confuse the log), and is replaced.

use std::time::Instant;

use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use election_core::contract::ErrorCode;
use tracing::Instrument as _;

use crate::api::ErrorCause;
use crate::metrics::{Metrics, OutcomeLabels, RequestLabels};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A request's id: 16 random hex digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    fn new() -> RequestId {
        let mut bytes = [0u8; 8];
        // Without randomness the id is still unique enough for a log within a process.
        if getrandom::fill(&mut bytes).is_err() {
            use std::sync::atomic::{AtomicU64, Ordering};
            static NEXT: AtomicU64 = AtomicU64::new(1);
            bytes = NEXT.fetch_add(1, Ordering::Relaxed).to_be_bytes();
        }
        RequestId(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// The middleware: an id, a span, a line, and the request's metrics.
pub async fn observe(
    State(metrics): State<Arc<Metrics>>,
    mut request: Request,
    next: Next,
) -> Response {
    let id = RequestId::new();
    let method = request.method().clone();
    // The route as declared: a bounded label, unlike the path.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    // The path only: a query string may carry what does not belong in a log.
    let path = request.uri().path().to_owned();
    request.headers_mut().remove(REQUEST_ID);
    request.extensions_mut().insert(id.clone());
    let span = tracing::info_span!("request", id = %id.0);
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    // Whole microseconds, so the figure prints short (2.336, not 2.3355799999999998).
    let ms = started.elapsed().as_micros() as f64 / 1000.0;
    let status = response.status().as_u16();
    span.in_scope(|| match response.extensions().get::<ErrorCause>() {
        Some(ErrorCause(cause)) => {
            tracing::error!(%method, %path, status, ms, cause = %cause, "request failed")
        }
        None if status >= 500 => tracing::warn!(%method, %path, status, ms, "request"),
        None => tracing::info!(%method, %path, status, ms, "request"),
    });
    record(&metrics, route, &method, &response);
    if let Ok(value) = HeaderValue::from_str(&id.0) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// Counts the request, and for `POST /v1/elections` the election's outcome.
fn record(metrics: &Metrics, route: String, method: &Method, response: &Response) {
    let status = response.status();
    if route == "/v1/elections" && method == Method::POST {
        let outcome = match response.extensions().get::<ErrorCode>() {
            Some(code) => code.as_str().to_owned(),
            None if status == StatusCode::CREATED => "accepted".to_owned(),
            None if status == StatusCode::OK => "replayed".to_owned(),
            None => format!("status_{}", status.as_u16()),
        };
        metrics
            .elections
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }
    metrics
        .requests
        .get_or_create(&RequestLabels {
            route,
            method: method_label(method).to_owned(),
            status: status.as_u16(),
        })
        .inc();
}

/// A method as a metric label: HTTP's own methods by name, any other `other` (a client
/// may send any token as a method, and each would be a new series).
fn method_label(method: &Method) -> &'static str {
    ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]
        .into_iter()
        .find(|name| method.as_str() == *name)
        .unwrap_or("other")
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// One human-readable line per event (the default).
    #[default]
    Plain,
    /// One JSON object per line, for a log collector.
    Json,
}

/// Sends the log to stderr in `format`, filtered by `filter` (`tracing_subscriber`'s
/// `EnvFilter` syntax, e.g. `info` or `election_receiver=debug,warn`). Once per process;
/// a second call (tests that start several receivers) keeps the first.
pub fn init_logging(format: LogFormat, filter: &str) -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .map_err(|e| format!("log filter {filter:?}: {e}"))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = match format {
        LogFormat::Plain => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::{Arc, Mutex};

    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use election_core::contract::ErrorCode;
    use tower::ServiceExt as _;

    use super::*;
    use crate::api::ApiError;

    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn an_error_is_logged_with_its_cause_and_request_id_and_the_cause_is_not_answered() {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_writer(move || writer.clone())
            .finish();
        let (id, body) = tracing::subscriber::with_default(subscriber, || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            runtime.block_on(async {
                let app = Router::new()
                    .route(
                        "/fails",
                        get(|| async {
                            Err::<(), _>(
                                ApiError::new(ErrorCode::StorageUnavailable, "Try again.")
                                    .cause("storage error: the disk is full"),
                            )
                        }),
                    )
                    .layer(axum::middleware::from_fn_with_state(
                        Arc::new(Metrics::default()),
                        observe,
                    ));
                let request = Request::get("/fails?secret=1").body(Body::empty()).unwrap();
                let response = app.oneshot(request).await.unwrap();
                assert_eq!(response.status(), 503);
                let id = response.headers()[REQUEST_ID].to_str().unwrap().to_owned();
                let body = axum::body::to_bytes(response.into_body(), 1 << 16)
                    .await
                    .unwrap();
                (id, String::from_utf8(body.to_vec()).unwrap())
            })
        });
        assert!(!body.contains("disk"), "the cause is not answered: {body}");
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let line: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(line["level"], "ERROR", "{line}");
        assert_eq!(line["cause"], "storage error: the disk is full", "{line}");
        assert_eq!(line["status"], 503, "{line}");
        assert_eq!(line["path"], "/fails", "the path, not the query: {line}");
        assert_eq!(line["span"]["id"], id, "{line}");
    }
}
