//! The receiver's settings: a TOML file, each setting overridable by a command-line flag.
//! Everything the receiver serves comes from here: the offer file, the employees' grant
//! files, their bearer tokens, the database and the browser origins allowed to call it.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use election_core::contract::Backend;

use crate::auth::{JwksSource, OidcSettings, DEFAULT_ALGORITHMS};
use crate::observe::LogFormat;
use jsonwebtoken::Algorithm;
use serde::Deserialize;

/// How hard the database works to keep each election through a power cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Durability {
    /// Every receipt is issued only after its election is on disk (SQLite
    /// `synchronous=FULL`, PostgreSQL `synchronous_commit=on`). The default, and the only
    /// setting for real offers.
    Fsync,
    /// No flush before answering: a crash of the machine (not just the process) can lose
    /// elections that were given receipts. For benchmarks only.
    None,
}

/// The settings file, as written. Relative paths are relative to the file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<SocketAddr>,
    /// Where `/metrics` is served instead of on `listen`.
    pub metrics_listen: Option<SocketAddr>,
    pub database: Option<String>,
    pub offer: Option<PathBuf>,
    pub holders: Option<PathBuf>,
    /// The employees' grants as an equity system exports them (CSV, one row per grant),
    /// instead of or beside `holders` (`election_core::grants_csv`).
    pub grants: Option<PathBuf>,
    /// The export's column headers, by field (JSON); its own names where not given.
    pub grants_mapping: Option<PathBuf>,
    /// Whether the imported grants are sample data, labelled as such (default false).
    pub grants_illustrative: Option<bool>,
    pub key: Option<PathBuf>,
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    pub max_body_bytes: Option<usize>,
    pub durability: Option<Durability>,
    pub batch_max: Option<usize>,
    /// The ECDSA backend: `ring` (the default) or `rustcrypto`.
    pub crypto: Option<String>,
    /// The log's format and filter ([`crate::observe`]).
    pub log_format: Option<LogFormat>,
    pub log: Option<String>,
    pub clock_start: Option<DateTime<FixedOffset>>,
    /// Employee id → bearer token.
    #[serde(default)]
    pub tokens: BTreeMap<String, String>,
    /// Bearer tokens of HR (the results and participation endpoints).
    #[serde(default)]
    pub hr_tokens: Vec<String>,
    /// Sign-on with the company's identity provider.
    pub oidc: Option<OidcFile>,
    /// Connection limits ([`Limits`]); each in milliseconds.
    pub header_read_timeout_ms: Option<u64>,
    pub body_read_timeout_ms: Option<u64>,
    pub request_timeout_ms: Option<u64>,
    pub idle_timeout_ms: Option<u64>,
    pub max_connections: Option<usize>,
    /// More offers served beside `offer`, each with its employees and its own database
    /// (`[[offers]]` tables; one receipt chain per offer).
    #[serde(default)]
    pub offers: Vec<MoreOfferFile>,
}

/// Grants imported from an equity system's export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantsImport {
    pub csv: PathBuf,
    pub mapping: Option<PathBuf>,
    pub illustrative: bool,
}

/// An `[[offers]]` table: another offer the receiver serves, under `/offers/{id}/`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoreOfferFile {
    pub offer: PathBuf,
    /// Its holder files; may be left out where `grants` gives its employees.
    #[serde(default)]
    pub holders: Option<PathBuf>,
    /// Its employees' grants as an export (CSV), instead of or beside `holders`, with its
    /// column mapping and whether the data is illustrative, as for the first offer.
    pub grants: Option<PathBuf>,
    pub grants_mapping: Option<PathBuf>,
    pub grants_illustrative: Option<bool>,
    /// Its own database: `sqlite:PATH` (or a bare path) or `postgres://…` (another
    /// database, or another schema of one through `?options=-csearch_path%3D…`).
    pub database: String,
}

/// Another offer the receiver serves, its paths resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoreOffer {
    pub offer: PathBuf,
    /// Empty where its employees come from `grants` alone.
    pub holders: PathBuf,
    pub grants: Option<GrantsImport>,
    pub database: String,
}

/// The `[oidc]` table: the identity provider whose tokens sign employees and HR on.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcFile {
    /// The `iss` every token must carry.
    pub issuer: Option<String>,
    /// The `aud` values accepted (a token must name one).
    #[serde(default)]
    pub audiences: Vec<String>,
    /// Accepted algorithms (default RS256, ES256, EdDSA); never `none` or HMAC.
    pub algorithms: Option<Vec<String>>,
    /// The provider's keys: an `https://` URL (plain `http://` on loopback only) or a file.
    pub jwks: Option<String>,
    /// The claim that names the employee (default `sub`).
    pub employee_claim: Option<String>,
    /// Claim value → employee id, when the claim is not the id itself (e.g. an e-mail).
    #[serde(default)]
    pub employees: BTreeMap<String, String>,
    /// The claim that lists roles, and the role that is HR's.
    pub hr_claim: Option<String>,
    pub hr_role: Option<String>,
    /// Leeway on `exp` and `nbf`, seconds (default 60).
    pub leeway_s: Option<u64>,
    /// Time limit of one JWKS fetch, milliseconds (default 5000).
    pub jwks_timeout_ms: Option<u64>,
    /// Least time between two fetches for unknown keys, milliseconds (default 10000).
    pub jwks_refresh_min_ms: Option<u64>,
    /// Keys older than this are fetched again, seconds (default 3600).
    pub jwks_max_age_s: Option<u64>,
}

impl OidcFile {
    /// The settings in force, or `None` when no identity provider is configured.
    fn settings(self, base: &Path) -> Result<Option<OidcSettings>, String> {
        if self.issuer.is_none() && self.jwks.is_none() && self.audiences.is_empty() {
            return Ok(None);
        }
        let issuer = self
            .issuer
            .ok_or("oidc: no issuer (the iss its tokens carry)")?;
        if self.audiences.is_empty() {
            return Err("oidc: no audiences (the aud its tokens must name)".to_owned());
        }
        let jwks = match JwksSource::parse(
            &self
                .jwks
                .ok_or("oidc: no jwks (the provider's keys: a URL or a file)")?,
        )? {
            JwksSource::File(path) if path.is_relative() => JwksSource::File(base.join(path)),
            other => other,
        };
        let algorithms = match self.algorithms {
            None => DEFAULT_ALGORITHMS.to_vec(),
            Some(names) => names
                .iter()
                .map(|name| match name.parse::<Algorithm>() {
                    Ok(Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512) => Err(format!(
                        "oidc: {name} is a shared secret, not a provider's signature; use RS256, ES256 or EdDSA"
                    )),
                    Ok(alg) => Ok(alg),
                    Err(_) => Err(format!("oidc: {name:?} is not a JWT algorithm")),
                })
                .collect::<Result<_, _>>()?,
        };
        if self.hr_claim.is_some() != self.hr_role.is_some() {
            return Err("oidc: hr_claim and hr_role go together".to_owned());
        }
        Ok(Some(OidcSettings {
            issuer,
            audiences: self.audiences,
            algorithms,
            jwks,
            employee_claim: self.employee_claim.unwrap_or_else(|| "sub".to_owned()),
            employees: self.employees,
            hr_claim: self.hr_claim,
            hr_role: self.hr_role,
            leeway: Duration::from_secs(self.leeway_s.unwrap_or(60)),
            timeout: Duration::from_millis(self.jwks_timeout_ms.unwrap_or(5000).max(1)),
            refresh_min: Duration::from_millis(self.jwks_refresh_min_ms.unwrap_or(10_000)),
            max_age: Duration::from_secs(self.jwks_max_age_s.unwrap_or(3600)),
        }))
    }

    /// This table under `flags`, whose fields win.
    fn under(self, flags: OidcFile) -> OidcFile {
        OidcFile {
            issuer: flags.issuer.or(self.issuer),
            audiences: if flags.audiences.is_empty() {
                self.audiences
            } else {
                flags.audiences
            },
            algorithms: flags.algorithms.or(self.algorithms),
            jwks: flags.jwks.or(self.jwks),
            employee_claim: flags.employee_claim.or(self.employee_claim),
            employees: self.employees,
            hr_claim: flags.hr_claim.or(self.hr_claim),
            hr_role: flags.hr_role.or(self.hr_role),
            leeway_s: flags.leeway_s.or(self.leeway_s),
            jwks_timeout_ms: flags.jwks_timeout_ms.or(self.jwks_timeout_ms),
            jwks_refresh_min_ms: flags.jwks_refresh_min_ms.or(self.jwks_refresh_min_ms),
            jwks_max_age_s: flags.jwks_max_age_s.or(self.jwks_max_age_s),
        }
    }
}

/// What a slow or idle client may hold (docs/PROTOCOL.md §5, "Slow clients"). Every limit
/// is enforced by the receiver's own accept loop (`server.rs`), for `serve` and `pages`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// From the first byte of a request to the end of its header; then the connection is
    /// closed.
    pub header_read: Duration,
    /// From the end of the header to the end of the body; then 408 `request_timeout`.
    pub body_read: Duration,
    /// From the end of the header to the answer; then 503 `overloaded`.
    pub request: Duration,
    /// A kept-alive connection with no request (or a response the client stops reading)
    /// for this long is closed.
    pub idle: Duration,
    /// Open connections at once; the next is answered 503 `overloaded` and closed.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(10),
            request: Duration::from_secs(30),
            idle: Duration::from_secs(60),
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

impl Limits {
    /// The limits of a settings file under the flags, which win; the defaults for the rest.
    pub fn merge(file: &FileConfig, flags: &FileConfig) -> Result<Limits, String> {
        let default = Limits::default();
        let ms = |name: &str, flag: Option<u64>, file: Option<u64>, default: Duration| match flag
            .or(file)
        {
            None => Ok(default),
            Some(0) => Err(format!("{name} must be at least 1 millisecond")),
            Some(ms) => Ok(Duration::from_millis(ms)),
        };
        let max_connections = flags
            .max_connections
            .or(file.max_connections)
            .unwrap_or(default.max_connections);
        if max_connections == 0 {
            return Err("max_connections must be at least 1".to_owned());
        }
        Ok(Limits {
            header_read: ms(
                "header_read_timeout_ms",
                flags.header_read_timeout_ms,
                file.header_read_timeout_ms,
                default.header_read,
            )?,
            body_read: ms(
                "body_read_timeout_ms",
                flags.body_read_timeout_ms,
                file.body_read_timeout_ms,
                default.body_read,
            )?,
            request: ms(
                "request_timeout_ms",
                flags.request_timeout_ms,
                file.request_timeout_ms,
                default.request,
            )?,
            idle: ms(
                "idle_timeout_ms",
                flags.idle_timeout_ms,
                file.idle_timeout_ms,
                default.idle,
            )?,
            max_connections,
        })
    }
}

/// The settings in force.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// A listener of its own for `/metrics` (an address only the monitoring reaches);
    /// without one, `/metrics` is served on `listen`.
    pub metrics_listen: Option<SocketAddr>,
    /// `sqlite:PATH` (or a bare path) or `postgres://…`.
    pub database: String,
    pub offer: PathBuf,
    /// A directory of holder files (`*.json`), one per employee; empty where the
    /// employees come from `grants` alone.
    pub holders: PathBuf,
    /// The employees' grants as an export (CSV), instead of or beside `holders`.
    pub grants: Option<GrantsImport>,
    /// The receiver's private key (32 bytes, hex); created with mode 0600 if missing.
    pub key: PathBuf,
    pub allowed_origins: Vec<String>,
    pub max_body_bytes: usize,
    pub durability: Durability,
    /// The most elections committed in one transaction (group commit).
    pub batch_max: usize,
    /// Which ECDSA implementation verifies elections and signs receipts. Both accept and
    /// refuse exactly the same signatures; `ring` is several times faster.
    pub crypto: Backend,
    /// The log's format, and which lines it keeps (`tracing_subscriber`'s filter syntax).
    pub log_format: LogFormat,
    pub log: String,
    /// Runs the receiver's clock from this instant instead of the real time, for demos
    /// and tests of offers whose deadline has passed. Never for a real offer.
    pub clock_start: Option<DateTime<FixedOffset>>,
    /// Employee id → bearer token.
    pub tokens: BTreeMap<String, String>,
    /// HR's bearer tokens.
    pub hr_tokens: Vec<String>,
    /// The identity provider, when employees and HR sign on with it.
    pub oidc: Option<OidcSettings>,
    /// What slow and idle clients may hold.
    pub limits: Limits,
    /// More offers, each under `/offers/{id}/` with its own database and chain (the
    /// first offer is also there, and at the root as before).
    pub more_offers: Vec<MoreOffer>,
}

pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;
pub const DEFAULT_BATCH_MAX: usize = 256;

impl Config {
    /// The settings from a file, if given, with `relative` paths resolved against it.
    pub fn from_file(path: Option<&Path>) -> Result<(FileConfig, PathBuf), String> {
        let Some(path) = path else {
            return Ok((FileConfig::default(), PathBuf::from(".")));
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the settings file {}: {e}", path.display()))?;
        let file: FileConfig = toml::from_str(&text)
            .map_err(|e| format!("the settings file {} is invalid: {e}", path.display()))?;
        let base = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Ok((file, base))
    }

    /// Merges a settings file (resolved against `base`) under the flags, which win.
    pub fn merge(file: FileConfig, base: &Path, flags: FileConfig) -> Result<Config, String> {
        let rel = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };
        let limits = Limits::merge(&file, &flags)?;
        let offer = flags
            .offer
            .or_else(|| file.offer.map(rel))
            .ok_or("no offer file: give --offer or `offer` in the settings file")?;
        let grants = flags
            .grants
            .or_else(|| file.grants.map(rel))
            .map(|csv| GrantsImport {
                csv,
                mapping: flags
                    .grants_mapping
                    .clone()
                    .or_else(|| file.grants_mapping.clone().map(rel)),
                illustrative: flags
                    .grants_illustrative
                    .or(file.grants_illustrative)
                    .unwrap_or(false),
            });
        let holders = match (flags.holders.or_else(|| file.holders.map(rel)), &grants) {
            (Some(dir), _) => dir,
            // The employees come from the import alone.
            (None, Some(_)) => PathBuf::new(),
            (None, None) => return Err(
                "no holders directory: give --holders or `holders` in the settings file (or `grants`, an export of the grants)".to_owned(),
            ),
        };
        let key = flags
            .key
            .or_else(|| file.key.map(rel))
            .unwrap_or_else(|| PathBuf::from("receiver-key.hex"));
        let database_at = |db: String| {
            if db.starts_with("postgres://") || db.starts_with("postgresql://") {
                db
            } else {
                let path = PathBuf::from(db.strip_prefix("sqlite:").unwrap_or(&db));
                format!("sqlite:{}", rel(path).display())
            }
        };
        let database = flags
            .database
            .or(file.database)
            .map_or_else(|| "sqlite:receiver.sqlite3".to_owned(), database_at);
        let mut databases = vec![database.clone()];
        let mut more_offers = Vec::new();
        for (i, more) in file.offers.into_iter().enumerate() {
            let database = database_at(more.database);
            if databases.contains(&database) {
                return Err(format!(
                    "offers[{i}]: the database {database} is another offer's too: each offer needs its own (one receipt chain per offer)"
                ));
            }
            databases.push(database.clone());
            let grants = more.grants.map(|csv| GrantsImport {
                csv: rel(csv),
                mapping: more.grants_mapping.map(rel),
                illustrative: more.grants_illustrative.unwrap_or(false),
            });
            let holders = match (more.holders, &grants) {
                (Some(dir), _) => rel(dir),
                (None, Some(_)) => PathBuf::new(),
                (None, None) => {
                    return Err(format!(
                        "offers[{i}]: no holders directory and no grants export: give `holders` or `grants`"
                    ))
                }
            };
            more_offers.push(MoreOffer {
                offer: rel(more.offer),
                holders,
                grants,
                database,
            });
        }
        let mut allowed_origins = file.allowed_origins;
        allowed_origins.extend(flags.allowed_origins);
        allowed_origins.sort();
        allowed_origins.dedup();
        for origin in &allowed_origins {
            if http::HeaderValue::from_str(origin).is_err()
                || !(origin.starts_with("http://") || origin.starts_with("https://"))
                || origin.ends_with('/')
            {
                return Err(format!(
                    "allowed origin {origin:?} must be a scheme and host, like https://hr.example.com"
                ));
            }
        }
        let mut tokens = file.tokens;
        tokens.extend(flags.tokens);
        let mut seen = std::collections::BTreeSet::new();
        for (employee, token) in &tokens {
            if token.len() < 16 {
                return Err(format!(
                    "the token for {employee} is shorter than 16 characters"
                ));
            }
            if !seen.insert(token) {
                return Err(format!(
                    "the token for {employee} is also another employee's"
                ));
            }
        }
        let mut hr_tokens = file.hr_tokens;
        hr_tokens.extend(flags.hr_tokens);
        for token in &hr_tokens {
            if token.len() < 16 {
                return Err("an HR token is shorter than 16 characters".to_owned());
            }
            if !seen.insert(token) {
                return Err("an HR token is also an employee's or another HR token".to_owned());
            }
        }
        let oidc = file
            .oidc
            .unwrap_or_default()
            .under(flags.oidc.unwrap_or_default())
            .settings(base)?;
        Ok(Config {
            listen: flags
                .listen
                .or(file.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8787))),
            metrics_listen: flags.metrics_listen.or(file.metrics_listen),
            more_offers,
            database,
            offer,
            holders,
            grants,
            key,
            allowed_origins,
            max_body_bytes: flags
                .max_body_bytes
                .or(file.max_body_bytes)
                .unwrap_or(DEFAULT_MAX_BODY_BYTES),
            durability: flags
                .durability
                .or(file.durability)
                .unwrap_or(Durability::Fsync),
            batch_max: flags
                .batch_max
                .or(file.batch_max)
                .unwrap_or(DEFAULT_BATCH_MAX)
                .max(1),
            crypto: match flags.crypto.or(file.crypto) {
                Some(name) => name.parse().map_err(|e| format!("crypto: {e}"))?,
                None => Backend::Ring,
            },
            log_format: flags.log_format.or(file.log_format).unwrap_or_default(),
            log: flags.log.or(file.log).unwrap_or_else(|| "info".to_owned()),
            clock_start: flags.clock_start.or(file.clock_start),
            tokens,
            hr_tokens,
            oidc,
            limits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> FileConfig {
        toml::from_str(text).unwrap()
    }

    const BASE: &str = r#"
        offer = "offer.json"
        holders = "holders"
        database = "data/receiver.sqlite3"
        allowed_origins = ["https://hr.example.com"]
        [tokens]
        "E-1" = "a-token-of-sixteen-chars"
    "#;

    #[test]
    fn paths_are_relative_to_the_file_and_flags_win() {
        let flags = FileConfig {
            listen: Some("127.0.0.1:9999".parse().unwrap()),
            allowed_origins: vec![
                "https://hr.example.com".into(),
                "http://127.0.0.1:8080".into(),
            ],
            ..FileConfig::default()
        };
        let c = Config::merge(file(BASE), Path::new("/etc/receiver"), flags).unwrap();
        assert_eq!(c.offer, PathBuf::from("/etc/receiver/offer.json"));
        assert_eq!(c.holders, PathBuf::from("/etc/receiver/holders"));
        assert_eq!(c.database, "sqlite:/etc/receiver/data/receiver.sqlite3");
        assert_eq!(c.listen.port(), 9999);
        assert_eq!(c.allowed_origins.len(), 2, "merged and deduplicated");
        assert_eq!(c.durability, Durability::Fsync);
        assert_eq!(c.crypto, Backend::Ring, "the faster backend by default");
        assert_eq!(c.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        assert_eq!(c.limits, Limits::default());
    }

    #[test]
    fn connection_limits_come_from_the_file_under_the_flags() {
        let text = format!(
            "header_read_timeout_ms = 300\nmax_connections = 5\nidle_timeout_ms = 900\n{BASE}"
        );
        let flags = FileConfig {
            idle_timeout_ms: Some(700),
            ..FileConfig::default()
        };
        let c = Config::merge(file(&text), Path::new("."), flags).unwrap();
        assert_eq!(c.limits.header_read, Duration::from_millis(300));
        assert_eq!(c.limits.idle, Duration::from_millis(700), "the flag wins");
        assert_eq!(c.limits.max_connections, 5);
        assert_eq!(c.limits.body_read, Duration::from_secs(10), "the default");
        assert_eq!(c.limits.request, Duration::from_secs(30), "the default");
        let zero = format!("max_connections = 0\n{BASE}");
        assert!(
            Config::merge(file(&zero), Path::new("."), FileConfig::default())
                .unwrap_err()
                .contains("max_connections")
        );
        let zero = format!("body_read_timeout_ms = 0\n{BASE}");
        assert!(
            Config::merge(file(&zero), Path::new("."), FileConfig::default())
                .unwrap_err()
                .contains("body_read_timeout_ms")
        );
    }

    #[test]
    fn the_identity_provider_is_read_whole_or_refused_by_name() {
        let with = |table: &str| {
            Config::merge(
                file(&format!("{BASE}\n[oidc]\n{table}")),
                Path::new("/etc/receiver"),
                FileConfig::default(),
            )
        };
        let c = with(
            "issuer = 'https://login.example.com/'\naudiences = ['elections']\njwks = 'keys/jwks.json'\nhr_claim = 'roles'\nhr_role = 'election-hr'",
        )
        .unwrap();
        let oidc = c.oidc.unwrap();
        assert_eq!(
            oidc.jwks,
            JwksSource::File(PathBuf::from("/etc/receiver/keys/jwks.json")),
            "relative to the file"
        );
        assert_eq!(oidc.algorithms, DEFAULT_ALGORITHMS);
        assert_eq!(oidc.employee_claim, "sub");
        assert_eq!(oidc.leeway, Duration::from_secs(60));
        assert_eq!(c.hr_tokens, Vec::<String>::new());
        let full = "issuer = 'https://i/'\naudiences = ['a']\njwks = 'https://i/jwks'";
        for (table, named) in [
            ("audiences = ['a']\njwks = 'https://i/jwks'", "no issuer"),
            (
                "issuer = 'https://i/'\njwks = 'https://i/jwks'",
                "no audiences",
            ),
            ("issuer = 'https://i/'\naudiences = ['a']", "no jwks"),
            (
                "issuer = 'https://i/'\naudiences = ['a']\njwks = 'http://i/jwks'",
                "only on loopback",
            ),
            (&format!("{full}\nalgorithms = ['HS256']"), "shared secret"),
            (
                &format!("{full}\nalgorithms = ['none']"),
                "not a JWT algorithm",
            ),
            (&format!("{full}\nhr_claim = 'roles'"), "go together"),
        ] {
            let e = with(table).unwrap_err();
            assert!(e.contains(named), "{table}: {e}");
        }
        assert!(
            toml::from_str::<FileConfig>("[oidc]\nissuer = 'x'\nsecret = 'y'").is_err(),
            "unknown settings are refused"
        );
        assert!(
            Config::merge(file(BASE), Path::new("."), FileConfig::default())
                .unwrap()
                .oidc
                .is_none()
        );
    }

    #[test]
    fn an_hr_token_is_long_and_nobody_elses() {
        let err = |tokens: &str| {
            Config::merge(
                file(&format!("hr_tokens = {tokens}\n{BASE}")),
                Path::new("."),
                FileConfig::default(),
            )
            .unwrap_err()
        };
        assert!(err("['short']").contains("shorter than 16"));
        assert!(err("['a-token-of-sixteen-chars']").contains("also an employee's"));
        assert!(
            err("['hr-token-of-sixteen-chars', 'hr-token-of-sixteen-chars']")
                .contains("another HR token")
        );
    }

    #[test]
    fn a_postgres_url_is_kept_as_given() {
        let flags = FileConfig {
            database: Some("postgres://rx@db:5432/elections".into()),
            ..FileConfig::default()
        };
        let c = Config::merge(file(BASE), Path::new("."), flags).unwrap();
        assert_eq!(c.database, "postgres://rx@db:5432/elections");
    }

    #[test]
    fn bad_settings_are_named() {
        let err = |text: &str| {
            Config::merge(file(text), Path::new("."), FileConfig::default()).unwrap_err()
        };
        assert!(err(r#"holders = "h""#).contains("no offer file"));
        assert!(err(&format!("crypto = \"openssl\"\n{BASE}")).contains("crypto: \"openssl\""));
        assert!(err(r#"offer = "o""#).contains("no holders directory"));
        // An export of the grants may stand instead of the holders directory.
        let c = Config::merge(
            file("offer = \"o\"\ngrants = \"grants.csv\"\ngrants_mapping = \"map.json\""),
            Path::new("/etc/receiver"),
            FileConfig::default(),
        )
        .unwrap();
        assert_eq!(c.holders, PathBuf::new());
        let grants = c.grants.expect("the import");
        assert_eq!(grants.csv, PathBuf::from("/etc/receiver/grants.csv"));
        assert_eq!(
            grants.mapping,
            Some(PathBuf::from("/etc/receiver/map.json"))
        );
        assert!(!grants.illustrative);
        // Another offer may take its employees from an export too.
        let c = Config::merge(
            file("offer = \"o\"\nholders = \"h\"\n[[offers]]\noffer = \"o2\"\ndatabase = \"two.sqlite3\"\ngrants = \"g2.csv\"\ngrants_illustrative = true"),
            Path::new("/etc/receiver"),
            FileConfig::default(),
        )
        .unwrap();
        let more = &c.more_offers[0];
        assert_eq!(more.holders, PathBuf::new());
        let grants = more.grants.as_ref().expect("its import");
        assert_eq!(grants.csv, PathBuf::from("/etc/receiver/g2.csv"));
        assert!(grants.illustrative);
        assert!(Config::merge(
            file("offer = \"o\"\nholders = \"h\"\n[[offers]]\noffer = \"o2\"\ndatabase = \"two.sqlite3\""),
            Path::new("/etc/receiver"),
            FileConfig::default(),
        )
        .unwrap_err()
        .contains("offers[0]: no holders directory and no grants export"));
        assert!(err(&format!("{BASE}\n\"E-2\" = \"short\"")).contains("E-2"));
        assert!(
            err(&format!("{BASE}\n\"E-2\" = \"a-token-of-sixteen-chars\""))
                .contains("also another employee's")
        );
        let origin = r#"offer = "o"
            holders = "h"
            allowed_origins = ["https://hr.example.com/"]"#;
        assert!(err(origin).contains("scheme and host"));
        assert!(
            toml::from_str::<FileConfig>("offer = 'o'\nport = 1").is_err(),
            "unknown settings are refused"
        );
    }
}

#[cfg(test)]
mod demo {
    use super::*;

    /// `make demo` runs on this file: it must stay valid and point at the shipped data.
    #[test]
    fn the_demo_settings_load_and_point_at_the_shipped_data() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo.toml");
        let (file, base) = Config::from_file(Some(&path)).unwrap();
        let c = Config::merge(file, &base, FileConfig::default()).unwrap();
        assert!(c.offer.is_file(), "{}", c.offer.display());
        assert!(c.holders.is_dir(), "{}", c.holders.display());
        assert_eq!(c.tokens.len(), 6);
        let more = &c.more_offers[0];
        assert!(more.offer.is_file() && more.holders.is_dir(), "{more:?}");
        assert_ne!(more.database, c.database, "one chain per offer");
        assert!(
            c.clock_start.is_some(),
            "Mpower closed in 2001: the demo previews it"
        );
        assert!(c.database.starts_with("sqlite:"));
    }
}
