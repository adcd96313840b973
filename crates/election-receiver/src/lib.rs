//! The reference receiver for the election contract (`docs/PROTOCOL.md`): an HTTP server
//! that registers employees' signing keys, verifies their signed elections against the
//! offer it serves, stores every election append-only and answers with a signed receipt
//! that chains to the one before.
//!
//! - [`config`]: settings from a TOML file and flags.
//! - [`api`]: the HTTP interface (axum).
//! - [`auth`]: sign-on with the company's identity provider (OIDC / JWT).
//! - [`store`]: SQLite (embedded default) and PostgreSQL (several instances), one interface.
//! - [`notary`]: the receiver's key and the receipts it signs.
//! - [`clock`]: the clock that decides on time or late.
//! - [`audit`]: what `verify-chain` checks: every stored election, receipt and key.
//! - [`observe`]: the log: a line per request with its id, errors' causes; the metrics.
//! - [`metrics`]: what `/metrics` serves.
//! - [`server`]: the accept loop, with its limits for slow and idle clients.
//! - [`pages`]: a static file server for the widget's built pages, with their headers.

pub mod api;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod metrics;
pub mod notary;
pub mod observe;
pub mod pages;
pub mod server;
pub mod store;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use election_core::disclosure::offer_digest;
use election_core::{parse_holder, parse_offer, Holder, Offer};
use sha2::{Digest as _, Sha256};

use crate::api::AppState;
use crate::clock::Clock;
use crate::config::Config;
use crate::notary::Notary;
use crate::store::Store;

/// Reads the offer file, with every problem named.
pub fn load_offer(path: &Path) -> Result<(Offer, String), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the offer file {}: {e}", path.display()))?;
    let offer = parse_offer(&text).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        format!(
            "the offer file {} is invalid:\n{}",
            path.display(),
            list.join("\n")
        )
    })?;
    Ok((offer, text))
}

/// An offer's employees, by employee id.
#[derive(Debug, Default)]
pub struct Employees {
    pub holders: HashMap<String, Holder>,
    /// E-mail addresses the grants export gave (for HR's reminders; holder files have none).
    pub emails: HashMap<String, String>,
}

/// The offer's employees: the holder files in `dir` (none where it is empty) and the
/// rows of the grants export, where given; an employee in both is refused, named.
pub fn load_employees(
    dir: &Path,
    grants: Option<&crate::config::GrantsImport>,
    offer: &Offer,
) -> Result<Employees, String> {
    let mut holders = if dir.as_os_str().is_empty() {
        HashMap::new()
    } else {
        load_holders(dir, offer)?
    };
    let mut emails = HashMap::new();
    let Some(import) = grants else {
        return Ok(Employees { holders, emails });
    };
    let columns = match &import.mapping {
        None => election_core::grants_csv::ColumnMap::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the grants mapping {}: {e}", path.display()))?;
            election_core::grants_csv::ColumnMap::parse(&text).map_err(|problems| {
                format!(
                    "the grants mapping {} is invalid:\n  {}",
                    path.display(),
                    problems.join("\n  ")
                )
            })?
        }
    };
    let text = std::fs::read_to_string(&import.csv).map_err(|e| {
        format!(
            "cannot read the grants export {}: {e}",
            import.csv.display()
        )
    })?;
    let imported = election_core::grants_csv::read_grants_csv(
        &text,
        &columns,
        &offer.id,
        import.illustrative,
        Some(offer),
    )
    .map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        format!(
            "the grants export {} is invalid:\n{}",
            import.csv.display(),
            list.join("\n")
        )
    })?;
    for employee in imported {
        let id = employee.holder.employee.id.clone();
        if let Some(email) = employee.email {
            emails.insert(id.clone(), email);
        }
        if holders.insert(id.clone(), employee.holder).is_some() {
            return Err(format!(
                "employee {id} is both in the holders directory {} and in the grants export {} (row {}): give each employee once",
                dir.display(),
                import.csv.display(),
                employee.rows.first().copied().unwrap_or(0)
            ));
        }
    }
    Ok(Employees { holders, emails })
}

/// Reads every holder file (`*.json`) in `dir`, keyed by employee id.
pub fn load_holders(dir: &Path, offer: &Offer) -> Result<HashMap<String, Holder>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the holders directory {}: {e}", dir.display()))?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut holders = HashMap::new();
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let holder = parse_holder(&text, Some(offer)).map_err(|problems| {
            let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
            format!(
                "the holder file {} is invalid:\n{}",
                path.display(),
                list.join("\n")
            )
        })?;
        if holder.offer_id != offer.id {
            continue;
        }
        let id = holder.employee.id.clone();
        if holders.insert(id.clone(), holder).is_some() {
            return Err(format!(
                "employee {id} has two holder files in {}",
                dir.display()
            ));
        }
    }
    Ok(holders)
}

/// Everything the server needs for its first offer, loaded and checked; the database
/// opened.
pub async fn prepare(config: &Config) -> Result<Arc<AppState>, String> {
    let mut all = prepare_all(config).await?;
    Ok(all.swap_remove(0))
}

/// [`prepare`] for every offer the receiver serves: the first (`offer`), then each of
/// `more_offers`, each with its employees, its own database and so its own receipt chain.
/// Sign-on, tokens, the receiver's key and the clock are the receiver's, shared by all.
pub async fn prepare_all(config: &Config) -> Result<Vec<Arc<AppState>>, String> {
    let clock = match config.clock_start {
        Some(at) => Clock::starting_at(at),
        None => Clock::system(),
    };
    let metrics = Arc::new(metrics::Metrics::default());
    let hr_tokens: std::collections::HashSet<[u8; 32]> = config
        .hr_tokens
        .iter()
        .map(|token| Sha256::digest(token.trim().as_bytes()).into())
        .collect();
    let tokens: HashMap<[u8; 32], String> = config
        .tokens
        .iter()
        .map(|(employee, token)| {
            let hash: [u8; 32] = Sha256::digest(token.trim().as_bytes()).into();
            (hash, employee.clone())
        })
        .collect();
    let sources = std::iter::once((
        &config.offer,
        &config.holders,
        config.grants.as_ref(),
        &config.database,
    ))
    .chain(
        config
            .more_offers
            .iter()
            .map(|m| (&m.offer, &m.holders, m.grants.as_ref(), &m.database)),
    );
    let mut states: Vec<Arc<AppState>> = Vec::new();
    for (offer_path, holders_path, grants, database) in sources {
        let (offer, offer_json) = load_offer(offer_path)?;
        if states.iter().any(|s| s.offer.id == offer.id) {
            return Err(format!(
                "the offer {} ({}) is served twice: each offer once",
                offer.id,
                offer_path.display()
            ));
        }
        let Employees { holders, emails } = load_employees(holders_path, grants, &offer)?;
        let signer = notary::load_or_create_key(&config.key)?
            .with_backend(config.crypto)
            .map_err(|e| format!("the key file {}: {e}", config.key.display()))?;
        let notary = Arc::new(Notary {
            signer,
            received_by: offer.issuer.name.clone(),
            deadline: offer.expiration.instant,
            offer_id: offer.id.clone(),
            clock: clock.clone(),
        });
        let store = Store::open(
            database,
            Arc::clone(&notary),
            config.durability,
            config.batch_max,
            Arc::clone(&metrics),
        )
        .await
        .map_err(|e| format!("cannot open the database {database}: {e}"))?;
        let verifier = config.oidc.clone().map(auth::Verifier::new).transpose()?;
        states.push(Arc::new(AppState {
            disclosure_digest: offer_digest(&offer).hex(),
            disclosure: election_core::disclosure::Disclosure::of(&offer),
            offer,
            offer_json,
            holders,
            emails,
            viewed: std::sync::RwLock::default(),
            tokens: tokens.clone(),
            hr_tokens: hr_tokens.clone(),
            verifier,
            notary,
            store,
            clock: clock.clone(),
            max_body_bytes: config.max_body_bytes,
            crypto: config.crypto,
            metrics: Arc::clone(&metrics),
            stopping: std::sync::atomic::AtomicBool::new(false),
            keys: std::sync::RwLock::default(),
        }));
    }
    Ok(states)
}

/// Binds the listener and serves until the process ends. Returns the bound address
/// through `bound` as soon as it is listening (the port may have been 0).
pub async fn serve(config: Config, bound: impl FnOnce(SocketAddr)) -> Result<(), String> {
    serve_until(config, bound, std::future::pending()).await
}

/// [`serve`] until `shutdown` completes; then the requests in flight are finished (for
/// at most the whole-request limit) and it returns.
pub async fn serve_until(
    config: Config,
    bound: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), String> {
    let states = prepare_all(&config).await?;
    let state = Arc::clone(&states[0]);
    // The first offer at the root, as a receiver of one offer serves it; every offer,
    // the first too, under `/offers/{id}`, each with its own chain.
    let mut app = api::router(
        Arc::clone(&state),
        &config.allowed_origins,
        config.max_body_bytes,
        config.metrics_listen.is_none(),
    );
    for offer in &states {
        app = app.nest(
            &format!("/offers/{}", offer.offer.id),
            api::router(
                Arc::clone(offer),
                &config.allowed_origins,
                config.max_body_bytes,
                false,
            ),
        );
    }
    // Metrics on a listener of their own when one is set (an address only the monitoring
    // reaches); on the API's otherwise.
    let metrics_listener = match config.metrics_listen {
        Some(at) => Some(
            tokio::net::TcpListener::bind(at)
                .await
                .map_err(|e| format!("cannot listen on {at} for metrics: {e}"))?,
        ),
        None => None,
    };
    let stopping = states.clone();
    let shutdown = async move {
        shutdown.await;
        for state in &stopping {
            state
                .stopping
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("no local address: {e}"))?;
    bound(addr);
    if let Some(listener) = metrics_listener {
        if let Ok(at) = listener.local_addr() {
            tracing::info!("metrics on http://{at}/metrics");
        }
        let metrics = api::metrics_router(Arc::clone(&state));
        let open = prometheus_client::metrics::gauge::Gauge::default();
        let limits = config.limits;
        tokio::spawn(server::serve(
            listener,
            metrics,
            limits,
            std::future::pending(),
            open,
        ));
    }
    let open = state.metrics.open_connections.clone();
    server::serve(listener, app, config.limits, shutdown, open).await;
    Ok(())
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
