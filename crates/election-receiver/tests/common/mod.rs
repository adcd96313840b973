//! Test harness: a receiver over real HTTP on a loopback port, against a temporary SQLite
//! file or a database on a real PostgreSQL server (Debian's, started once per test binary
//! on a temporary directory and a loopback port), and employees who sign like the widget.

#![allow(dead_code)]
// Test harness (also compiled into the load benchmark): a failure here should stop the run.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use election_core::contract::{ElectionPayload, SignedElection, Signer, Signing};
use election_core::disclosure::Acknowledgment;
use election_core::{parse_holder, parse_offer, Election, Holder, Offer};
use election_receiver::config::{Config, Durability};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

pub const OFFER_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../static/offers/mpower-2001.json"
);
pub const HOLDERS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../static/holders");
/// Inside Mpower's offer period, as the demo runs.
pub const DURING_OFFER: &str = "2001-09-20T10:00:00-04:00";
/// A minute after Mpower's deadline.
pub const AFTER_DEADLINE: &str = "2001-09-28T00:00:00-04:00";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The demo offer, read once.
pub fn offer() -> Offer {
    static OFFER: OnceLock<Offer> = OnceLock::new();
    OFFER
        .get_or_init(|| parse_offer(&std::fs::read_to_string(OFFER_FILE).unwrap()).unwrap())
        .clone()
}

/// The test receivers' HR token.
pub const HR_TOKEN: &str = "test-hr-token-0123456789";

pub fn token_for(employee_id: &str) -> String {
    format!("test-token-{employee_id}-0123456789")
}

/// Holder files for `count` generated employees (E-2000, E-2001, …), each with one
/// eligible grant, beside copies of the demo employees.
pub fn write_holders(dir: &Path, count: usize) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    for entry in std::fs::read_dir(HOLDERS_DIR).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let template: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{HOLDERS_DIR}/e1001-avery-lindqvist.json")).unwrap(),
    )
    .unwrap();
    let mut ids = vec![
        "E-1001".to_owned(),
        "E-1002".to_owned(),
        "E-1003".to_owned(),
    ];
    for i in 0..count {
        let id = format!("E-{}", 2000 + i);
        let mut holder = template.clone();
        holder["employee"]["id"] = Value::from(id.clone());
        holder["employee"]["name"] = Value::from(format!("Test Employee {i}"));
        std::fs::write(dir.join(format!("{id}.json")), holder.to_string()).unwrap();
        ids.push(id);
    }
    ids
}

/// A receiver running in this process over real HTTP.
pub struct Receiver {
    pub base: String,
    pub addr: SocketAddr,
    pub config: Config,
    pub dir: PathBuf,
}

pub fn temp_dir(label: &str) -> PathBuf {
    sweep_ended_runs();
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "election-receiver-test-{}-{label}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Removes the temporary directories of test processes that have ended, once per test
/// process, before it makes its first: a run's files stay after it (what a failing test
/// left can be looked at) until the next run. A directory is named after its process
/// (`election-receiver-test-<pid>-…`, `election-receiver-pages-<pid>-…`); a process that
/// has ended has no `/proc/<pid>` (Linux; elsewhere nothing is removed), and one still
/// running, such as a concurrent test binary's, keeps its own.
pub fn sweep_ended_runs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if !Path::new("/proc/self").exists() {
            return;
        }
        let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(rest) = name.to_str().and_then(|n| {
                n.strip_prefix("election-receiver-test-")
                    .or_else(|| n.strip_prefix("election-receiver-pages-"))
            }) else {
                continue;
            };
            let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
                continue;
            };
            if !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    });
}

/// The settings of a test receiver: a fresh database of `backend`, generated employees.
pub async fn test_config(backend: Backend, extra_employees: usize) -> Config {
    let dir = temp_dir("rx");
    let holders = dir.join("holders");
    let ids = write_holders(&holders, extra_employees);
    let database = match backend {
        Backend::Sqlite => format!("sqlite:{}", dir.join("receiver.sqlite3").display()),
        Backend::Postgres => postgres_database().await,
    };
    Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        metrics_listen: None,
        database,
        offer: PathBuf::from(OFFER_FILE),
        holders,
        grants: None,
        key: dir.join("receiver-key.hex"),
        allowed_origins: vec!["http://127.0.0.1:8080".into()],
        max_body_bytes: 64 * 1024,
        durability: Durability::Fsync,
        batch_max: 256,
        crypto: election_core::contract::Backend::Ring,
        log_format: Default::default(),
        log: "warn".into(),
        clock_start: Some(chrono::DateTime::parse_from_rfc3339(DURING_OFFER).unwrap()),
        tokens: ids
            .iter()
            .map(|id| (id.clone(), token_for(id)))
            .collect::<BTreeMap<_, _>>(),
        hr_tokens: vec![HR_TOKEN.to_owned()],
        oidc: None,
        limits: Default::default(),
        more_offers: Vec::new(),
    }
}

/// A receiver (SQLite) serving Mpower's offer as `edit` changes it, written as `name`,
/// with the offer as the employees are shown it and Avery, registered.
pub async fn receiver_with_offer(
    name: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) -> (Receiver, Offer, Employee) {
    let mut config = test_config(Backend::Sqlite, 0).await;
    let mut offer: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(OFFER_FILE).unwrap()).unwrap();
    edit(&mut offer);
    let path = config.holders.parent().unwrap().join(name);
    std::fs::write(&path, offer.to_string()).unwrap();
    config.offer = path;
    let rx = Receiver::with(config).await;
    let avery = Employee::new(&rx, "E-1001");
    avery.register(&rx).await;
    let shown = parse_offer(&offer.to_string()).unwrap();
    (rx, shown, avery)
}

impl Receiver {
    pub async fn start(backend: Backend) -> Receiver {
        Receiver::with(test_config(backend, 8).await).await
    }

    /// Starts a receiver with these settings (on a new port).
    pub async fn with(config: Config) -> Receiver {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let run = config.clone();
        tokio::spawn(async move {
            if let Err(e) = election_receiver::serve(run, move |addr| {
                let _ = tx.send(addr);
            })
            .await
            {
                panic!("the receiver failed: {e}");
            }
        });
        let addr = tokio::time::timeout(Duration::from_secs(30), rx)
            .await
            .expect("the receiver did not start within 30 s")
            .expect("the receiver stopped before listening");
        Receiver {
            base: format!("http://{addr}"),
            addr,
            dir: config.key.parent().unwrap().to_path_buf(),
            config,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn offer_info(&self) -> election_core::contract::OfferInfo {
        reqwest::get(self.url("/v1/offer"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// An employee with a signing key, acting as the widget does.
pub struct Employee {
    pub id: String,
    pub token: String,
    pub signer: Signer,
    pub holder: Holder,
    pub client: reqwest::Client,
}

impl Employee {
    pub fn new(receiver: &Receiver, id: &str) -> Employee {
        let offer = offer();
        // A generated holder is in a file named by its id; the fixtures are found by reading.
        let generated = receiver.config.holders.join(format!("{id}.json"));
        let mut holder = std::fs::read_to_string(&generated)
            .ok()
            .map(|text| parse_holder(&text, Some(&offer)).unwrap());
        for entry in std::fs::read_dir(&receiver.config.holders).unwrap() {
            if holder.is_some() {
                break;
            }
            let h = parse_holder(
                &std::fs::read_to_string(entry.unwrap().path()).unwrap(),
                Some(&offer),
            )
            .unwrap();
            if h.employee.id == id {
                holder = Some(h);
            }
        }
        Employee {
            id: id.to_owned(),
            token: token_for(id),
            signer: Signer::from_bytes(&Sha256::digest(format!("test key {id}"))).unwrap(),
            holder: holder.unwrap_or_else(|| panic!("no holder file for {id}")),
            client: reqwest::Client::new(),
        }
    }

    pub async fn register(&self, receiver: &Receiver) -> (StatusCode, Value) {
        let response = self
            .client
            .post(receiver.url("/v1/keys"))
            .bearer_auth(&self.token)
            .json(&serde_json::json!({ "jwk": self.signer.jwk() }))
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap())
    }

    /// A payload exchanging every eligible grant (or none, for a withdrawal).
    pub fn payload(&self, sequence: u64, exchange: bool) -> ElectionPayload {
        self.payload_under(&offer(), sequence, exchange)
    }

    /// [`Employee::payload`] under `offer` as the employee was shown it, every document
    /// acknowledged.
    pub fn payload_under(
        &self,
        offer: &election_core::Offer,
        sequence: u64,
        exchange: bool,
    ) -> ElectionPayload {
        let offer = offer.clone();
        let mut election = Election::keep_all(&offer, &self.holder);
        if exchange {
            for g in &self.holder.grants {
                if election_core::rules::eligibility(&offer, &election_core::Employee::default(), g)
                    .is_ok()
                {
                    election.tendered.insert(g.id.clone(), g.outstanding);
                }
            }
        }
        let acks = offer
            .documents
            .iter()
            .map(|d| Acknowledgment::of(&offer, d))
            .collect();
        ElectionPayload::build(
            &offer,
            &self.holder,
            &election,
            acks,
            Signing {
                sequence,
                nonce: nonce(&format!("{}-{sequence}-{exchange}", self.id)),
                idempotency_key: format!("idem-{}-{sequence}-{exchange}", self.id),
                client_time: "2001-09-20T10:01:00-04:00".into(),
                key_id: self.signer.key_id().to_owned(),
                signed_name: self.holder.employee.name.clone(),
            },
        )
    }

    pub fn sign(&self, payload: ElectionPayload) -> SignedElection {
        self.signer.sign_election(payload)
    }

    pub async fn submit(
        &self,
        receiver: &Receiver,
        signed: &SignedElection,
    ) -> (StatusCode, Value) {
        self.post_raw(
            receiver,
            "/v1/elections",
            serde_json::to_vec(signed).unwrap(),
            "application/json",
        )
        .await
    }

    pub async fn post_raw(
        &self,
        receiver: &Receiver,
        path: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> (StatusCode, Value) {
        let response = self
            .client
            .post(receiver.url(path))
            .bearer_auth(&self.token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}")),
        )
    }

    pub async fn history(&self, receiver: &Receiver) -> election_core::contract::ElectionHistory {
        self.client
            .get(receiver.url("/v1/elections"))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// `count` generated employees (E-2000, E-2001, …), each with a registered key.
pub async fn registered_employees(
    receiver: &std::sync::Arc<Receiver>,
    count: usize,
) -> Vec<std::sync::Arc<Employee>> {
    let employees: Vec<_> = (0..count)
        .map(|i| std::sync::Arc::new(Employee::new(receiver, &format!("E-{}", 2000 + i))))
        .collect();
    for e in &employees {
        assert_eq!(e.register(receiver).await.0, StatusCode::CREATED);
    }
    employees
}

/// What a stream of submissions got: every receipt issued, and any other answer (status
/// and body) that ended a stream.
#[derive(Clone, Default)]
pub struct Streamed {
    pub issued: std::sync::Arc<std::sync::Mutex<Vec<election_core::contract::SignedReceipt>>>,
    pub other: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Streamed {
    pub fn issued(&self) -> Vec<election_core::contract::SignedReceipt> {
        self.issued.lock().unwrap().clone()
    }
}

/// Each employee sends successive changes (sequence 1, 2, …) until the receiver stops
/// answering (refused or closed connection) or answers anything but a new receipt.
pub fn stream_changes(
    employees: &[std::sync::Arc<Employee>],
    receiver: &std::sync::Arc<Receiver>,
) -> (Streamed, Vec<tokio::task::JoinHandle<()>>) {
    let streamed = Streamed::default();
    let tasks = employees
        .iter()
        .map(|e| {
            let (e, rx, streamed) = (e.clone(), receiver.clone(), streamed.clone());
            tokio::spawn(async move {
                for seq in 1.. {
                    let signed = e.sign(e.payload(seq, seq % 2 == 1));
                    let sent = e
                        .client
                        .post(rx.url("/v1/elections"))
                        .bearer_auth(&e.token)
                        .json(&signed)
                        .send()
                        .await;
                    let Ok(response) = sent else { break };
                    let status = response.status();
                    let Ok(text) = response.text().await else {
                        break;
                    };
                    if status != StatusCode::CREATED {
                        streamed
                            .other
                            .lock()
                            .unwrap()
                            .push(format!("{status}: {text}"));
                        break;
                    }
                    let body: Value = serde_json::from_str(&text).unwrap();
                    let receipt = serde_json::from_value(body["receipt"].clone()).unwrap();
                    streamed.issued.lock().unwrap().push(receipt);
                }
            })
        })
        .collect();
    (streamed, tasks)
}

/// A distinct 16-byte nonce per label, base64url.
pub fn nonce(label: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&Sha256::digest(label.as_bytes())[..16])
}

// ---- The binary ----------------------------------------------------------------

/// The real receiver binary with `config`'s settings as flags, for `subcommand`.
pub fn binary(subcommand: &str, config: &Config) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_election-receiver"));
    command
        .arg(subcommand)
        .args(["--database", &config.database])
        .arg("--offer")
        .arg(&config.offer)
        .arg("--holders")
        .arg(&config.holders)
        .arg("--key")
        .arg(&config.key)
        .args(["--batch-max", &config.batch_max.to_string()])
        .args(["--crypto", config.crypto.name()])
        .args([
            "--durability",
            match config.durability {
                Durability::Fsync => "fsync",
                Durability::None => "none",
            },
        ]);
    for (employee, token) in &config.tokens {
        command.args(["--token", &format!("{employee}={token}")]);
    }
    command
}

/// Starts the receiver binary on a free port with the preview clock inside the offer;
/// returns the process and a handle for the helpers.
pub fn spawn_binary(config: &Config) -> (std::process::Child, Receiver) {
    use std::io::BufRead as _;
    let mut child = binary("serve", config)
        .args(["--listen", "127.0.0.1:0", "--clock-start", DURING_OFFER])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_owned();
    let receiver = Receiver {
        addr: base.trim_start_matches("http://").parse().unwrap(),
        base,
        config: config.clone(),
        dir: config.key.parent().unwrap().to_path_buf(),
    };
    (child, receiver)
}

// ---- PostgreSQL ------------------------------------------------------------------

struct PgServer {
    port: u16,
    /// The watchdog shell; it outlives this process on purpose, to stop PostgreSQL.
    _watchdog: std::process::Child,
}

/// The directory with Debian's PostgreSQL server programs, newest version first.
fn pg_bin() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path().join("bin")))
                .collect()
        })
        .unwrap_or_default();
    dirs.retain(|d| d.join("initdb").exists() && d.join("postgres").exists());
    dirs.sort();
    dirs.pop().unwrap_or_else(|| {
        panic!("PostgreSQL's server is not installed (Debian package postgresql); `make test` installs it")
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false)
}

/// A command run as the `postgres` user when this process is root (PostgreSQL refuses
/// to run as root).
fn as_pg_user(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn pg_server() -> &'static PgServer {
    static SERVER: OnceLock<PgServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let bin = pg_bin();
        let dir = temp_dir("pg");
        let data = dir.join("data");
        if is_root() {
            let status = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status().unwrap();
            assert!(status.success(), "chown of the PostgreSQL test directory failed");
        }
        let out = as_pg_user(&bin.join("initdb"))
            .args(["-D"])
            .arg(&data)
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
            .stdout(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        let port = free_port();
        // A watchdog shell: PostgreSQL is stopped when this test process ends, however it ends.
        let postgres = format!(
            "{} -D {} -p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=64MB",
            bin.join("postgres").display(),
            data.display(),
            dir.display()
        );
        let stop = format!("{} -D {} -m fast -w stop", bin.join("pg_ctl").display(), data.display());
        let (runner, stop) = if is_root() {
            (format!("runuser -u postgres -- {postgres}"), format!("runuser -u postgres -- {stop}"))
        } else {
            (postgres, stop)
        };
        let script = format!(
            "{runner} >{log} 2>&1 & while kill -0 {parent} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf {dir}",
            log = dir.join("postgres.log").display(),
            parent = std::process::id(),
            dir = dir.display()
        );
        let mut watchdog = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                std::thread::sleep(Duration::from_millis(300));
                return PgServer {
                    port,
                    _watchdog: watchdog,
                };
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = watchdog.kill();
        let _ = watchdog.wait();
        panic!(
            "PostgreSQL did not start; its log: {}",
            std::fs::read_to_string(dir.join("postgres.log")).unwrap_or_default()
        );
    })
}

/// A new, empty database on the test server; its URL.
pub async fn postgres_database() -> String {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let port = tokio::task::spawn_blocking(|| pg_server().port)
        .await
        .unwrap();
    let name = format!("receiver_test_{}", COUNT.fetch_add(1, Ordering::SeqCst));
    // The server accepts connections before it is ready ("the database system is
    // starting up"), longer on a busy machine: try again for up to 30 s.
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let mut attempt = 0;
    let (client, connection) = loop {
        match tokio_postgres::connect(&url, tokio_postgres::NoTls).await {
            Ok(pair) => break pair,
            Err(e) if attempt < 300 => {
                attempt += 1;
                if attempt == 1 {
                    eprintln!("PostgreSQL is not ready yet ({e}); waiting");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("PostgreSQL did not become ready in 30 s: {e}"),
        }
    };
    tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    format!("postgres://postgres@127.0.0.1:{port}/{name}")
}

/// Runs `$body` (an async fn taking a [`Backend`]) once against each database.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Postgres).await
                }
            )*
        }
    };
}

// ---- The benchmarks' report ------------------------------------------------------

/// Puts `section` (its first line `<!-- name -->`, its last `<!-- /name -->`) in
/// `docs/BENCHMARKS.md` in place of the section of the same name, or at its end.
pub fn write_bench_section(name: &str, section: &[String]) {
    let (open, close) = (format!("<!-- {name} -->"), format!("<!-- /{name} -->"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/BENCHMARKS.md");
    let existing = std::fs::read_to_string(&path).unwrap_or_default();
    let text = match (existing.find(&open), existing.find(&close)) {
        (Some(a), Some(b)) => format!(
            "{}{}{}",
            &existing[..a],
            section.join("\n"),
            &existing[b + close.len()..]
        ),
        _ => format!("{}\n\n{}\n", existing.trim_end(), section.join("\n")),
    };
    std::fs::write(&path, text).expect("docs/BENCHMARKS.md");
    println!("{}", section.join("\n"));
}
