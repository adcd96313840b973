//! How a company's backend is named in the configuration (`config.delivery`): the
//! transport and its settings, each problem with its place.

use std::collections::BTreeMap;

use serde_json::Value;

use election_core::contract::PublicJwk;

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
    /// Reads `config.delivery`. Every problem names its path; a config with problems is
    /// not used (the caller reports them and nothing loads).
    pub fn from_json(value: &Value) -> Result<DeliveryConfig, Vec<String>> {
        let mut problems = Vec::new();
        let Some(map) = value.as_object() else {
            return Err(vec![format!(
                "config.delivery must be an object such as {{\"transport\": \"http\", \"url\": \"…\"}}, not {value}"
            )]);
        };
        let text = |key: &str, problems: &mut Vec<String>| -> Option<String> {
            match map.get(key) {
                None => None,
                Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
                Some(other) => {
                    problems.push(format!(
                        "config.delivery.{key} must be a non-empty string, not {other}"
                    ));
                    None
                }
            }
        };
        let timeout_ms = match map.get("timeout_ms") {
            None => DEFAULT_TIMEOUT_MS,
            Some(v) => match v.as_u64() {
                Some(ms @ 1_000..=120_000) => ms as u32,
                _ => {
                    problems.push(format!(
                        "config.delivery.timeout_ms must be a whole number of milliseconds from 1000 to 120000, not {v}"
                    ));
                    DEFAULT_TIMEOUT_MS
                }
            },
        };
        let receiver_key = match map.get("receiver_key") {
            None => None,
            // Through the same (byte-slice) deserializer as every other contract value:
            // one copy of the JWK's parser in the bundle.
            Some(v) => match serde_json::from_slice::<PublicJwk>(v.to_string().as_bytes()) {
                Ok(jwk) if jwk.problems().is_empty() => Some(jwk),
                Ok(jwk) => {
                    for p in jwk.problems() {
                        problems.push(format!("config.delivery.receiver_key: {p}"));
                    }
                    None
                }
                Err(e) => {
                    problems.push(format!(
                        "config.delivery.receiver_key must be a P-256 public JWK (kty, crv, x, y): {e}"
                    ));
                    None
                }
            },
        };
        let transport_name = text("transport", &mut problems);
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
                problems.push(format!(
                    "config.delivery.transport must be \"http\", \"post-message\" or \"download\", not {other:?}"
                ));
                &[]
            }
            None => {
                problems.push(
                    "config.delivery.transport is missing: \"http\", \"post-message\" or \"download\""
                        .to_owned(),
                );
                &[]
            }
        };
        if !allowed.is_empty() {
            for key in map.keys().filter(|k| !allowed.contains(&k.as_str())) {
                problems.push(format!(
                    "config.delivery.{key} is not a setting of the {} transport; its settings are {}",
                    transport_name.as_deref().unwrap_or_default(),
                    allowed.join(", ")
                ));
            }
        }
        let transport = match transport_name.as_deref() {
            Some("http") => {
                let url = text("url", &mut problems);
                if url.is_none() && !map.contains_key("url") {
                    problems
                        .push("config.delivery.url is missing: the backend's base URL".to_owned());
                }
                if let Some(u) = &url {
                    if u.contains(char::is_whitespace)
                        || !(u.starts_with("https://")
                            || u.starts_with("http://")
                            || u.starts_with('/'))
                    {
                        problems.push(format!(
                            "config.delivery.url must be an http(s) URL or a path starting with /, not {u:?}"
                        ));
                    }
                }
                let mut headers = BTreeMap::new();
                match map.get("headers") {
                    None => {}
                    Some(Value::Object(h)) => {
                        for (name, value) in h {
                            let token = !name.is_empty()
                                && name.bytes().all(|b| {
                                    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
                                });
                            match value.as_str() {
                                Some(v) if token && !v.contains(['\r', '\n']) => {
                                    headers.insert(name.clone(), v.to_owned());
                                }
                                _ => problems.push(format!(
                                    "config.delivery.headers.{name} must be a header name with a one-line string value"
                                )),
                            }
                        }
                    }
                    Some(other) => problems.push(format!(
                        "config.delivery.headers must be an object of header names and values, not {other}"
                    )),
                }
                let credentials =
                    text("credentials", &mut problems).unwrap_or_else(|| "same-origin".to_owned());
                if !["omit", "same-origin", "include"].contains(&credentials.as_str()) {
                    problems.push(format!(
                        "config.delivery.credentials must be \"omit\", \"same-origin\" or \"include\", not {credentials:?}"
                    ));
                }
                Transport::Http {
                    url: url.unwrap_or_default().trim_end_matches('/').to_owned(),
                    headers,
                    credentials,
                    receiver_key,
                    timeout_ms,
                }
            }
            Some("post-message") => {
                let mut origins = Vec::new();
                match map.get("origins") {
                    None => {}
                    Some(Value::Array(list)) => {
                        for o in list {
                            match o.as_str() {
                                Some(s) if is_origin(s) => origins.push(s.to_owned()),
                                _ => problems.push(format!(
                                    "config.delivery.origins must list origins such as \"https://hr.example.com\" (scheme, host and port only), not {o}"
                                )),
                            }
                        }
                    }
                    Some(other) => problems.push(format!(
                        "config.delivery.origins must be a list of origins, not {other}"
                    )),
                }
                Transport::PostMessage {
                    origins,
                    receiver_key,
                    timeout_ms,
                }
            }
            _ => Transport::Download,
        };
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

    #[test]
    fn configurations_of_each_transport() {
        let http = DeliveryConfig::from_json(&json!({
            "transport": "http", "url": "https://hr.example.com/elections/",
            "headers": { "Authorization": "Bearer t" }, "timeout_ms": 5000
        }))
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
        )
        .expect("valid");
        assert!(
            matches!(pm.transport, Transport::PostMessage { ref origins, .. } if origins == &["https://hr.example.com"])
        );
        assert_eq!(
            DeliveryConfig::from_json(&json!({ "transport": "download" })),
            Ok(DeliveryConfig::default())
        );
    }

    #[test]
    fn bad_configurations_name_each_problem() {
        let problems = |v: Value| {
            DeliveryConfig::from_json(&v)
                .expect_err("invalid")
                .join("\n")
        };
        let all = problems(json!({
            "transport": "http", "url": "javascript:alert(1)", "headers": { "X-Bad\n": "v", "X-Ok": 5 },
            "credentials": "always", "timeout_ms": 10, "recever_key": {}
        }));
        for expected in [
            "config.delivery.url must be an http(s) URL",
            "config.delivery.headers.X-Bad",
            "config.delivery.headers.X-Ok",
            "config.delivery.credentials must be",
            "config.delivery.timeout_ms must be",
            "config.delivery.recever_key is not a setting of the http transport",
        ] {
            assert!(all.contains(expected), "{expected} in {all}");
        }
        assert!(problems(json!({ "transport": "http" })).contains("config.delivery.url is missing"));
        assert!(problems(json!({ "transport": "pigeon" })).contains("not \"pigeon\""));
        assert!(problems(json!({})).contains("transport is missing"));
        assert!(problems(json!("http")).contains("must be an object"));
        assert!(problems(
            json!({ "transport": "post-message", "origins": ["https://a.example/path", 3] })
        )
        .contains("config.delivery.origins must list origins"));
        assert!(problems(
            json!({ "transport": "http", "url": "/r", "receiver_key": { "kty": "EC" } })
        )
        .contains("config.delivery.receiver_key"));
    }
}
