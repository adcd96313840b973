//! Delivering a signed election, as rules with no browser in them: how a company's
//! backend is named in the configuration, what the outbox keeps about each election, how
//! a backend's answer is read (a receipt, a refusal, or "try again"), when to try again,
//! what a receipt must say to count, and which election governs. The browser side (keys,
//! IndexedDB, the network) is `vault` and `courier`; everything here is tested natively.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use election_core::contract::{
    checkpoint_extends, payload_hash, receipt_hash, Checkpoint, ElectionPayload, ErrorBody,
    ErrorCode, Governs, PublicJwk, Receipt, SignedCheckpoint, SignedElection, SignedReceipt,
    SubmitResponse, Timeliness, CHECKPOINT_CONTRACT, RECEIPT_CONTRACT,
};

/// How long one delivery attempt may take before it counts as failed (and is retried).
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;
/// The first retry waits about this long; each later one about twice as long as the last.
pub const BACKOFF_BASE_MS: f64 = 1_000.0;
/// No retry waits longer than this (however many attempts failed).
pub const BACKOFF_CAP_MS: f64 = 5.0 * 60_000.0;
/// A backend's `Retry-After` is honoured up to this long.
pub const RETRY_AFTER_CAP_MS: f64 = 60.0 * 60_000.0;

/// `value` as JSON text; a value that cannot be written is an error that names it (and
/// the caller stores, sends or downloads nothing), never an empty string.
pub fn to_json(what: &str, value: &impl serde::Serialize) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| {
        format!("{what} could not be written as JSON ({e}); nothing was stored or sent")
    })
}

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

/// Where one signed election stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Externally tagged (serde's default): an internally tagged enum buffers its input,
// which costs the bundle a second copy of every contract type's parser.
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Signed and kept; not yet sent.
    Signed,
    /// An attempt is under way (since this instant, by the device's clock).
    Sending { since_ms: i64 },
    /// The last attempt failed in a way worth retrying; the next one is due at `at_ms`.
    Retrying { at_ms: i64, reason: String },
    /// The backend answered with a receipt, checked as `verification` says.
    Delivered {
        receipt: Box<SignedReceipt>,
        verification: Verification,
    },
    /// The backend refused the election; retrying would get the same answer.
    Rejected {
        code: ErrorCode,
        message: String,
        details: Vec<String>,
    },
    /// The backend answered with a receipt that does not hold (altered, another key,
    /// another election): the election may not have been received.
    ReceiptInvalid { reason: String },
    /// Saved as a file for the employee to hand in (no backend to answer).
    Downloaded,
    /// A later election was signed before this one was confirmed, so it is not sent
    /// again: the later one governs if both arrive.
    Superseded { by: u64 },
}

/// How far a receipt was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    /// Its signature verified with the receiver's key and it names this election.
    Verified,
    /// It names this election, but there was no receiver key to check its signature
    /// with (said why).
    Unverifiable(String),
}

/// One signed election in the outbox, as stored (JSON in IndexedDB).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub signed: SignedElection,
    /// SHA-256 (hex) of the payload's canonical bytes: what its receipt must name.
    pub payload_hash: String,
    /// When it was signed (trusted clock, ms since the epoch).
    pub signed_at_ms: i64,
    pub status: Status,
    pub attempts: u32,
    /// Known from the backend's record, not signed on this device.
    #[serde(default)]
    pub from_backend: bool,
}

impl OutboxEntry {
    pub fn new(signed: SignedElection, signed_at_ms: i64) -> Self {
        let hash = payload_hash(&signed.payload).hex();
        OutboxEntry {
            signed,
            payload_hash: hash,
            signed_at_ms,
            status: Status::Signed,
            attempts: 0,
            from_backend: false,
        }
    }

    pub fn payload(&self) -> &ElectionPayload {
        &self.signed.payload
    }

    pub fn key(&self) -> &str {
        &self.signed.payload.idempotency_key
    }

    /// Still to be sent (now or later).
    pub fn pending(&self) -> bool {
        matches!(
            self.status,
            Status::Signed | Status::Sending { .. } | Status::Retrying { .. }
        )
    }

    /// Due for an attempt at `now_ms` (`force`: the network just came back, or the
    /// employee asked to retry now).
    pub fn due(&self, now_ms: f64, force: bool) -> bool {
        match &self.status {
            Status::Signed => true,
            Status::Retrying { at_ms, .. } => force || (*at_ms as f64) <= now_ms,
            // Passes run under one lock, so an attempt seen "sending" at the start of a
            // pass was left unfinished by a page that closed or reloaded: its answer is
            // lost, so ask again (the idempotency key makes that safe).
            Status::Sending { .. } => true,
            _ => false,
        }
    }

    /// The receipt, when delivered.
    pub fn receipt(&self) -> Option<&SignedReceipt> {
        match &self.status {
            Status::Delivered { receipt, .. } => Some(receipt),
            _ => None,
        }
    }
}

/// What the contract's one rule for the election in effect
/// ([`governing`](election_core::contract::governing)) needs to know of an entry.
impl Governs for OutboxEntry {
    fn sequence(&self) -> u64 {
        self.payload().sequence
    }

    /// Delivered on time, by a receipt whose signature verified: this election can
    /// govern. (A receipt that could not be checked proves nothing, so the widget does
    /// not call its election the one in effect.)
    fn counts(&self) -> bool {
        matches!(&self.status, Status::Delivered { receipt, verification: Verification::Verified }
            if receipt.receipt.timeliness == Timeliness::OnTime)
    }
}

/// The sequence number for the next election: above every one this device or the
/// backend has seen.
pub fn next_sequence(entries: &[OutboxEntry]) -> u64 {
    entries
        .iter()
        .map(|e| e.payload().sequence)
        .max()
        .unwrap_or(0)
        + 1
}

/// Marks every pending election older than the newest as superseded (it is not sent
/// again). Returns the entries it changed, to be stored.
pub fn supersede(entries: &mut [OutboxEntry]) -> Vec<OutboxEntry> {
    let Some(newest) = entries.iter().map(|e| e.payload().sequence).max() else {
        return Vec::new();
    };
    let mut changed = Vec::new();
    for e in entries.iter_mut() {
        if e.payload().sequence < newest
            && matches!(e.status, Status::Signed | Status::Retrying { .. })
        {
            e.status = Status::Superseded { by: newest };
            changed.push(e.clone());
        }
    }
    changed
}

/// What one delivery attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A receipt (on time, or late: a late election is stored and never governs).
    /// With the checkpoint of the receiver's chain that includes it, when the answer
    /// carries one (contract 2).
    Receipt(Box<SignedReceipt>, Option<Box<SignedCheckpoint>>),
    /// Refused for good.
    Rejected {
        code: ErrorCode,
        message: String,
        details: Vec<String>,
    },
    /// Worth trying again; `after_ms` is the backend's `Retry-After`, if it gave one.
    Retry {
        reason: String,
        after_ms: Option<f64>,
    },
}

/// Reads a backend's answer to `POST /v1/elections`: 2xx with a receipt; 403
/// `deadline_passed` with the receipt of a late election; 408, 429 and 5xx (and an
/// unreadable 2xx, such as a captive portal's page) are retried; any other 4xx is
/// refused for good. `retry_after` is the raw header; `now_ms` dates an HTTP-date one.
pub fn classify(status: u16, body: &str, retry_after: Option<&str>, now_ms: f64) -> Outcome {
    let after_ms = retry_after.and_then(|h| parse_retry_after(h, now_ms));
    let error = serde_json::from_slice::<ErrorBody>(body.as_bytes()).ok();
    match status {
        200..=299 => match serde_json::from_slice::<SubmitResponse>(body.as_bytes()) {
            Ok(response) => Outcome::Receipt(
                Box::new(response.receipt),
                response.checkpoint.map(Box::new),
            ),
            Err(_) => Outcome::Retry {
                reason: format!("the backend answered HTTP {status} without a receipt"),
                after_ms,
            },
        },
        408 | 429 | 500..=599 => Outcome::Retry {
            reason: match &error {
                Some(e) => format!(
                    "the backend is unavailable (HTTP {status}: {})",
                    e.error.message
                ),
                None => format!("the backend is unavailable (HTTP {status})"),
            },
            after_ms,
        },
        _ => match error {
            Some(ErrorBody {
                receipt: Some(receipt),
                ..
            }) => Outcome::Receipt(Box::new(receipt), None),
            Some(e) => Outcome::Rejected {
                code: e.error.code,
                message: e.error.message,
                details: e.error.details,
            },
            None => Outcome::Rejected {
                code: ErrorCode::Other(format!("http_{status}")),
                message: format!("the backend refused the election (HTTP {status})"),
                details: Vec::new(),
            },
        },
    }
}

/// A `Retry-After` header: delay-seconds, or an HTTP-date (relative to `now_ms`).
pub fn parse_retry_after(header: &str, now_ms: f64) -> Option<f64> {
    let header = header.trim();
    if let Ok(seconds) = header.parse::<u32>() {
        return Some(f64::from(seconds) * 1000.0);
    }
    http_date_ms(header).map(|at| (at - now_ms).max(0.0))
}

/// An HTTP-date in its one current form (RFC 9110 IMF-fixdate), `Wed, 21 Oct 2015
/// 07:28:00 GMT`, as milliseconds since the epoch. (A full RFC 2822 parser would cost the
/// bundle more than this whole module.)
fn http_date_ms(text: &str) -> Option<f64> {
    let (_, rest) = text.split_once(", ")?;
    let mut parts = rest.split(' ');
    let (day, month, year, time, zone) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if zone != "GMT" || parts.next().is_some() {
        return None;
    }
    let month = election_core::display::MONTHS
        .iter()
        .position(|m| m.get(..3) == Some(month))?;
    let date =
        chrono::NaiveDate::from_ymd_opt(year.parse().ok()?, month as u32 + 1, day.parse().ok()?)?;
    let mut hms = time.split(':').map(|n| n.parse::<u32>().ok());
    let at = date.and_hms_opt(hms.next()??, hms.next()??, hms.next()??)?;
    Some(at.and_utc().timestamp_millis() as f64)
}

/// How long to wait before attempt `attempt + 1` after `attempt` failures: exponential
/// from [`BACKOFF_BASE_MS`], capped at [`BACKOFF_CAP_MS`], with jitter (`random` in
/// [0, 1) spreads it over its upper half, so a fleet of widgets does not retry in step);
/// a longer `Retry-After` from the backend wins, up to [`RETRY_AFTER_CAP_MS`].
pub fn backoff_ms(attempt: u32, random: f64, retry_after_ms: Option<f64>) -> f64 {
    let exp = BACKOFF_BASE_MS * 2f64.powi(attempt.saturating_sub(1).min(20) as i32);
    let ceiling = if exp > BACKOFF_CAP_MS {
        BACKOFF_CAP_MS
    } else {
        exp
    };
    // Not `f64::clamp`: its panic path brings float formatting into the bundle.
    #[allow(clippy::manual_clamp)]
    let random = if random.is_finite() {
        random.max(0.0).min(1.0)
    } else {
        0.5
    };
    let jittered = ceiling * (0.5 + random / 2.0);
    match retry_after_ms {
        Some(after) if after > jittered => {
            if after > RETRY_AFTER_CAP_MS {
                RETRY_AFTER_CAP_MS
            } else {
                after
            }
        }
        _ => jittered,
    }
}

/// What is wrong with a receipt for `entry` signed by the receiver key `receiver_key_id`,
/// before its signature is checked: it must be a receipt for exactly this election. Empty
/// when it names it.
pub fn receipt_problems(
    entry: &OutboxEntry,
    receipt: &SignedReceipt,
    receiver_key_id: Option<&str>,
) -> Vec<String> {
    let r = &receipt.receipt;
    let p = entry.payload();
    let mut problems = Vec::new();
    if r.contract != RECEIPT_CONTRACT {
        problems.push(format!("it is not a {RECEIPT_CONTRACT} receipt"));
    }
    if r.payload_hash != entry.payload_hash {
        problems.push("it names another election (its payload hash differs)".to_owned());
    }
    for (what, got, want) in [
        ("offer", r.offer_id.as_str(), p.offer_id.as_str()),
        ("employee", r.employee_id.as_str(), p.employee_id.as_str()),
        (
            "idempotency key",
            r.idempotency_key.as_str(),
            p.idempotency_key.as_str(),
        ),
    ] {
        if got != want {
            problems.push(format!("it names {what} {got:?}, not {want:?}"));
        }
    }
    if r.sequence != p.sequence || r.offer_version != p.offer_version {
        problems.push("it names another sequence or offer version".to_owned());
    }
    if let Some(id) = receiver_key_id {
        if r.key_id != id {
            problems.push(format!(
                "it is signed by key {:?}, not the receiver's key {id:?}",
                r.key_id
            ));
        }
    }
    problems
}

/// What decides whether the employee may sign now.
pub struct Readiness<'a> {
    pub offer: &'a election_core::Offer,
    pub holder: &'a election_core::Holder,
    pub disclosure: &'a election_core::disclosure::Disclosure,
    pub acknowledged: &'a BTreeMap<String, election_core::disclosure::Acknowledgment>,
    /// The election the employee's picks make.
    pub election: &'a election_core::Election,
    /// A preview: nothing can be signed from it.
    pub preview: bool,
    /// The deadline has passed (by the trusted clock).
    pub locked: bool,
    /// The outbox and the backend's record have been read (the next sequence number
    /// depends on them).
    pub outbox_loaded: bool,
    pub style: &'a dyn election_core::display::Style,
}

/// Why the employee cannot sign now, each in a sentence for them; empty when they can.
pub fn sign_blockers(r: &Readiness) -> Vec<String> {
    let mut blockers = Vec::new();
    if r.preview {
        blockers.push("This is a preview: nothing can be signed or submitted from it.".to_owned());
    }
    if r.locked {
        blockers.push(format!(
            "The offer expired at {}.",
            r.offer.expiration.legal_wording
        ));
    }
    if !r.preview && !r.outbox_loaded {
        blockers.push(format!(
            "Checking your signed elections with {}…",
            r.offer.issuer.name
        ));
    }
    let unacknowledged: Vec<&str> = r
        .offer
        .documents
        .iter()
        .filter(|d| {
            r.disclosure.status(&d.id, r.acknowledged.get(&d.id))
                != election_core::disclosure::AckStatus::Current
        })
        .map(|d| d.title.as_str())
        .collect();
    if !unacknowledged.is_empty() {
        blockers.push(format!(
            "Acknowledge that you have read {} (under “Acknowledgments” above).",
            unacknowledged.join("; ")
        ));
    }
    for violation in r.election.check(r.offer, r.holder) {
        blockers.push(violation.describe_in(r.offer, r.style));
    }
    blockers
}

/// A stored entry, or why it could not be read (an older format, a hand edit): such an
/// entry is skipped, never a panic.
pub fn read_entry(text: &str) -> Option<OutboxEntry> {
    serde_json::from_slice(text.as_bytes()).ok()
}

/// The storage key prefix of one employee's outbox for one offer.
pub fn outbox_prefix(offer_id: &str, employee_id: &str) -> String {
    format!("{offer_id}\u{1f}{employee_id}\u{1f}")
}

/// A file name for a download, from parts that may hold anything.
pub fn file_name(kind: &str, payload: &ElectionPayload) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .take(60)
            .collect()
    };
    format!(
        "{}-{}-{}-{}.json",
        kind,
        clean(&payload.offer_id),
        clean(&payload.employee_id),
        payload.sequence
    )
}

/// Whether a typed name is the name on record: case (ASCII) and extra spaces aside.
pub fn name_matches(typed: &str, on_record: &str) -> bool {
    let words = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    let (a, b) = (words(typed), words(on_record));
    !a.is_empty() && a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

/// What is wrong with a checkpoint that comes with `receipt`: it must be this receiver's,
/// for this offer, and include the receipt (count it; end in it when it is the newest).
pub fn checkpoint_problems(cp: &Checkpoint, receipt: &Receipt) -> Vec<String> {
    let mut problems = Vec::new();
    if cp.contract != CHECKPOINT_CONTRACT {
        problems.push(format!(
            "it is a {:?}, not a {CHECKPOINT_CONTRACT:?}",
            cp.contract
        ));
    }
    for (what, theirs, ours) in [
        ("receiver", &cp.received_by, &receipt.received_by),
        ("offer", &cp.offer_id, &receipt.offer_id),
        ("receiver key", &cp.key_id, &receipt.key_id),
    ] {
        if theirs != ours {
            problems.push(format!(
                "it names the {what} {theirs:?}, the receipt {ours:?}"
            ));
        }
    }
    if cp.count < receipt.chain_index {
        problems.push(format!(
            "it counts {} receipts, so not receipt {} of the chain",
            cp.count, receipt.chain_index
        ));
    } else if cp.count == receipt.chain_index && cp.head != receipt_hash(receipt).hex() {
        problems.push("it ends in another receipt than this one".to_owned());
    }
    problems
}

/// What to do with a checkpoint seen from the receiver, given the newest kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointStep {
    /// Nothing newer than what is kept.
    Keep,
    /// Newer, and a later state of the same chain: keep it instead.
    Replace,
    /// It does not extend what the receiver showed before: the employee is warned, and
    /// the earlier one is kept (it is the evidence).
    Diverged(String),
}

/// Compares a checkpoint the receiver shows now with the newest one kept.
pub fn checkpoint_step(kept: Option<&Checkpoint>, seen: &Checkpoint) -> CheckpointStep {
    let Some(kept) = kept else {
        return CheckpointStep::Replace;
    };
    match checkpoint_extends(kept, seen) {
        Err(problem) => CheckpointStep::Diverged(problem.to_string()),
        Ok(()) if seen.count > kept.count || seen.at_ms > kept.at_ms => CheckpointStep::Replace,
        Ok(()) => CheckpointStep::Keep,
    }
}

/// Where the newest checkpoint is kept beside an outbox (outside its prefix, so the
/// outbox's entries are never confused with it).
pub fn checkpoint_key(outbox_prefix: &str) -> String {
    format!("checkpoint\u{1f}{outbox_prefix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use election_core::contract::{Receipt, ELECTION_CONTRACT};
    use serde_json::json;

    fn payload(sequence: u64) -> ElectionPayload {
        ElectionPayload {
            contract: ELECTION_CONTRACT.into(),
            offer_id: "o".into(),
            offer_version: 2,
            disclosure_digest: "d".repeat(64),
            employee_id: "E-1".into(),
            decisions: Vec::new(),
            acknowledgments: Vec::new(),
            sequence,
            nonce: "n".repeat(22),
            idempotency_key: format!("key-{sequence:020}"),
            client_time: "2001-09-20T14:00:00Z".into(),
            key_id: "k".into(),
            signed_name: "A B".into(),
        }
    }

    fn entry(sequence: u64) -> OutboxEntry {
        OutboxEntry::new(
            SignedElection {
                payload: payload(sequence),
                signature: "h..s".into(),
            },
            1,
        )
    }

    fn receipt_for(e: &OutboxEntry, timeliness: Timeliness) -> SignedReceipt {
        let p = e.payload();
        SignedReceipt {
            receipt: Receipt {
                contract: RECEIPT_CONTRACT.into(),
                receipt_id: "R0000000001".into(),
                received_by: "Mpower Holding Corporation".into(),
                offer_id: p.offer_id.clone(),
                offer_version: p.offer_version,
                employee_id: p.employee_id.clone(),
                sequence: p.sequence,
                idempotency_key: p.idempotency_key.clone(),
                payload_hash: e.payload_hash.clone(),
                received_at: "2001-09-20T14:00:01.000Z".into(),
                received_at_ms: 1_000_994_401_000,
                deadline: "2001-09-27T23:59:00-04:00".into(),
                timeliness,
                chain_index: 1,
                previous_receipt_hash: "0".repeat(64),
                key_id: "receiver".into(),
            },
            signature: "h..s".into(),
        }
    }

    fn delivered(mut e: OutboxEntry, timeliness: Timeliness) -> OutboxEntry {
        let receipt = receipt_for(&e, timeliness);
        e.status = Status::Delivered {
            receipt: Box::new(receipt),
            verification: Verification::Verified,
        };
        e
    }

    fn checkpoint(count: u64, head: &str, at_ms: i64) -> Checkpoint {
        Checkpoint {
            contract: CHECKPOINT_CONTRACT.into(),
            received_by: "Mpower Holding Corporation".into(),
            offer_id: "mpower-2001-option-exchange".into(),
            key_id: "receiver".into(),
            count,
            head: head.into(),
            at_ms,
            at: String::new(),
        }
    }

    #[test]
    fn a_checkpoint_must_include_the_receipt_it_comes_with() {
        let e = entry(1);
        let r = receipt_for(&e, Timeliness::OnTime).receipt;
        let head = receipt_hash(&r).hex();
        let checkpoint = |count, head: &str, at| Checkpoint {
            offer_id: r.offer_id.clone(),
            ..checkpoint(count, head, at)
        };
        assert!(checkpoint_problems(&checkpoint(1, &head, 1), &r).is_empty());
        assert!(checkpoint_problems(&checkpoint(7, "later", 1), &r).is_empty());
        let other_end = checkpoint_problems(&checkpoint(1, &"f".repeat(64), 1), &r);
        assert_eq!(other_end, ["it ends in another receipt than this one"]);
        let short = checkpoint_problems(&checkpoint(0, "0", 1), &r);
        assert!(
            short[0].contains("counts 0 receipts, so not receipt 1"),
            "{short:?}"
        );
        let mut stranger = checkpoint(3, "x", 1);
        stranger.key_id = "someone-else".into();
        stranger.offer_id = "acme".into();
        assert_eq!(checkpoint_problems(&stranger, &r).len(), 2);
    }

    #[test]
    fn the_newest_checkpoint_is_kept_and_one_that_does_not_extend_it_is_a_warning() {
        let first = checkpoint(3, "c3", 10);
        assert_eq!(checkpoint_step(None, &first), CheckpointStep::Replace);
        assert_eq!(checkpoint_step(Some(&first), &first), CheckpointStep::Keep);
        assert_eq!(
            checkpoint_step(Some(&first), &checkpoint(5, "c5", 20)),
            CheckpointStep::Replace
        );
        // Fewer receipts than before: the newest were deleted.
        assert!(matches!(
            checkpoint_step(Some(&first), &checkpoint(2, "c2", 30)),
            CheckpointStep::Diverged(_)
        ));
        // As many, ending elsewhere: the chain was rewritten.
        assert!(matches!(
            checkpoint_step(Some(&first), &checkpoint(3, "other", 30)),
            CheckpointStep::Diverged(_)
        ));
        assert_ne!(checkpoint_key("a\u{1f}b\u{1f}"), "a\u{1f}b\u{1f}");
        assert!(!checkpoint_key("a\u{1f}b\u{1f}").starts_with("a\u{1f}b\u{1f}"));
    }

    #[test]
    fn a_contract_2_answer_carries_its_checkpoint() {
        let e = entry(1);
        let receipt = receipt_for(&e, Timeliness::OnTime);
        let signed = SignedCheckpoint {
            checkpoint: checkpoint(1, "h", 1),
            signature: "a..b".into(),
        };
        let body = serde_json::to_string(&SubmitResponse {
            receipt: receipt.clone(),
            replayed: false,
            checkpoint: Some(signed.clone()),
        })
        .expect("json");
        assert_eq!(
            classify(200, &body, None, 0.0),
            Outcome::Receipt(Box::new(receipt.clone()), Some(Box::new(signed)))
        );
        let v1 = serde_json::to_string(&SubmitResponse {
            receipt: receipt.clone(),
            replayed: false,
            checkpoint: None,
        })
        .expect("json");
        assert_eq!(
            classify(200, &v1, None, 0.0),
            Outcome::Receipt(Box::new(receipt), None)
        );
    }

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

    #[test]
    fn answers_are_receipts_refusals_or_retries() {
        let e = entry(1);
        let receipt = receipt_for(&e, Timeliness::OnTime);
        let ok = serde_json::to_string(&SubmitResponse {
            receipt: receipt.clone(),
            replayed: false,
            checkpoint: None,
        })
        .expect("json");
        assert_eq!(
            classify(201, &ok, None, 0.0),
            Outcome::Receipt(Box::new(receipt.clone()), None)
        );
        assert_eq!(
            classify(200, &ok, None, 0.0),
            Outcome::Receipt(Box::new(receipt.clone()), None)
        );
        // A late election is stored and has a receipt, carried by a 403.
        let late = receipt_for(&e, Timeliness::Late);
        let body =
            json!({ "error": { "code": "deadline_passed", "message": "late" }, "receipt": late })
                .to_string();
        assert_eq!(
            classify(403, &body, None, 0.0),
            Outcome::Receipt(Box::new(late), None)
        );
        let refusal = json!({ "error": { "code": "invalid_election", "message": "no", "details": ["a", "b"] } }).to_string();
        assert_eq!(
            classify(422, &refusal, Some("5"), 0.0),
            Outcome::Rejected {
                code: ErrorCode::InvalidElection,
                message: "no".into(),
                details: vec!["a".into(), "b".into()]
            }
        );
        assert!(
            matches!(classify(404, "<html>", None, 0.0), Outcome::Rejected { ref code, .. } if code.as_str() == "http_404")
        );
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(
                matches!(classify(status, "", None, 0.0), Outcome::Retry { .. }),
                "{status}"
            );
        }
        assert_eq!(
            classify(
                503,
                &json!({ "error": { "code": "storage_unavailable", "message": "db down" } })
                    .to_string(),
                Some("7"),
                0.0
            ),
            Outcome::Retry {
                reason: "the backend is unavailable (HTTP 503: db down)".into(),
                after_ms: Some(7000.0)
            }
        );
        // A 200 that is not a receipt (a captive portal's page): the election may not
        // have arrived, so it is sent again (safely: same idempotency key).
        assert!(matches!(
            classify(200, "<html>Sign in to Wi-Fi</html>", None, 0.0),
            Outcome::Retry { .. }
        ));
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after(" 120 ", 0.0), Some(120_000.0));
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:27:00Z")
            .expect("date")
            .timestamp_millis() as f64;
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(60_000.0)
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:20:00 GMT", now),
            Some(0.0)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 UTC", now),
            None
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Foo 2015 07:28:00 GMT", now),
            None
        );
        assert_eq!(
            parse_retry_after("Wed, 31 Feb 2015 07:28:00 GMT", now),
            None
        );
    }

    #[test]
    fn backoff_grows_is_capped_jittered_and_yields_to_retry_after() {
        assert_eq!(backoff_ms(1, 0.0, None), 500.0);
        assert_eq!(backoff_ms(1, 1.0, None), 1000.0);
        assert_eq!(backoff_ms(4, 1.0, None), 8000.0);
        for attempt in [10, 30, u32::MAX] {
            let d = backoff_ms(attempt, 0.999, None);
            assert!(
                (BACKOFF_CAP_MS / 2.0..=BACKOFF_CAP_MS).contains(&d),
                "{attempt}: {d}"
            );
        }
        assert_eq!(backoff_ms(1, f64::NAN, None), 750.0);
        assert_eq!(backoff_ms(1, 0.5, Some(30_000.0)), 30_000.0);
        assert_eq!(backoff_ms(6, 1.0, Some(1.0)), 32_000.0);
        assert_eq!(backoff_ms(1, 0.5, Some(1e12)), RETRY_AFTER_CAP_MS);
    }

    #[test]
    fn the_latest_on_time_election_governs() {
        use election_core::contract::governing;
        assert_eq!(governing(&Vec::<OutboxEntry>::new()), None);
        let entries = vec![
            delivered(entry(1), Timeliness::OnTime),
            delivered(entry(2), Timeliness::OnTime),
            delivered(entry(3), Timeliness::Late),
            entry(4),
        ];
        let mut unverified = delivered(entry(5), Timeliness::OnTime);
        if let Status::Delivered { verification, .. } = &mut unverified.status {
            *verification = Verification::Unverifiable("no key".into());
        }
        let entries = [entries, vec![unverified]].concat();
        assert_eq!(governing(&entries).map(|e| e.payload().sequence), Some(2));
        assert_eq!(next_sequence(&entries), 6);
        assert_eq!(next_sequence(&[]), 1);
    }

    #[test]
    fn older_pending_elections_are_superseded_not_sent() {
        let mut sending = entry(2);
        sending.status = Status::Sending { since_ms: 0 };
        let mut entries = vec![
            delivered(entry(1), Timeliness::OnTime),
            sending,
            entry(3),
            entry(4),
        ];
        assert_eq!(supersede(&mut entries).len(), 1);
        assert!(matches!(entries[0].status, Status::Delivered { .. }));
        // An attempt under way is left to finish: its answer still counts.
        assert!(matches!(entries[1].status, Status::Sending { .. }));
        assert_eq!(entries[2].status, Status::Superseded { by: 4 });
        assert_eq!(entries[3].status, Status::Signed);
        assert!(supersede(&mut entries).is_empty());
    }

    #[test]
    fn what_is_due() {
        let mut e = entry(1);
        assert!(e.due(0.0, false) && e.pending());
        e.status = Status::Retrying {
            at_ms: 100,
            reason: "x".into(),
        };
        assert!(!e.due(99.0, false) && e.due(100.0, false) && e.due(0.0, true));
        e.status = Status::Sending { since_ms: 0 };
        assert!(e.due(0.0, false) && e.pending());
        let d = delivered(entry(1), Timeliness::OnTime);
        assert!(!d.due(1e15, true) && !d.pending() && d.receipt().is_some());
    }

    #[test]
    fn a_receipt_must_name_exactly_this_election() {
        let e = entry(1);
        let good = receipt_for(&e, Timeliness::OnTime);
        assert!(receipt_problems(&e, &good, Some("receiver")).is_empty());
        assert!(receipt_problems(&e, &good, None).is_empty());
        let mut other = good.clone();
        other.receipt.payload_hash = "f".repeat(64);
        other.receipt.employee_id = "E-2".into();
        other.receipt.sequence = 9;
        let problems = receipt_problems(&e, &other, Some("another")).join("; ");
        for expected in [
            "payload hash differs",
            "employee \"E-2\"",
            "another sequence",
            "not the receiver's key",
        ] {
            assert!(problems.contains(expected), "{expected} in {problems}");
        }
    }

    #[test]
    fn entries_round_trip_and_junk_is_skipped() {
        let e = delivered(entry(3), Timeliness::OnTime);
        let text = serde_json::to_string(&e).expect("json");
        assert_eq!(read_entry(&text), Some(e));
        assert_eq!(read_entry("{\"signed\": 1}"), None);
        assert_eq!(read_entry("not json"), None);
    }

    #[test]
    fn what_stands_between_the_employee_and_signing() {
        use election_core::disclosure::{Acknowledgment, Disclosure};
        let offer =
            election_core::parse_offer(include_str!("../../../static/offers/mpower-2001.json"))
                .expect("offer");
        let holder = election_core::parse_holder(
            include_str!("../../../static/holders/e1001-avery-lindqvist.json"),
            Some(&offer),
        )
        .expect("holder");
        let disclosure = Disclosure::of(&offer);
        let none = BTreeMap::new();
        let all: BTreeMap<String, Acknowledgment> = offer
            .documents
            .iter()
            .map(|d| (d.id.clone(), Acknowledgment::of(d)))
            .collect();
        let election = election_core::Election::keep_all(&offer, &holder);
        let ready = |acknowledged, preview, locked, outbox_loaded, election| {
            sign_blockers(&Readiness {
                offer: &offer,
                holder: &holder,
                disclosure: &disclosure,
                acknowledged,
                election,
                preview,
                locked,
                outbox_loaded,
                style: &election_core::display::UsEnglish,
            })
        };
        assert!(ready(&all, false, false, true, &election).is_empty());
        let blocked = ready(&none, true, true, false, &election).join("\n");
        for expected in [
            "This is a preview",
            "The offer expired at 11:59 p.m., Eastern Daylight Time, on September 27, 2001.",
            "Acknowledge that you have read Offer to Exchange; Notice of Amendment to Offer to Exchange",
        ] {
            assert!(blocked.contains(expected), "{expected} in {blocked}");
        }
        // A preview does not wait for a backend it never talks to.
        assert!(!blocked.contains("Checking your signed elections"));
        assert!(ready(&all, false, false, false, &election)[0]
            .starts_with("Checking your signed elections with Mpower"));
        let mut other = election.clone();
        other.employee_id = "E-9999".into();
        assert!(ready(&all, false, false, true, &other)[0].contains("employee E-9999"));
    }

    #[test]
    fn names_and_file_names() {
        assert!(name_matches("  jordan   OKAFOR ", "Jordan Okafor"));
        assert!(!name_matches("Jordan", "Jordan Okafor"));
        assert!(!name_matches("", ""));
        assert!(!name_matches("Jordan Okafor Jr", "Jordan Okafor"));
        let mut p = payload(2);
        p.employee_id = "../E 1<x>".into();
        assert_eq!(file_name("election", &p), "election-o-___E_1_x_-2.json");
        assert_eq!(outbox_prefix("o", "e"), "o\u{1f}e\u{1f}");
    }
}
