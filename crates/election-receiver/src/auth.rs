//! Signing on with the company's identity provider: an OpenID Connect ID token or a JWT
//! access token, verified against the provider's published keys (JWKS).
//!
//! What a token must be: signed with an accepted algorithm (`alg: none` and HMAC are never
//! accepted) by a key the JWKS publishes under the token's `kid`; issued by the configured
//! issuer for one of the configured audiences; within `exp` and `nbf` (with a small
//! leeway). The employee is the value of one claim (`sub`, `employee_id`, `email`, …),
//! optionally mapped to an employee id; the HR role is a value in one claim. Each refusal
//! is its own [`TokenError`], and so its own code in the API.
//!
//! The JWKS comes from a file or a URL: `https://` anywhere, plain `http://` only on
//! loopback (tests, a local sidecar). It is kept, fetched again when a token names a key
//! it lacks (at most once per `refresh_min`, so unknown `kid`s cannot make the receiver
//! hammer the provider) and when older than `max_age`, each fetch within `timeout`.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use tokio::sync::{Mutex, RwLock};

/// The algorithms accepted by default: RSA, ECDSA P-256 and Ed25519 signatures.
pub const DEFAULT_ALGORITHMS: &[Algorithm] =
    &[Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA];

/// Where the provider's keys are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksSource {
    File(PathBuf),
    Url(String),
}

impl JwksSource {
    /// A URL (`https://`, or `http://` on loopback only) or a file path.
    pub fn parse(text: &str) -> Result<JwksSource, String> {
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("https://") {
            return Ok(JwksSource::Url(text.to_owned()));
        }
        if lower.starts_with("http://") {
            let url = reqwest::Url::parse(text).map_err(|e| format!("jwks {text:?}: {e}"))?;
            let host = url.host_str().unwrap_or("");
            let loopback = host.eq_ignore_ascii_case("localhost")
                || host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            if !loopback {
                return Err(format!(
                    "jwks {text:?}: plain http is allowed only on loopback; use https"
                ));
            }
            return Ok(JwksSource::Url(text.to_owned()));
        }
        if lower.contains("://") {
            return Err(format!("jwks {text:?}: only https:// URLs or a file path"));
        }
        Ok(JwksSource::File(PathBuf::from(text)))
    }
}

/// The identity provider's settings (`[oidc]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcSettings {
    pub issuer: String,
    pub audiences: Vec<String>,
    pub algorithms: Vec<Algorithm>,
    pub jwks: JwksSource,
    /// The claim whose value names the employee.
    pub employee_claim: String,
    /// Claim value → employee id, when the claim is not the employee id itself (an
    /// e-mail, a directory id). Empty: the value is the employee id.
    pub employees: BTreeMap<String, String>,
    /// The claim that carries roles (a string or a list of strings), and the role that
    /// makes a token HR's.
    pub hr_claim: Option<String>,
    pub hr_role: Option<String>,
    pub leeway: Duration,
    pub timeout: Duration,
    pub refresh_min: Duration,
    pub max_age: Duration,
}

/// Who a verified token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The employee, when its claim names one this receiver maps.
    pub employee: Option<String>,
    /// Whether it carries the HR role.
    pub hr: bool,
    /// The token's `sub`, for the log.
    pub subject: String,
}

/// Why a token is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    Malformed(String),
    Unsigned,
    AlgorithmRefused(String),
    UnknownKey(String),
    BadSignature,
    Expired,
    NotYetValid,
    WrongIssuer,
    WrongAudience,
    /// The provider's keys could not be had.
    Unavailable(String),
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenError::Malformed(why) => write!(f, "The token is not a JWT this receiver can read: {why}."),
            TokenError::Unsigned => f.write_str("The token is not signed (alg: none)."),
            TokenError::AlgorithmRefused(alg) => write!(f, "The token is signed with {alg}, which this receiver does not accept."),
            TokenError::UnknownKey(kid) => write!(f, "The token names key {kid:?}, which the identity provider does not publish."),
            TokenError::BadSignature => f.write_str("The token's signature does not verify."),
            TokenError::Expired => f.write_str("The token has expired; sign in again."),
            TokenError::NotYetValid => f.write_str("The token is not valid yet."),
            TokenError::WrongIssuer => f.write_str("The token is from another issuer."),
            TokenError::WrongAudience => f.write_str("The token is for another audience."),
            TokenError::Unavailable(_) => f.write_str("The identity provider's keys could not be had just now; nothing was done. Try again."),
        }
    }
}

#[derive(Default)]
struct Keys {
    by_kid: HashMap<String, Jwk>,
    fetched: Option<Instant>,
}

/// Verifies tokens against one identity provider.
pub struct Verifier {
    settings: OidcSettings,
    keys: RwLock<Keys>,
    /// One fetch at a time.
    fetching: Mutex<()>,
    client: reqwest::Client,
}

impl Verifier {
    pub fn new(settings: OidcSettings) -> Result<Verifier, String> {
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .build()
            .map_err(|e| format!("the identity provider's client: {e}"))?;
        Ok(Verifier {
            settings,
            keys: RwLock::default(),
            fetching: Mutex::new(()),
            client,
        })
    }

    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    /// The identity a token speaks for, or why it is refused.
    pub async fn verify(&self, token: &str) -> Result<Identity, TokenError> {
        let alg = header_alg(token)?;
        if alg.eq_ignore_ascii_case("none") {
            return Err(TokenError::Unsigned);
        }
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| TokenError::AlgorithmRefused(alg.clone()))?;
        if !self.settings.algorithms.contains(&header.alg) {
            return Err(TokenError::AlgorithmRefused(alg));
        }
        let kid = header
            .kid
            .ok_or_else(|| TokenError::Malformed("its header names no key (kid)".into()))?;
        let jwk = self.key(&kid).await?;
        // A key published for one algorithm is used for no other.
        if jwk
            .common
            .key_algorithm
            .is_some_and(|a| format!("{a:?}") != format!("{:?}", header.alg))
        {
            return Err(TokenError::AlgorithmRefused(alg));
        }
        let key = DecodingKey::from_jwk(&jwk)
            .map_err(|e| TokenError::Unavailable(format!("key {kid:?} is unusable: {e}")))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&self.settings.audiences);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.validate_nbf = true;
        validation.leeway = self.settings.leeway.as_secs();
        let data = jsonwebtoken::decode::<serde_json::Map<String, Value>>(token, &key, &validation)
            .map_err(|e| match e.kind() {
                ErrorKind::InvalidSignature => TokenError::BadSignature,
                ErrorKind::ExpiredSignature => TokenError::Expired,
                ErrorKind::ImmatureSignature => TokenError::NotYetValid,
                ErrorKind::InvalidIssuer => TokenError::WrongIssuer,
                ErrorKind::InvalidAudience => TokenError::WrongAudience,
                ErrorKind::InvalidAlgorithm => TokenError::AlgorithmRefused(alg.clone()),
                ErrorKind::MissingRequiredClaim(claim) => {
                    TokenError::Malformed(format!("it has no {claim:?} claim"))
                }
                _ => TokenError::Malformed(e.to_string()),
            })?;
        Ok(self.identity(&data.claims))
    }

    fn identity(&self, claims: &serde_json::Map<String, Value>) -> Identity {
        let s = &self.settings;
        let value = claims.get(&s.employee_claim).and_then(Value::as_str);
        let employee = value.and_then(|v| {
            if s.employees.is_empty() {
                Some(v.to_owned())
            } else {
                s.employees.get(v).cloned()
            }
        });
        let hr = match (&s.hr_claim, &s.hr_role) {
            (Some(claim), Some(role)) => match claims.get(claim) {
                Some(Value::String(v)) => v == role,
                Some(Value::Array(values)) => values.iter().any(|v| v.as_str() == Some(role)),
                _ => false,
            },
            _ => false,
        };
        Identity {
            employee,
            hr,
            subject: claims
                .get("sub")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        }
    }

    /// The key `kid`, fetching the JWKS when it is missing or old.
    async fn key(&self, kid: &str) -> Result<Jwk, TokenError> {
        let max_age = self.settings.max_age;
        if let Some(jwk) = self.cached(kid, max_age).await {
            return Ok(jwk);
        }
        let _one_at_a_time = self.fetching.lock().await;
        // Fetched by another request while this one waited?
        if let Some(jwk) = self.cached(kid, max_age).await {
            return Ok(jwk);
        }
        // Fetched so recently that fetching again for an unknown key would only let
        // made-up `kid`s hammer the provider.
        let age = self.keys.read().await.fetched.map(|at| at.elapsed());
        if age.is_some_and(|age| age < self.settings.refresh_min) {
            return Err(TokenError::UnknownKey(kid.to_owned()));
        }
        let set = self.fetch().await?;
        let mut keys = self.keys.write().await;
        keys.by_kid = set
            .keys
            .into_iter()
            .filter_map(|k| Some((k.common.key_id.clone()?, k)))
            .collect();
        keys.fetched = Some(Instant::now());
        tracing::info!(
            keys = keys.by_kid.len(),
            "fetched the identity provider's keys"
        );
        keys.by_kid
            .get(kid)
            .cloned()
            .ok_or_else(|| TokenError::UnknownKey(kid.to_owned()))
    }

    /// The key `kid` from keys fetched less than `within` ago.
    async fn cached(&self, kid: &str, within: Duration) -> Option<Jwk> {
        let keys = self.keys.read().await;
        keys.fetched.filter(|at| at.elapsed() < within)?;
        keys.by_kid.get(kid).cloned()
    }

    async fn fetch(&self) -> Result<JwkSet, TokenError> {
        let unavailable = |why: String| {
            tracing::warn!("the identity provider's keys could not be had: {why}");
            TokenError::Unavailable(why)
        };
        let bytes = match &self.settings.jwks {
            JwksSource::File(path) => tokio::fs::read(path)
                .await
                .map_err(|e| unavailable(format!("{}: {e}", path.display())))?,
            JwksSource::Url(url) => {
                let response = self
                    .client
                    .get(url)
                    .send()
                    .await
                    .map_err(|e| unavailable(format!("{url}: {e}")))?;
                if !response.status().is_success() {
                    return Err(unavailable(format!("{url}: {}", response.status())));
                }
                response
                    .bytes()
                    .await
                    .map_err(|e| unavailable(format!("{url}: {e}")))?
                    .to_vec()
            }
        };
        serde_json::from_slice(&bytes).map_err(|e| unavailable(format!("not a JWKS: {e}")))
    }
}

/// The `alg` a token's header names, read without trusting anything else in it.
fn header_alg(token: &str) -> Result<String, TokenError> {
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed("a JWT has three parts".into()));
    };
    let bytes = B64
        .decode(header)
        .map_err(|_| TokenError::Malformed("its header is not base64url".into()))?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|_| TokenError::Malformed("its header is not JSON".into()))?;
    value
        .get("alg")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| TokenError::Malformed("its header names no algorithm".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_for_loopback_only() {
        assert!(JwksSource::parse("https://login.example.com/jwks").is_ok());
        assert!(JwksSource::parse("http://127.0.0.1:9000/jwks").is_ok());
        assert!(JwksSource::parse("http://[::1]:9000/jwks").is_ok());
        assert!(JwksSource::parse("http://localhost/jwks").is_ok());
        for refused in [
            "http://login.example.com/jwks",
            "http://10.0.0.5/jwks",
            "http://127.0.0.1.example.com/jwks",
            "ftp://login.example.com/jwks",
        ] {
            let e = JwksSource::parse(refused).unwrap_err();
            assert!(e.contains(refused), "{e}");
        }
        assert_eq!(
            JwksSource::parse("keys/jwks.json"),
            Ok(JwksSource::File(PathBuf::from("keys/jwks.json")))
        );
    }
}
