//! How a company's backend is named in the configuration (`config.delivery`): the
//! transport and its settings, each problem with its place.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use election_core::contract::PublicJwk;
use election_core::{JsonPath, Problem};

/// How long one delivery attempt may take before it counts as failed (and is retried).
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

/// How signed elections reach the company: the `delivery` setting of the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// POST to a backend that speaks the election contract (`docs/PROTOCOL.md`).
    Http {
        /// The backend's base URL: elections go to `{url}/v1/elections`.
        url: String,
        /// Sent with every request (typically `Authorization`).
        headers: BTreeMap<String, String>,
        /// Whether the browser sends the portal's cookies: `omit`, `same-origin` or
        /// `include`.
        credentials: String,
        /// The receiver's receipt key, pinned by the company; without it, the key is read
        /// from `{url}/v1/offer`.
        receiver_key: Option<PublicJwk>,
        timeout_ms: u32,
    },
    /// A `postMessage` to the host page, which forwards the election itself and answers
    /// with a `delivery-result` message. Answers are accepted from these origins only
    /// (empty: the host page's own origin).
    PostMessage {
        origins: Vec<String>,
        receiver_key: Option<PublicJwk>,
        timeout_ms: u32,
    },
    /// The signed election is downloaded as a file for the employee to hand in: the
    /// default when no backend is configured.
    Download,
}

/// The delivery settings, as read from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryConfig {
    pub transport: Transport,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            transport: Transport::Download,
        }
    }
}

impl DeliveryConfig {
    /// Reads the delivery settings at `at` (`config.delivery`), in the core's one
    /// validation style: every problem is a [`Problem`] with its path
    /// (`config.delivery.headers["X-Bad\n"]`); settings with problems are not used (the
    /// caller reports them and nothing loads).
    pub fn from_json(value: &Value, at: &JsonPath) -> Result<DeliveryConfig, Vec<Problem>> {
        let Some(map) = value.as_object() else {
            return Err(vec![Problem {
                path: at.clone(),
                message: format!(
                    "must be an object such as {{\"transport\": \"http\", \"url\": \"…\"}}, not {value}"
                ),
            }]);
        };
        let r = Reader {
            map,
            at,
            problems: RefCell::new(Vec::new()),
        };
        let timeout_ms = match map.get("timeout_ms") {
            None => DEFAULT_TIMEOUT_MS,
            Some(v) => {
                match v.as_u64() {
                    Some(ms @ 1_000..=120_000) => ms as u32,
                    _ => {
                        r.problem(
                        at.key("timeout_ms"),
                        format!("must be a whole number of milliseconds from 1000 to 120000, not {v}"),
                    );
                        DEFAULT_TIMEOUT_MS
                    }
                }
            }
        };
        let receiver_key = map.get("receiver_key").and_then(|v| r.receiver_key(v));
        let transport_name = r.text("transport");
        let allowed: &[&str] = match transport_name.as_deref() {
            Some("http") => &[
                "transport",
                "url",
                "headers",
                "credentials",
                "receiver_key",
                "timeout_ms",
            ],
            Some("post-message") => &["transport", "origins", "receiver_key", "timeout_ms"],
            Some("download") => &["transport"],
            Some(other) => {
                r.problem(
                    at.key("transport"),
                    format!("must be \"http\", \"post-message\" or \"download\", not {other:?}"),
                );
                &[]
            }
            None => {
                if !map.contains_key("transport") {
                    r.problem(
                        at.key("transport"),
                        "is missing: \"http\", \"post-message\" or \"download\"",
                    );
                }
                &[]
            }
        };
        if let Some(name) = transport_name.as_deref().filter(|_| !allowed.is_empty()) {
            for key in map.keys().filter(|k| !allowed.contains(&k.as_str())) {
                r.problem(
                    at.key(key),
                    format!(
                        "is not a setting of the {name} transport; its settings are {}",
                        allowed.join(", ")
                    ),
                );
            }
        }
        let transport = match transport_name.as_deref() {
            Some("http") => Transport::Http {
                url: r.url().unwrap_or_default(),
                headers: r.headers(),
                credentials: r.credentials(),
                receiver_key,
                timeout_ms,
            },
            Some("post-message") => Transport::PostMessage {
                origins: r.origins(),
                receiver_key,
                timeout_ms,
            },
            _ => Transport::Download,
        };
        let problems = r.problems.into_inner();
        if problems.is_empty() {
            Ok(DeliveryConfig { transport })
        } else {
            Err(problems)
        }
    }

    /// What the employee is told about where their election goes.
    pub fn destination(&self, issuer: &str) -> String {
        match &self.transport {
            Transport::Http { .. } => format!("sent to {issuer} over the network"),
            Transport::PostMessage { .. } => format!("handed to this portal, which sends it to {issuer}"),
            Transport::Download => format!(
                "saved as a file for you to give to {issuer} (this page has no connection to {issuer}'s systems)"
            ),
        }
    }

    pub fn receiver_key(&self) -> Option<&PublicJwk> {
        match &self.transport {
            Transport::Http { receiver_key, .. } | Transport::PostMessage { receiver_key, .. } => {
                receiver_key.as_ref()
            }
            Transport::Download => None,
        }
    }
}

/// Reads the settings of one `config.delivery` object, collecting every problem found.
struct Reader<'a> {
    map: &'a Map<String, Value>,
    at: &'a JsonPath,
    problems: RefCell<Vec<Problem>>,
}

impl Reader<'_> {
    fn problem(&self, path: JsonPath, message: impl Into<String>) {
        self.problems.borrow_mut().push(Problem {
            path,
            message: message.into(),
        });
    }

    /// A non-empty string setting, trimmed (absent: `None`).
    fn text(&self, key: &str) -> Option<String> {
        match self.map.get(key) {
            None => None,
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Some(other) => {
                self.problem(
                    self.at.key(key),
                    format!("must be a non-empty string, not {other}"),
                );
                None
            }
        }
    }

    fn receiver_key(&self, value: &Value) -> Option<PublicJwk> {
        let at = self.at.key("receiver_key");
        match PublicJwk::from_value(value) {
            Ok(jwk) if jwk.problems().is_empty() => Some(jwk),
            Ok(jwk) => {
                for p in jwk.problems() {
                    self.problem(at.clone(), p);
                }
                None
            }
            Err(e) => {
                self.problem(
                    at,
                    format!("must be a P-256 public JWK (kty, crv, x, y): {e}"),
                );
                None
            }
        }
    }

    /// The backend's base URL, without a trailing `/`.
    fn url(&self) -> Option<String> {
        let at = self.at.key("url");
        let url = self.text("url");
        match &url {
            None if !self.map.contains_key("url") => {
                self.problem(at, "is missing: the backend's base URL")
            }
            Some(u)
                if u.contains(char::is_whitespace)
                    || !(u.starts_with("https://")
                        || u.starts_with("http://")
                        || u.starts_with('/')) =>
            {
                self.problem(
                    at,
                    format!("must be an http(s) URL or a path starting with /, not {u:?}"),
                )
            }
            _ => {}
        }
        url.map(|u| u.trim_end_matches('/').to_owned())
    }

    fn headers(&self) -> BTreeMap<String, String> {
        let at = self.at.key("headers");
        let mut headers = BTreeMap::new();
        match self.map.get("headers") {
            None => {}
            Some(Value::Object(h)) => {
                for (name, value) in h {
                    let token = !name.is_empty()
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
                    match value.as_str() {
                        Some(v) if token && !v.contains(['\r', '\n']) => {
                            headers.insert(name.clone(), v.to_owned());
                        }
                        _ => self.problem(
                            at.key(name),
                            "must be a header name with a one-line string value",
                        ),
                    }
                }
            }
            Some(other) => self.problem(
                at,
                format!("must be an object of header names and values, not {other}"),
            ),
        }
        headers
    }

    fn credentials(&self) -> String {
        let credentials = self
            .text("credentials")
            .unwrap_or_else(|| "same-origin".to_owned());
        if !["omit", "same-origin", "include"].contains(&credentials.as_str()) {
            self.problem(
                self.at.key("credentials"),
                format!("must be \"omit\", \"same-origin\" or \"include\", not {credentials:?}"),
            );
        }
        credentials
    }

    fn origins(&self) -> Vec<String> {
        let at = self.at.key("origins");
        let mut origins = Vec::new();
        match self.map.get("origins") {
            None => {}
            Some(Value::Array(list)) => {
                for (i, o) in list.iter().enumerate() {
                    match o.as_str() {
                        Some(s) if is_origin(s) => origins.push(s.to_owned()),
                        _ => self.problem(
                            at.index(i),
                            format!("must be an origin such as \"https://hr.example.com\" (scheme, host and port only), not {o}"),
                        ),
                    }
                }
            }
            Some(other) => self.problem(at, format!("must be a list of origins, not {other}")),
        }
        origins
    }
}

/// `scheme://host[:port]` and nothing more.
fn is_origin(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at() -> JsonPath {
        JsonPath::named("config").key("delivery")
    }

    #[test]
    fn configurations_of_each_transport() {
        let http = DeliveryConfig::from_json(
            &json!({
                "transport": "http", "url": "https://hr.example.com/elections/",
                "headers": { "Authorization": "Bearer t" }, "timeout_ms": 5000
            }),
            &at(),
        )
        .expect("valid");
        let Transport::Http {
            url,
            headers,
            credentials,
            timeout_ms,
            receiver_key,
        } = http.transport
        else {
            panic!("http")
        };
        assert_eq!(url, "https://hr.example.com/elections");
        assert_eq!(headers["Authorization"], "Bearer t");
        assert_eq!(
            (credentials.as_str(), timeout_ms, receiver_key),
            ("same-origin", 5000, None)
        );
        let pm = DeliveryConfig::from_json(
            &json!({ "transport": "post-message", "origins": ["https://hr.example.com"] }),
            &at(),
        )
        .expect("valid");
        assert!(
            matches!(pm.transport, Transport::PostMessage { ref origins, .. } if origins == &["https://hr.example.com"])
        );
        assert_eq!(
            DeliveryConfig::from_json(&json!({ "transport": "download" }), &at()),
            Ok(DeliveryConfig::default())
        );
    }

    #[test]
    fn bad_configurations_name_each_problem_at_its_path() {
        let problems = |v: Value| -> Vec<(String, String)> {
            DeliveryConfig::from_json(&v, &at())
                .expect_err("invalid")
                .into_iter()
                .map(|p| (p.path.to_string(), p.message))
                .collect()
        };
        let all = problems(json!({
            "transport": "http", "url": "javascript:alert(1)", "headers": { "X-Bad\n": "v", "X-Ok": 5 },
            "credentials": "always", "timeout_ms": 10, "recever_key": {}
        }));
        let paths: Vec<&str> = all.iter().map(|(p, _)| p.as_str()).collect();
        // A header name that holds anything is quoted (and escaped) in its path.
        for expected in [
            "config.delivery.timeout_ms",
            "config.delivery.recever_key",
            "config.delivery.url",
            "config.delivery.headers[\"X-Bad\\n\"]",
            "config.delivery.headers[\"X-Ok\"]",
            "config.delivery.credentials",
        ] {
            assert!(paths.contains(&expected), "{expected} in {paths:?}");
        }
        assert_eq!(all.len(), 6, "{all:?}");
        let said = |v: Value| {
            problems(v)
                .into_iter()
                .map(|(p, m)| format!("{p}: {m}"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let one =
            said(json!({ "transport": "http", "url": "javascript:alert(1)", "recever_key": {} }));
        assert!(
            one.contains("config.delivery.url: must be an http(s) URL"),
            "{one}"
        );
        assert!(
            one.contains("config.delivery.recever_key: is not a setting of the http transport"),
            "{one}"
        );
        assert_eq!(
            said(json!({ "transport": "http" })),
            "config.delivery.url: is missing: the backend's base URL"
        );
        assert!(said(json!({ "transport": "pigeon" })).contains("not \"pigeon\""));
        assert_eq!(
            said(json!({})),
            "config.delivery.transport: is missing: \"http\", \"post-message\" or \"download\""
        );
        // A transport that is not a string is said once, not also "missing".
        assert_eq!(problems(json!({ "transport": 7 })).len(), 1);
        assert!(said(json!("http")).starts_with("config.delivery: must be an object"));
        let origins = problems(
            json!({ "transport": "post-message", "origins": ["https://hr.example.com", "https://a.example/path", 3] }),
        );
        let paths: Vec<&str> = origins.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            ["config.delivery.origins[1]", "config.delivery.origins[2]"]
        );
        let key =
            problems(json!({ "transport": "http", "url": "/r", "receiver_key": { "kty": "EC" } }));
        assert!(
            key.iter().all(|(p, _)| p == "config.delivery.receiver_key"),
            "{key:?}"
        );
        assert!(key[0].1.contains("missing field `crv`"), "{key:?}");
        // A key is an object: its members as an array are not a key.
        let x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
        let listed = problems(
            json!({ "transport": "http", "url": "/r", "receiver_key": ["EC", "P-256", x, x] }),
        );
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert!(listed[0].1.contains("expected an object"), "{listed:?}");
        let short = problems(
            json!({ "transport": "http", "url": "/r", "receiver_key": { "kty": "EC", "crv": "P-256", "x": x, "y": "AAAA" } }),
        );
        assert_eq!(
            short,
            [(
                "config.delivery.receiver_key".to_owned(),
                "jwk.y must be 32 bytes, not 3".to_owned()
            )]
        );
    }
}
