//! `election-receiver`: the reference backend for the election contract.
//!
//! ```text
//! election-receiver serve --config receiver.toml
//! election-receiver verify-chain --config receiver.toml
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, FixedOffset};
use clap::{Args, Parser, Subcommand};
use election_receiver::config::{Config, Durability, FileConfig};

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
}

#[derive(Args, Clone)]
struct VerifyArgs {
    /// A checkpoint kept from earlier (JSON, as GET /v1/checkpoint serves it): prove the
    /// database still holds the receipts it counts, unchanged (catches deleted receipts).
    #[arg(long)]
    checkpoint: Option<PathBuf>,
}

#[derive(Args, Clone)]
struct Settings {
    /// A TOML settings file; flags override it.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1:8787).
    #[arg(long, global = true)]
    listen: Option<SocketAddr>,
    /// `sqlite:PATH` (default sqlite:receiver.sqlite3) or `postgres://user@host:port/db`.
    #[arg(long, global = true)]
    database: Option<String>,
    /// The offer file (JSON).
    #[arg(long, global = true)]
    offer: Option<PathBuf>,
    /// A directory of holder files (JSON), one per employee.
    #[arg(long, global = true)]
    holders: Option<PathBuf>,
    /// The receiver's private key file (created when missing).
    #[arg(long, global = true)]
    key: Option<PathBuf>,
    /// A browser origin allowed to call the receiver (repeatable).
    #[arg(long = "allow-origin", global = true)]
    allowed_origins: Vec<String>,
    /// Largest request body in bytes (default 65536).
    #[arg(long, global = true)]
    max_body_bytes: Option<usize>,
    /// `fsync` (default): a receipt only after the election is on disk. `none`: benchmarks only.
    #[arg(long, value_enum, global = true)]
    durability: Option<Durability>,
    /// The most elections committed in one transaction (default 256).
    #[arg(long, global = true)]
    batch_max: Option<usize>,
    /// Run the receiver's clock from this RFC 3339 instant (demos of past offers, tests).
    #[arg(long, global = true)]
    clock_start: Option<DateTime<FixedOffset>>,
    /// A bearer token for an employee, as EMPLOYEE_ID=TOKEN (repeatable).
    #[arg(long = "token", global = true, value_parser = parse_token)]
    tokens: Vec<(String, String)>,
}

fn parse_token(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(e, t)| (e.to_owned(), t.to_owned()))
        .ok_or_else(|| "expected EMPLOYEE_ID=TOKEN".to_owned())
}

fn config(settings: Settings) -> Result<Config, String> {
    let (file, base) = Config::from_file(settings.config.as_deref())?;
    let flags = FileConfig {
        listen: settings.listen,
        database: settings.database,
        offer: settings.offer,
        holders: settings.holders,
        key: settings.key,
        allowed_origins: settings.allowed_origins,
        max_body_bytes: settings.max_body_bytes,
        durability: settings.durability,
        batch_max: settings.batch_max,
        clock_start: settings.clock_start,
        tokens: settings.tokens.into_iter().collect(),
    };
    Config::merge(file, &base, flags)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match config(cli.settings) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("election-receiver: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("election-receiver: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(config).await,
            Command::VerifyChain(args) => verify_chain(config, args.checkpoint).await,
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
        eprintln!("election-receiver: PREVIEW CLOCK: running from {at}, not the real time. Never use this for a real offer.");
    }
    let database = config.database.clone();
    let origins = config.allowed_origins.join(", ");
    election_receiver::serve(config, |addr| {
        // The first line on stdout is the address, for scripts and tests to read.
        println!("listening on http://{addr}");
        eprintln!(
            "election-receiver: database {database}; allowed origins: {}",
            if origins.is_empty() { "none" } else { &origins }
        );
    })
    .await
}

async fn verify_chain(config: Config, checkpoint: Option<PathBuf>) -> Result<(), String> {
    let audit = election_receiver::audit::verify_chain(&config, checkpoint.as_deref()).await?;
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
