//! Prometheus metrics (`GET /metrics`, OpenMetrics text): requests by route, method and
//! status; elections by outcome (accepted, replayed, or the error code that refused
//! them); the size and commit time of the store's batches; open connections. Every label
//! takes a bounded set of values (a route as declared, never a raw path), so a client
//! cannot grow the set of series.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route as declared (`/v1/elections`), or `unmatched`.
    pub route: String,
    pub method: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    /// `accepted`, `replayed`, or the contract's error code (`bad_signature`, …).
    pub outcome: String,
}

/// Every metric, registered once.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub elections: Family<OutcomeLabels, Counter>,
    /// Elections decided per store transaction.
    pub batch_size: Histogram,
    /// Seconds from a batch's start to its commit.
    pub commit_seconds: Histogram,
    pub open_connections: Gauge,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("election_receiver");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route, method and status",
            requests.clone(),
        );
        let elections = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "elections",
            "Elections answered, by outcome: accepted, replayed, or the error code",
            elections.clone(),
        );
        let batch_size = Histogram::new(exponential_buckets(1.0, 2.0, 10));
        registry.register(
            "batch_size",
            "Elections decided in one store transaction (group commit)",
            batch_size.clone(),
        );
        let commit_seconds = Histogram::new(exponential_buckets(0.0005, 2.0, 14));
        registry.register(
            "batch_commit_seconds",
            "Seconds from a batch's start to its commit",
            commit_seconds.clone(),
        );
        let open_connections = Gauge::default();
        registry.register(
            "open_connections",
            "HTTP connections open now",
            open_connections.clone(),
        );
        Metrics {
            registry,
            requests,
            elections,
            batch_size,
            commit_seconds,
            open_connections,
        }
    }
}

impl Metrics {
    /// The OpenMetrics text of every metric.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }

    /// A batch of `size` elections committed `seconds` after it started.
    pub fn batch(&self, size: usize, seconds: f64) {
        self.batch_size.observe(size as f64);
        self.commit_seconds.observe(seconds);
    }
}

/// The content type of [`Metrics::encode`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
