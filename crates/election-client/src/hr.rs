//! HR's results page (`results.html`): its deployment settings and who may set them,
//! sign-on with the company's identity provider (OpenID Connect's authorization-code flow
//! with PKCE), and the figures as words and as a chart. No browser here: the page's
//! platform layer (`src/platform/signon.rs`) does the redirects, the session storage, the
//! hashing and the requests, and asks these rules what to do.
//!
//! Who may set what: everything comes from the deployment (the page's own
//! `<script type="application/json" id="election-results-deployment">`). A link sets
//! nothing: the page's URL is read only for the identity provider's answer to a sign-in
//! this tab started (its `state` must be the one kept for it), so a link can neither
//! send HR's token to another receiver nor sign HR in with someone else's code.

use election_core::results::{Day, Results, Standing};
use serde::{Deserialize, Serialize};

/// The element id of the deployment's settings.
pub const DEPLOYMENT_ID: &str = "election-results-deployment";
/// The session-storage key of a sign-in under way.
pub const PENDING_KEY: &str = "election-results:sign-in";

/// Which of the identity provider's tokens the receiver is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenKind {
    #[default]
    AccessToken,
    IdToken,
}

/// The identity provider, as the deployment names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcClient {
    /// The issuer; its discovery document is `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    /// Space-separated; always includes `openid`.
    pub scope: String,
    pub token: TokenKind,
    /// Where the provider sends HR back; the page's own URL (without its query) when not
    /// given.
    pub redirect_uri: Option<String>,
}

/// The results page's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultsDeployment {
    /// The receiver's base URL (its offer's: `https://…/offers/{id}` where it serves
    /// several), without a trailing `/`.
    pub receiver: String,
    pub oidc: Option<OidcClient>,
    /// How often the figures are read again while the page is open, in seconds.
    pub refresh_seconds: u32,
}

const KEYS: &[&str] = &["receiver", "oidc", "refresh_seconds"];
const OIDC_KEYS: &[&str] = &["issuer", "client_id", "scope", "token", "redirect_uri"];

/// Whether `url` may carry HR's token or code: `https://`, or `http://` on loopback.
fn safe_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return lower.len() > "https://".len();
    }
    let Some(rest) = lower.strip_prefix("http://") else {
        return false;
    };
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .rsplit_once(':')
        .map_or(
            rest.split(['/', '?', '#']).next().unwrap_or(""),
            |(h, port)| {
                if port.chars().all(|c| c.is_ascii_digit()) {
                    h
                } else {
                    ""
                }
            },
        );
    host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl ResultsDeployment {
    /// Reads the deployment's settings; every problem named.
    pub fn parse(text: &str) -> Result<ResultsDeployment, Vec<String>> {
        let what = "the page's results settings";
        let map = crate::config::settings_object(text, what)?;
        let mut problems = Vec::new();
        for key in map.keys() {
            if !KEYS.contains(&key.as_str()) {
                problems.push(format!(
                    "{what}: unknown setting `{key}` (known: {})",
                    KEYS.join(", ")
                ));
            }
        }
        let receiver = match map.get("receiver").and_then(|v| v.as_str()) {
            Some(r) if safe_url(r) => Some(r.trim_end_matches('/').to_owned()),
            Some(r) => {
                problems.push(format!(
                    "{what}: `receiver` {r:?} must be an https:// URL (http:// only on this computer)"
                ));
                None
            }
            None => {
                problems.push(format!(
                    "{what}: `receiver` (the receiver's URL) is missing"
                ));
                None
            }
        };
        let refresh_seconds = match map.get("refresh_seconds") {
            None => 30,
            Some(v) => match v.as_u64() {
                Some(n @ 2..=3600) => n as u32,
                _ => {
                    problems.push(format!(
                        "{what}: `refresh_seconds` must be a whole number from 2 to 3600, not {v}"
                    ));
                    30
                }
            },
        };
        let oidc = match map.get("oidc") {
            None => None,
            Some(serde_json::Value::Object(o)) => oidc_client(o, &mut problems),
            Some(other) => {
                problems.push(format!("{what}: `oidc` must be an object, not {other}"));
                None
            }
        };
        match receiver {
            Some(receiver) if problems.is_empty() => Ok(ResultsDeployment {
                receiver,
                oidc,
                refresh_seconds,
            }),
            _ => Err(problems),
        }
    }
}

fn oidc_client(
    o: &serde_json::Map<String, serde_json::Value>,
    problems: &mut Vec<String>,
) -> Option<OidcClient> {
    let what = "the page's results settings: `oidc`";
    for key in o.keys() {
        if !OIDC_KEYS.contains(&key.as_str()) {
            problems.push(format!(
                "{what}: unknown setting `{key}` (known: {})",
                OIDC_KEYS.join(", ")
            ));
        }
    }
    let text = |key: &str| o.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    let issuer = text("issuer").filter(|i| safe_url(i));
    if issuer.is_none() {
        problems.push(format!(
            "{what}: `issuer` must be the identity provider's https:// URL (http:// only on this computer)"
        ));
    }
    let client_id = text("client_id").filter(|c| !c.trim().is_empty());
    if client_id.is_none() {
        problems.push(format!("{what}: `client_id` is missing"));
    }
    let token = match text("token").as_deref() {
        None | Some("access_token") => TokenKind::AccessToken,
        Some("id_token") => TokenKind::IdToken,
        Some(other) => {
            problems.push(format!(
                "{what}: `token` must be \"access_token\" or \"id_token\", not {other:?}"
            ));
            TokenKind::AccessToken
        }
    };
    let redirect_uri = text("redirect_uri");
    if let Some(r) = &redirect_uri {
        if !safe_url(r) {
            problems.push(format!(
                "{what}: `redirect_uri` {r:?} must be an https:// URL (http:// only on this computer)"
            ));
        }
    }
    let mut scope = text("scope").unwrap_or_else(|| "openid".to_owned());
    if !scope.split_whitespace().any(|s| s == "openid") {
        scope = format!("openid {scope}");
    }
    Some(OidcClient {
        issuer: issuer?.trim_end_matches('/').to_owned(),
        client_id: client_id?,
        scope,
        token,
        redirect_uri,
    })
}

/// The provider's endpoints, from its discovery document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    pub authorization_endpoint: String,
    pub token_endpoint: String,
}

impl Discovery {
    /// The discovery document's URL.
    pub fn url(issuer: &str) -> String {
        format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        )
    }

    /// Reads a discovery document: it must name the configured issuer (OpenID Connect
    /// Discovery §4.3), endpoints HR's code and token may be sent to, and PKCE's S256
    /// where it lists methods.
    pub fn parse(text: &str, issuer: &str) -> Result<Discovery, String> {
        #[derive(Deserialize)]
        struct Doc {
            issuer: String,
            authorization_endpoint: String,
            token_endpoint: String,
            #[serde(default)]
            code_challenge_methods_supported: Option<Vec<String>>,
        }
        let doc: Doc = serde_json::from_str(text).map_err(|e| {
            format!("The identity provider's discovery document cannot be read: {e}.")
        })?;
        if doc.issuer.trim_end_matches('/') != issuer.trim_end_matches('/') {
            return Err(format!(
                "The identity provider's discovery document names the issuer {:?}, not {issuer:?}: sign-in is refused.",
                doc.issuer
            ));
        }
        for (name, url) in [
            ("authorization_endpoint", &doc.authorization_endpoint),
            ("token_endpoint", &doc.token_endpoint),
        ] {
            if !safe_url(url) {
                return Err(format!(
                    "The identity provider's {name} {url:?} is not https://: sign-in is refused."
                ));
            }
        }
        if doc
            .code_challenge_methods_supported
            .is_some_and(|m| !m.iter().any(|m| m == "S256"))
        {
            return Err("The identity provider does not support PKCE with S256.".to_owned());
        }
        Ok(Discovery {
            authorization_endpoint: doc.authorization_endpoint,
            token_endpoint: doc.token_endpoint,
        })
    }
}

/// A sign-in under way, kept in the tab's session storage across the redirect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pending {
    pub state: String,
    /// PKCE's code verifier (43 or more base64url characters).
    pub verifier: String,
    pub nonce: String,
    pub redirect_uri: String,
    pub token_endpoint: String,
}

/// The URL HR is sent to, to sign in.
pub fn authorization_url(
    discovery: &Discovery,
    client: &OidcClient,
    pending: &Pending,
    challenge: &str,
) -> String {
    let sep = if discovery.authorization_endpoint.contains('?') {
        '&'
    } else {
        '?'
    };
    format!(
        "{}{sep}{}",
        discovery.authorization_endpoint,
        form(&[
            ("response_type", "code"),
            ("client_id", &client.client_id),
            ("redirect_uri", &pending.redirect_uri),
            ("scope", &client.scope),
            ("state", &pending.state),
            ("nonce", &pending.nonce),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ])
    )
}

/// The token request's body (`application/x-www-form-urlencoded`).
pub fn token_request(code: &str, client: &OidcClient, pending: &Pending) -> String {
    form(&[
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", &pending.redirect_uri),
        ("client_id", &client.client_id),
        ("code_verifier", &pending.verifier),
    ])
}

/// What the page's URL says about a sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// Nothing: the page was opened, not returned to.
    None,
    /// The provider's code, for the sign-in this tab started.
    Code(String),
    /// The sign-in failed or cannot be trusted; why, in words.
    Refused(String),
}

/// Reads the page's query (`?code=…&state=…` or `?error=…`) against the sign-in this tab
/// started. A code without a sign-in under way, or with another `state`, is refused: a
/// link cannot sign HR in.
pub fn read_callback(query: &str, pending: Option<&Pending>) -> Callback {
    let params = parse_query(query);
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let (code, state, error) = (get("code"), get("state"), get("error"));
    if code.is_none() && error.is_none() {
        return Callback::None;
    }
    let Some(pending) = pending else {
        return Callback::Refused(
            "This page was opened with a sign-in answer it did not ask for; it was ignored. Sign in from this page.".to_owned(),
        );
    };
    if state != Some(pending.state.as_str()) {
        return Callback::Refused(
            "The identity provider's answer does not match the sign-in this page started; it was ignored. Sign in again.".to_owned(),
        );
    }
    if let Some(error) = error {
        let described = get("error_description").unwrap_or("");
        return Callback::Refused(format!(
            "The identity provider did not sign you in ({error}{}{described}).",
            if described.is_empty() { "" } else { ": " }
        ));
    }
    match code {
        Some(code) if !code.is_empty() => Callback::Code(code.to_owned()),
        _ => Callback::Refused("The identity provider's answer has no code.".to_owned()),
    }
}

/// What the page tells a portal that frames it: it is listening for HR's token.
pub const PORTAL_READY: &str = r#"{"type":"election-results:ready"}"#;
/// What it tells the portal when the receiver refuses the token it gave (expired): send
/// a new one.
pub const PORTAL_TOKEN_REFUSED: &str = r#"{"type":"election-results:token-refused"}"#;

/// HR's token from a portal that frames the page: taken only from the page's parent, on
/// one of `allowed` exactly (the page's `election-widget-allowed-origins`, fixed when it
/// is deployed), and only as `{"type": "election-results:token", "token": "…"}` with no
/// other member (a message of any other shape, from anyone else, is ignored). The
/// receiver then decides whether the token is HR's.
pub fn portal_token(
    origin: &str,
    from_parent: bool,
    json: Option<&str>,
    allowed: &[String],
) -> Option<String> {
    if !from_parent || !allowed.iter().any(|a| a == origin) {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(json?).ok()?;
    let object = value.as_object()?;
    if object.len() != 2 || object.get("type")?.as_str()? != "election-results:token" {
        return None;
    }
    let token = object.get("token")?.as_str()?;
    // A JWT or an opaque token: printable, one line, of a sensible length.
    let plausible = !token.is_empty()
        && token.len() <= 16 * 1024
        && token.bytes().all(|b| b.is_ascii_graphic());
    plausible.then(|| token.to_owned())
}

/// The token the receiver is sent, from the token endpoint's answer.
pub fn read_token_response(status: u16, body: &str, kind: TokenKind) -> Result<String, String> {
    let value: serde_json::Value = serde_json::from_str(body)
        .map_err(|_| format!("The identity provider answered {status} without a readable body."))?;
    if !(200..300).contains(&status) {
        let error = value["error"].as_str().unwrap_or("error");
        let described = value["error_description"].as_str().unwrap_or("");
        return Err(format!(
            "The identity provider refused the sign-in ({error}{}{described}). Sign in again.",
            if described.is_empty() { "" } else { ": " }
        ));
    }
    let member = match kind {
        TokenKind::AccessToken => "access_token",
        TokenKind::IdToken => "id_token",
    };
    match value[member].as_str() {
        Some(t) if !t.is_empty() => Ok(t.to_owned()),
        _ => Err(format!(
            "The identity provider's answer has no {member}; the page's settings may name the wrong token."
        )),
    }
}

/// Why a request with HR's token got no figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HrError {
    /// The receiver's code, when it answered one.
    pub code: Option<String>,
    pub why: String,
}

impl HrError {
    /// The receiver could not be reached (`why`: the network's reason).
    pub fn unreachable(why: &str) -> HrError {
        HrError {
            code: None,
            why: format!("The receiver could not be reached: {why}."),
        }
    }

    /// The receiver's refusal (`status`, and its body, which names a code and a sentence
    /// when it is the receiver's own).
    pub fn refusal(status: u16, status_text: &str, body: &str) -> HrError {
        let said = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|v| {
                Some((
                    v["error"]["code"].as_str()?.to_owned(),
                    v["error"]["message"].as_str()?.to_owned(),
                ))
            });
        match said {
            Some((code, _)) if code == "hr_role_required" => HrError {
                why: "You are signed in, but your account does not have the HR role; ask your administrator.".to_owned(),
                code: Some(code),
            },
            Some((code, message)) => HrError {
                why: format!("The receiver refused: {message}"),
                code: Some(code),
            },
            None => HrError {
                code: None,
                why: format!("The receiver answered {status} {status_text}."),
            },
        }
    }

    /// Whether the token itself was refused (expired, unknown, not HR's): the session ends.
    pub fn ends_session(&self) -> bool {
        self.code.as_deref().is_some_and(|c| {
            c.starts_with("token_") || c == "unauthorized" || c == "hr_role_required"
        })
    }
}

/// The redirect URI: the deployment's, or the page's URL without query or fragment.
pub fn redirect_uri(client: &OidcClient, page_url: &str) -> String {
    client.redirect_uri.clone().unwrap_or_else(|| {
        page_url
            .split(['?', '#'])
            .next()
            .unwrap_or(page_url)
            .to_owned()
    })
}

/// `application/x-www-form-urlencoded` pairs.
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A query string's pairs, decoded (`+` is a space; a bad escape is kept as written).
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The figures as sentences, for the page and for a screen reader.
pub fn figures(results: &Results) -> Vec<String> {
    let p = &results.participation;
    let s = &results.summary;
    let plural = |n: u64, one: &str, many: &str| {
        format!("{} {}", thousands(n), if n == 1 { one } else { many })
    };
    let mut lines = vec![format!(
        "{} of {} have responded: {} elected to exchange, {} withdrew and {} kept all their grants.",
        thousands(p.responded),
        plural(p.eligible, "eligible employee", "eligible employees"),
        thousands(p.elected),
        thousands(p.withdrawn),
        thousands(p.kept_all),
    )];
    lines.push(format!(
        "{} not responded; {} of the eligible employees have viewed their grants.",
        if p.not_responded == 1 {
            "1 has".to_owned()
        } else {
            format!("{} have", thousands(p.not_responded))
        },
        thousands(p.viewed),
    ));
    if p.changed > 0 {
        lines.push(format!(
            "{} changed their election at least once.",
            plural(p.changed, "employee", "employees")
        ));
    }
    if p.late_elections > 0 {
        lines.push(format!(
            "{} arrived after the deadline and {} nothing.",
            plural(p.late_elections, "election", "elections"),
            if p.late_elections == 1 {
                "counts for"
            } else {
                "count for"
            }
        ));
    }
    let nouns = s.award.nouns();
    let mut tendered = format!(
        "{} tendered in {} by {}, for {}",
        plural(s.options_tendered, "option", "options"),
        plural(s.grants_exchanged, "grant", "grants"),
        plural(s.employees_taking_part, "employee", "employees"),
        plural(s.new_awards, nouns.0, nouns.1),
    );
    if s.cash_cents > 0 {
        tendered.push_str(&format!(" and {} in cash", money(s.cash_cents)));
    }
    tendered.push('.');
    lines.push(tendered);
    lines
}

/// `12,345` (the core's grouping, as everywhere).
pub use election_core::display::count as thousands;

/// `$1,234.50` from cents.
pub fn money(cents: u64) -> String {
    election_core::display::money(election_core::display::from_cents(cents))
}

/// `at` (RFC 3339) in the UTC offset of `deadline` (the offer's), in words: "September
/// 27, 2001, 11:59 p.m. (UTC−04:00)". Text that is not a time is given back as it is.
pub fn when(at: &str, deadline: &str) -> String {
    let (Ok(at), Ok(deadline)) = (
        chrono::DateTime::parse_from_rfc3339(at),
        chrono::DateTime::parse_from_rfc3339(deadline),
    ) else {
        return at.to_owned();
    };
    use chrono::Timelike as _;
    let local = at.with_timezone(deadline.offset());
    let offset = deadline.offset().local_minus_utc();
    let sign = if offset < 0 { '\u{2212}' } else { '+' };
    let (h, m) = (offset.abs() / 3600, offset.abs() % 3600 / 60);
    // The core's date words, and the hour by hand: chrono's formatter is about 10 KB of
    // HR's bundle for what this needs.
    let (pm, hour) = local.hour12();
    format!(
        "{}, {hour}:{:02} {} (UTC{sign}{h:02}:{m:02})",
        election_core::display::date(local.date_naive()),
        local.minute(),
        if pm { "p.m." } else { "a.m." }
    )
}

/// The words for an employee's standing, for tables.
pub fn standing_words(s: Standing) -> &'static str {
    s.words()
}

/// The chart of elections by day: bars of elections received on time (and late, stacked),
/// and the line of employees who had responded, in a fixed 640 × 240 view box. Every
/// coordinate is a whole unit of the view box: the page writes integers (formatting
/// floats would cost HR's bundle about 11 KB), and a unit is finer than a pixel there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub width: i32,
    pub height: i32,
    pub bars: Vec<Bar>,
    /// SVG `points` of the responded line.
    pub line: String,
    /// Gridlines: their y and the value they mark.
    pub ticks: Vec<(i32, u64)>,
    /// The plotting area: left, top, right, bottom.
    pub area: (i32, i32, i32, i32),
}

/// One day's bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub x: i32,
    pub width: i32,
    /// The on-time part: its top and height.
    pub y: i32,
    pub height: i32,
    /// The late part, stacked on top.
    pub late_y: i32,
    pub late_height: i32,
    /// `09-20`, under the bar (every bar when there are few).
    pub label: Option<String>,
}

/// Lays out `days` (at most the last 60 are drawn; the table beside has them all).
pub fn chart(days: &[Day]) -> Chart {
    let (width, height) = (640, 240);
    let area = (48, 12, width - 12, height - 32);
    let days = &days[days.len().saturating_sub(60)..];
    let top = days
        .iter()
        .map(|d| (d.elections + d.late).max(d.responded))
        .max()
        .unwrap_or(0)
        .max(1);
    let step = nice_step(top);
    let max = top.div_ceil(step) * step;
    let plot_h = f64::from(area.3 - area.1);
    let y_of = |v: u64| area.3 - (plot_h * (v as f64) / (max as f64)).round() as i32;
    let n = days.len().max(1) as f64;
    let slot = f64::from(area.2 - area.0) / n;
    let at = |i: f64| area.0 + (slot * i).round() as i32;
    let every = (days.len() / 10).max(1);
    let bars = days
        .iter()
        .enumerate()
        .map(|(idx, d)| {
            let i = idx as f64;
            let (x, right) = (at(i + 0.15), at(i + 0.85));
            let y = y_of(d.elections);
            let late_y = y_of(d.elections + d.late);
            Bar {
                x,
                width: (right - x).max(1),
                y,
                height: area.3 - y,
                late_y,
                late_height: y - late_y,
                label: idx
                    .is_multiple_of(every)
                    .then(|| d.date.get(5..).unwrap_or(&d.date).to_owned()),
            }
        })
        .collect();
    let line = days
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{},{}", at(i as f64 + 0.5), y_of(d.responded)))
        .collect::<Vec<_>>()
        .join(" ");
    let ticks = (0..=max / step)
        .map(|k| (y_of(k * step), k * step))
        .collect();
    Chart {
        width,
        height,
        bars,
        line,
        ticks,
        area,
    }
}

/// A step of 1, 2 or 5 × 10ⁿ giving at most 5 gridlines up to `top`.
fn nice_step(top: u64) -> u64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if top.div_ceil(step * m) <= 5 {
                return step * m;
            }
        }
        step *= 10;
    }
}

#[cfg(test)]
mod tests;
