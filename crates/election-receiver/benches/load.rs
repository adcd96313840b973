//! Load benchmark of the receiver on loopback (`make bench`): accepted elections per
//! second and p50/p99 latency, for SQLite and PostgreSQL, with and without the fsync
//! before each receipt, with one client and with many, with each ECDSA backend. Bounded
//! in count and in time. `LOAD_ONLY=text` runs only the rows whose label contains it
//! (and then leaves `docs/BENCHMARKS.md` alone).
//!
//! The receiver is the real binary (optimised), on a fresh database per scenario; the
//! clients are in this process, with every election signed before the clock starts (the
//! signing is the browser's cost, measured separately below). Results go to the receiver
//! section of `docs/BENCHMARKS.md`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use election_core::contract::{
    canonical_bytes, verify_election_by, Backend as Crypto, SignedElection,
};
use election_receiver::config::Durability;

/// Most elections per scenario, and most seconds: long enough for a p99 to mean
/// something (200 or more elections above it).
const MAX_ELECTIONS: usize = 20_000;
const MAX_SECONDS: f64 = 10.0;
/// Elections each employee makes in a scenario: an offer has thousands of employees, each
/// electing a few times (changes of mind, a withdrawal), not a few employees electing
/// hundreds of times. So a scenario has 20,000 / 8 = 2,500 employees, whatever its clients.
const ELECTIONS_PER_EMPLOYEE: usize = 8;

struct Outcome {
    label: String,
    accepted: usize,
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// The share of the machine's CPU time busy while the row ran (0 to 1).
    cpu_busy: f64,
}

/// The machine's CPU time so far, from `/proc/stat`: (busy, all), in ticks.
fn cpu_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    let all: u64 = fields.iter().take(8).sum();
    // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
    let idle = fields.get(3).copied().unwrap_or(0) + fields.get(4).copied().unwrap_or(0);
    (all - idle, all)
}

/// One row: the database, durability, clients, group commit's batch size and the backend.
type Row = (Backend, Durability, usize, usize, Crypto);

fn label((backend, durability, clients, batch_max, crypto): Row) -> String {
    format!(
        "{} · {} · {clients} client{} · {}",
        match backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        },
        match durability {
            Durability::Fsync => "fsync before each receipt",
            Durability::None => "no fsync",
        },
        if clients == 1 { "" } else { "s" },
        crypto.name(),
    ) + if batch_max == 1 {
        " · no group commit (a transaction each)"
    } else {
        ""
    }
}

async fn scenario(row: Row) -> Outcome {
    let (backend, durability, clients, batch_max, crypto) = row;
    let employees_per_client = (MAX_ELECTIONS / clients).div_ceil(ELECTIONS_PER_EMPLOYEE);
    let mut config = test_config(backend, clients * employees_per_client).await;
    config.durability = durability;
    config.batch_max = batch_max;
    config.crypto = crypto;
    let (mut child, rx) = spawn_binary(&config);
    let rx = Arc::new(rx);
    // Each client's employees are set up at once, before the clock starts.
    let prepared = futures::future::join_all((0..clients).map(|client| {
        let rx = Arc::clone(&rx);
        tokio::spawn(async move {
            // One connection a client, as one browser; its employees take turns on it, so
            // each employee's elections are spread over the run.
            let connection = reqwest::Client::new();
            let mut employees = Vec::new();
            for j in 0..employees_per_client {
                let id = format!("E-{}", 2000 + client * employees_per_client + j);
                let mut e = Employee::new(&rx, &id);
                e.client = connection.clone();
                // The clients sign with the faster backend.
                e.signer = e
                    .signer
                    .with_backend(Crypto::Ring)
                    .expect("ring takes the key");
                e.register(&rx).await;
                employees.push(Arc::new(e));
            }
            let mut elections: Vec<(Arc<Employee>, SignedElection)> = Vec::new();
            for seq in 1..=ELECTIONS_PER_EMPLOYEE as u64 {
                for e in &employees {
                    elections.push((Arc::clone(e), e.sign(e.payload(seq, seq % 2 == 1))));
                }
            }
            elections
        })
    }))
    .await
    .into_iter()
    .map(|r| r.expect("a client's set-up"))
    .collect::<Vec<_>>();
    let start = Instant::now();
    let cpu_before = cpu_ticks();
    let deadline = start + Duration::from_secs_f64(MAX_SECONDS);
    let tasks: Vec<_> = prepared
        .into_iter()
        .map(|elections| {
            let rx = rx.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for (e, signed) in elections {
                    if Instant::now() > deadline {
                        break;
                    }
                    let sent = Instant::now();
                    let (status, body) = e.submit(&rx, &signed).await;
                    assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
                    latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.expect("client"));
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu_after = cpu_ticks();
    let _ = child.kill();
    let _ = child.wait();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    Outcome {
        label: label(row),
        accepted: latencies.len(),
        per_second: latencies.len() as f64 / elapsed,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        cpu_busy: (cpu_after.0 - cpu_before.0) as f64
            / ((cpu_after.1 - cpu_before.1) as f64).max(1.0),
    }
}

/// How many write+fsync round trips the disk under the database does per second.
fn fsync_rate() -> f64 {
    let path = std::env::temp_dir().join(format!("fsync-probe-{}", std::process::id()));
    let mut file = std::fs::File::create(&path).expect("probe file");
    let start = Instant::now();
    let mut count = 0;
    while start.elapsed() < Duration::from_secs(2) {
        file.write_all(&[0u8; 512]).expect("write");
        file.sync_data().expect("fsync");
        count += 1;
    }
    let _ = std::fs::remove_file(&path);
    count as f64 / start.elapsed().as_secs_f64()
}

/// Median microseconds of canonicalising and signing one election natively, and of
/// verifying it, over many runs, with `crypto`.
fn sign_and_verify_micros(crypto: Crypto) -> (f64, f64) {
    let rx = Receiver {
        base: String::new(),
        addr: "127.0.0.1:1".parse().expect("addr"),
        config: futures::executor::block_on(test_config(Backend::Sqlite, 0)),
        dir: std::env::temp_dir(),
    };
    let mut e = Employee::new(&rx, "E-1002");
    e.signer = e
        .signer
        .with_backend(crypto)
        .expect("the backend takes the key");
    let payload = e.payload(1, true);
    let mut sign = Vec::new();
    let mut verify = Vec::new();
    for _ in 0..300 {
        let t = Instant::now();
        let bytes = canonical_bytes(&payload);
        let signed = e.signer.sign_election(payload.clone());
        sign.push(t.elapsed().as_secs_f64() * 1e6);
        assert!(!bytes.is_empty());
        let t = Instant::now();
        verify_election_by(crypto, &signed, e.signer.jwk()).expect("verifies");
        verify.push(t.elapsed().as_secs_f64() * 1e6);
    }
    sign.sort_by(f64::total_cmp);
    verify.sort_by(f64::total_cmp);
    (sign[sign.len() / 2], verify[verify.len() / 2])
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters nothing here.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let only = std::env::var("LOAD_ONLY").ok();
    let fsyncs = fsync_rate();
    let micros: Vec<(Crypto, f64, f64)> = Crypto::ALL
        .iter()
        .map(|&c| {
            let (sign, verify) = sign_and_verify_micros(c);
            (c, sign, verify)
        })
        .collect();
    let mut outcomes = Vec::new();
    let (fsync, none) = (Durability::Fsync, Durability::None);
    for db in [Backend::Sqlite, Backend::Postgres] {
        for row in [
            (db, fsync, 1, 256, Crypto::Ring),
            (db, fsync, 32, 1, Crypto::Ring),
            (db, fsync, 32, 256, Crypto::RustCrypto),
            (db, fsync, 32, 256, Crypto::Ring),
            (db, none, 32, 256, Crypto::Ring),
        ] {
            if only.as_deref().is_some_and(|o| !label(row).contains(o)) {
                continue;
            }
            let outcome = runtime.block_on(scenario(row));
            eprintln!(
                "{:<80} {:>6} accepted  {:>8.0}/s  p50 {:>6.2} ms  p99 {:>6.2} ms  CPU {:>3.0}%",
                outcome.label,
                outcome.accepted,
                outcome.per_second,
                outcome.p50_ms,
                outcome.p99_ms,
                outcome.cpu_busy * 100.0
            );
            outcomes.push(outcome);
        }
    }
    if only.is_some() {
        return;
    }
    let cost = |c: Crypto| {
        micros
            .iter()
            .find(|m| m.0 == c)
            .map_or(0.0, |m| (m.1 + m.2) / 1000.0)
    };
    let mut section = vec![
        "<!-- receiver -->".to_owned(),
        "## Receiver (loopback, this 2-core machine)".to_owned(),
        String::new(),
        format!(
            "Measured by `cargo bench -p election-receiver --bench load` (part of `make bench`): the real receiver binary on a fresh database per row, clients in one process sending pre-signed elections. The offer has about {} employees who elect {ELECTIONS_PER_EMPLOYEE} times each (changes of mind, withdrawals); each client is one connection on which its share of them take turns. At most {MAX_ELECTIONS} elections or {MAX_SECONDS} s per row. Targets: ≥ 5,000 durable elections/s on SQLite and ≥ 3,000/s on PostgreSQL, p99 ≤ 20 ms. The scenario's last part is the ECDSA backend that verifies elections and signs receipts (`crypto` in the receiver's settings; `ring` is the default).",
            MAX_ELECTIONS / ELECTIONS_PER_EMPLOYEE
        ),
        String::new(),
        format!("The disk under the databases does **{fsyncs:.0} write+fsync per second** alone. The rows marked *no group commit* run one transaction (one fsync) per election; the others commit every election waiting in one transaction. Each election costs one ECDSA verification and one signature (the receipt): about {:.2} ms of one core with ring and {:.2} ms with RustCrypto here, and the clients, the receiver and the database share the same two cores.", cost(Crypto::Ring), cost(Crypto::RustCrypto)),
        String::new(),
        "The *CPU* column is the share of both cores busy while the row ran (from `/proc/stat`; clients, receiver and database together). Near 100 % a row is bound by CPU. Below it, by latency: each writer runs one batch at a time, and a batch waits for its commit (the fsync) and, on PostgreSQL, for its round trips, before the next one starts.".to_owned(),
        String::new(),
        "| scenario | accepted | elections/s | p50 ms | p99 ms | CPU |".to_owned(),
        "|---|---:|---:|---:|---:|---:|".to_owned(),
    ];
    for o in &outcomes {
        section.push(format!(
            "| {} | {} | {:.0} | {:.2} | {:.2} | {:.0} % |",
            o.label,
            o.accepted,
            o.per_second,
            o.p50_ms,
            o.p99_ms,
            o.cpu_busy * 100.0
        ));
    }
    section.push(String::new());
    for (c, sign_us, verify_us) in &micros {
        section.push(format!(
            "Natively with {}, canonicalising and signing one election takes {sign_us:.0} µs and verifying it {verify_us:.0} µs (median of 300; the browser signs with WebCrypto, measured with the widget).",
            c.name()
        ));
        section.push(String::new());
    }
    section.pop();
    section.push("<!-- /receiver -->".to_owned());
    write_bench_section("receiver", &section);
}
