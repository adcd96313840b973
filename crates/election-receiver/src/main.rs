//! `election-receiver`: the reference backend for the election contract.
//!
//! ```text
//! election-receiver serve --config receiver.toml
//! election-receiver verify-chain --config receiver.toml
//! election-receiver pages --dir dist --listen 127.0.0.1:8091 --connect-src http://127.0.0.1:8787
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, FixedOffset};
use clap::{Args, Parser, Subcommand};
use election_receiver::config::{Config, Durability, FileConfig, Limits};
use election_receiver::observe::LogFormat;
use election_receiver::pages::PagesOptions;

#[derive(Parser)]
#[command(
    version,
    about = "Receives signed elections, stores them append-only, answers with signed receipts"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    settings: Settings,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP interface (the default).
    Serve,
    /// Check every stored receipt: its signature and its place in the hash chain.
    VerifyChain(VerifyArgs),
    /// Serve the widget's built pages (`dist/`) with their security headers.
    ///
    /// Content-Security-Policy (frame-ancestors of embed.html from its
    /// election-widget-allowed-origins meta tag),
    /// caching (a year for content-hashed files, revalidated otherwise), content types,
    /// brotli or gzip; on the receiver's connection limits. Listens on --listen (default
    /// 127.0.0.1:8091); the first stdout line is `listening on http://…`.
    Pages(PagesArgs),
    /// Check a results export (GET /v1/hr/results) on its own, offline: its digest, the
    /// checkpoint, every receipt and election signature, and the results computed again.
    ///
    /// Needs no settings, database or network: an auditor runs it on the files alone.
    /// Exits 0 when everything holds, 1 with each problem named otherwise.
    VerifyExport(VerifyExportArgs),
}

#[derive(Args, Clone)]
struct VerifyExportArgs {
    /// The export (JSON), as GET /v1/hr/results serves it.
    export: PathBuf,
    /// The results CSV (GET /v1/hr/results.csv) to check against the export.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// The receiver's key id as it publishes it (GET /v1/offer, receiver_key): the export
    /// must have been signed with that key.
    #[arg(long)]
    key_id: Option<String>,
}

#[derive(Args, Clone)]
struct VerifyArgs {
    /// A checkpoint kept from earlier (JSON, as GET /v1/checkpoint serves it): prove the
    /// database still holds the receipts it counts, unchanged (catches deleted receipts).
    #[arg(long)]
    checkpoint: Option<PathBuf>,
    /// Where the receiver serves several offers: the id of the one whose chain to verify
    /// (each has its own; the first offer's when not given).
    #[arg(long)]
    offer_id: Option<String>,
}

#[derive(Args, Clone)]
struct PagesArgs {
    /// The directory to serve: the widget's build (`dist/`). A directory serves its index.html.
    #[arg(long)]
    dir: PathBuf,
    /// An origin the pages may connect to besides their own, e.g. the receiver (repeatable).
    #[arg(long = "connect-src")]
    connect_src: Vec<String>,
    /// An origin the pages may frame besides their own (repeatable).
    #[arg(long = "frame-src")]
    frame_src: Vec<String>,
    /// An origin allowed to frame embed.html, besides those of its meta tag (repeatable).
    #[arg(long = "frame-ancestors")]
    frame_ancestors: Vec<String>,
}

#[derive(Args, Clone)]
struct Settings {
    /// A TOML settings file; flags override it.
    #[arg(long, global = true, env = "ELECTION_RECEIVER_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1:8787).
    #[arg(long, global = true, env = "ELECTION_RECEIVER_LISTEN")]
    listen: Option<SocketAddr>,
    /// Serve /metrics on this address instead of on --listen.
    #[arg(long, global = true, env = "ELECTION_RECEIVER_METRICS_LISTEN")]
    metrics_listen: Option<SocketAddr>,
    /// `sqlite:PATH` (default sqlite:receiver.sqlite3) or `postgres://user@host:port/db`.
    #[arg(long, global = true, env = "ELECTION_RECEIVER_DATABASE")]
    database: Option<String>,
    /// The offer file (JSON).
    #[arg(long, global = true, env = "ELECTION_RECEIVER_OFFER")]
    offer: Option<PathBuf>,
    /// A directory of holder files (JSON), one per employee.
    #[arg(long, global = true, env = "ELECTION_RECEIVER_HOLDERS")]
    holders: Option<PathBuf>,
    /// The grants as an equity system exports them (CSV, one row per grant), instead of
    /// or beside --holders.
    #[arg(long, global = true, env = "ELECTION_RECEIVER_GRANTS")]
    grants: Option<PathBuf>,
    /// The export's column headers by field (JSON: {"employee_id": "Participant ID", …}).
    #[arg(long, global = true, env = "ELECTION_RECEIVER_GRANTS_MAPPING")]
    grants_mapping: Option<PathBuf>,
    /// The receiver's private key file (created when missing).
    #[arg(long, global = true, env = "ELECTION_RECEIVER_KEY")]
    key: Option<PathBuf>,
    /// A browser origin allowed to call the receiver (repeatable).
    #[arg(
        long = "allow-origin",
        global = true,
        env = "ELECTION_RECEIVER_ALLOW_ORIGIN",
        value_delimiter = ','
    )]
    allowed_origins: Vec<String>,
    /// Largest request body in bytes (default 65536).
    #[arg(long, global = true, env = "ELECTION_RECEIVER_MAX_BODY_BYTES")]
    max_body_bytes: Option<usize>,
    /// `fsync` (default): a receipt only after the election is on disk. `none`: benchmarks only.
    #[arg(long, value_enum, global = true, env = "ELECTION_RECEIVER_DURABILITY")]
    durability: Option<Durability>,
    /// The most elections committed in one transaction (default 256).
    #[arg(long, global = true, env = "ELECTION_RECEIVER_BATCH_MAX")]
    batch_max: Option<usize>,
    /// The ECDSA implementation: `ring` (default) or `rustcrypto`; both accept the same
    /// signatures.
    #[arg(long, global = true, env = "ELECTION_RECEIVER_CRYPTO")]
    crypto: Option<String>,
    /// Run the receiver's clock from this RFC 3339 instant (demos of past offers, tests).
    #[arg(long, global = true, env = "ELECTION_RECEIVER_CLOCK_START")]
    clock_start: Option<DateTime<FixedOffset>>,
    /// The log's format: `plain` (default) or `json`, one object a line.
    #[arg(long, value_enum, global = true, env = "ELECTION_RECEIVER_LOG_FORMAT")]
    log_format: Option<LogFormat>,
    /// Which log lines are written: `info` (default; a line per request), `warn`, or a
    /// filter such as `election_receiver=debug,warn`.
    #[arg(long, global = true, env = "ELECTION_RECEIVER_LOG")]
    log: Option<String>,
    /// The identity provider's issuer (the `iss` of its tokens); turns on sign-on with it.
    #[arg(long, global = true, env = "ELECTION_RECEIVER_OIDC_ISSUER")]
    oidc_issuer: Option<String>,
    /// An audience (`aud`) its tokens may name (repeatable).
    #[arg(
        long,
        global = true,
        env = "ELECTION_RECEIVER_OIDC_AUDIENCE",
        value_delimiter = ','
    )]
    oidc_audience: Vec<String>,
    /// The provider's keys: an https URL (http on loopback only) or a JWKS file.
    #[arg(long, global = true, env = "ELECTION_RECEIVER_OIDC_JWKS")]
    oidc_jwks: Option<String>,
    /// The claim that names the employee (default `sub`).
    #[arg(long, global = true, env = "ELECTION_RECEIVER_OIDC_EMPLOYEE_CLAIM")]
    oidc_employee_claim: Option<String>,
    /// A bearer token of HR's (repeatable).
    #[arg(long = "hr-token", global = true)]
    hr_tokens: Vec<String>,
    /// A bearer token for an employee, as EMPLOYEE_ID=TOKEN (repeatable).
    #[arg(long = "token", global = true, value_parser = parse_token)]
    tokens: Vec<(String, String)>,
    /// Milliseconds for a request's header to arrive from its first byte; then the
    /// connection is closed (default 10000).
    #[arg(long, global = true, env = "ELECTION_RECEIVER_HEADER_READ_TIMEOUT_MS")]
    header_read_timeout_ms: Option<u64>,
    /// Milliseconds for a request's body to arrive after its header; then 408 (default 10000).
    #[arg(long, global = true, env = "ELECTION_RECEIVER_BODY_READ_TIMEOUT_MS")]
    body_read_timeout_ms: Option<u64>,
    /// Milliseconds for a whole request to be answered; then 503 (default 30000).
    #[arg(long, global = true, env = "ELECTION_RECEIVER_REQUEST_TIMEOUT_MS")]
    request_timeout_ms: Option<u64>,
    /// Milliseconds a kept-alive connection may wait for its next request (default 60000).
    #[arg(long, global = true, env = "ELECTION_RECEIVER_IDLE_TIMEOUT_MS")]
    idle_timeout_ms: Option<u64>,
    /// Connections served at once; the next gets 503 and is closed (default 1024).
    #[arg(long, global = true, env = "ELECTION_RECEIVER_MAX_CONNECTIONS")]
    max_connections: Option<usize>,
}

impl Settings {
    /// The connection-limit flags, as settings.
    fn limits(&self) -> FileConfig {
        FileConfig {
            header_read_timeout_ms: self.header_read_timeout_ms,
            body_read_timeout_ms: self.body_read_timeout_ms,
            request_timeout_ms: self.request_timeout_ms,
            idle_timeout_ms: self.idle_timeout_ms,
            max_connections: self.max_connections,
            ..FileConfig::default()
        }
    }
}

fn parse_token(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(e, t)| (e.to_owned(), t.to_owned()))
        .ok_or_else(|| "expected EMPLOYEE_ID=TOKEN".to_owned())
}

fn config(settings: Settings) -> Result<Config, String> {
    let (file, base) = Config::from_file(settings.config.as_deref())?;
    let limits = settings.limits();
    let flags = FileConfig {
        listen: settings.listen,
        metrics_listen: settings.metrics_listen,
        database: settings.database,
        offer: settings.offer,
        holders: settings.holders,
        grants: settings.grants,
        grants_mapping: settings.grants_mapping,
        grants_illustrative: None,
        key: settings.key,
        allowed_origins: settings.allowed_origins,
        max_body_bytes: settings.max_body_bytes,
        durability: settings.durability,
        batch_max: settings.batch_max,
        crypto: settings.crypto,
        log_format: settings.log_format,
        log: settings.log,
        clock_start: settings.clock_start,
        tokens: settings.tokens.into_iter().collect(),
        hr_tokens: settings.hr_tokens,
        oidc: Some(election_receiver::config::OidcFile {
            issuer: settings.oidc_issuer,
            audiences: settings.oidc_audience,
            jwks: settings.oidc_jwks,
            employee_claim: settings.oidc_employee_claim,
            ..Default::default()
        }),
        ..limits
    };
    Config::merge(file, &base, flags)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Pages(args)) = &cli.command {
        return pages(args.clone(), &cli.settings);
    }
    if let Some(Command::VerifyExport(args)) = &cli.command {
        return verify_export(args);
    }
    let config = match config(cli.settings).and_then(|c| {
        election_receiver::observe::init_logging(c.log_format, &c.log)?;
        Ok(c)
    }) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("election-receiver: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(config).await,
            Command::VerifyChain(args) => {
                verify_chain(config, args.checkpoint, args.offer_id).await
            }
            Command::Pages(_) | Command::VerifyExport(_) => {
                Err("this command runs without the receiver's settings".to_owned())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("election-receiver: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    if let Some(at) = config.clock_start {
        tracing::warn!(
            "PREVIEW CLOCK: running from {at}, not the real time. Never use this for a real offer."
        );
    }
    let database = config.database.clone();
    let origins = config.allowed_origins.join(", ");
    let shutdown = async {
        election_receiver::shutdown_signal().await;
        tracing::info!("stopping: finishing the requests in flight");
    };
    election_receiver::serve_until(
        config,
        |addr| {
            // The first line on stdout is the address, for scripts and tests to read.
            println!("listening on http://{addr}");
            tracing::info!(
                "listening on http://{addr}; database {database}; allowed origins: {}",
                if origins.is_empty() { "none" } else { &origins }
            );
        },
        shutdown,
    )
    .await
}

/// `verify-export`: the export (and the CSV) checked on their own.
fn verify_export(args: &VerifyExportArgs) -> ExitCode {
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let checked = (|| {
        let export = election_core::results::read_export(&read(&args.export)?)
            .map_err(|e| format!("{}: {e}", args.export.display()))?;
        let csv = args.csv.as_ref().map(read).transpose()?;
        let audit =
            election_core::results::verify_export(&export, csv.as_deref(), args.key_id.as_deref());
        Ok::<_, String>((export, audit))
    })();
    match checked {
        Err(e) => {
            eprintln!("election-receiver: {e}");
            ExitCode::from(2)
        }
        Ok((_, audit)) if !audit.problems.is_empty() => {
            for p in &audit.problems {
                println!("PROBLEM {p}");
            }
            println!(
                "{} problem(s) in the export; it does not prove the results it states",
                audit.problems.len()
            );
            ExitCode::FAILURE
        }
        Ok((export, audit)) => {
            let s = &export.results.summary;
            println!(
                "export holds: digest {}; {} elections, one unbroken chain up to the checkpoint of {} ({} receipts), every signature valid; the results of {} employees follow from them{}",
                export.digest,
                audit.elections,
                export.checkpoint.checkpoint.at,
                export.checkpoint.checkpoint.count,
                audit.employees,
                if args.csv.is_some() { ", and the CSV is theirs" } else { "" },
            );
            println!(
                "{}: {} options tendered by {} of {} eligible employees, for {} new awards{}",
                if export.results.closed {
                    "final results"
                } else {
                    "results so far (the offer is still open)"
                },
                s.options_tendered,
                s.employees_taking_part,
                s.eligible_employees,
                s.new_awards,
                if s.cash_cents > 0 {
                    format!(
                        " and {} in cash",
                        election_core::display::from_cents(s.cash_cents)
                    )
                } else {
                    String::new()
                }
            );
            match &args.key_id {
                Some(id) => println!("receipts signed by the receiver's published key {id}"),
                None => println!(
                    "receipts signed by key {}: compare it with the receiver's published key (GET /v1/offer), or pass --key-id",
                    audit.key_id
                ),
            }
            ExitCode::SUCCESS
        }
    }
}

/// `pages`: the widget's files, on the connection limits of the flags (and of --config's
/// file, if given).
fn pages(args: PagesArgs, settings: &Settings) -> ExitCode {
    let setup = (|| {
        let (file, _) = Config::from_file(settings.config.as_deref())?;
        election_receiver::observe::init_logging(
            settings.log_format.or(file.log_format).unwrap_or_default(),
            settings
                .log
                .as_deref()
                .or(file.log.as_deref())
                .unwrap_or("info"),
        )?;
        let limits = Limits::merge(&file, &settings.limits())?;
        let options = PagesOptions {
            dir: args.dir,
            connect_src: args.connect_src,
            frame_src: args.frame_src,
            frame_ancestors: args.frame_ancestors,
        };
        let app = election_receiver::pages::router(&options)?;
        Ok::<_, String>((limits, options, app))
    })();
    let (limits, options, app) = match setup {
        Ok(s) => s,
        Err(e) => {
            eprintln!("election-receiver: {e}");
            return ExitCode::from(2);
        }
    };
    let listen = settings
        .listen
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8091)));
    let runtime = match runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let result = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("no local address: {e}"))?;
        println!("listening on http://{addr}");
        tracing::info!("serving the pages in {}", options.dir.display());
        election_receiver::server::serve(
            listener,
            app,
            limits,
            election_receiver::shutdown_signal(),
            Default::default(),
        )
        .await;
        Ok::<_, String>(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("election-receiver: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn verify_chain(
    config: Config,
    checkpoint: Option<PathBuf>,
    offer: Option<String>,
) -> Result<(), String> {
    let audit = election_receiver::audit::verify_offer_chain(
        &config,
        checkpoint.as_deref(),
        offer.as_deref(),
    )
    .await?;
    if audit.is_clean() {
        println!("{}", audit.summary());
        return Ok(());
    }
    for problem in &audit.problems {
        println!("{problem}");
    }
    Err(format!(
        "{} problems in {} receipts and {} keys: the database does not hold what the receiver signed",
        audit.problems.len(),
        audit.receipts,
        audit.keys
    ))
}

/// The tokio runtime every subcommand runs on; a failure to start it is said and exits.
fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("election-receiver: cannot start: {e}");
            ExitCode::FAILURE
        })
}
