//! SQLite, the embedded default: WAL, `synchronous=FULL`, one writer thread that commits
//! elections in batches, and a few reader connections.

use std::collections::BTreeMap;
use std::sync::{mpsc, Arc, Mutex};

use election_core::contract::{
    ElectionEntry, PublicJwk, SignedCheckpoint, SignedReceipt, GENESIS_HASH,
};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use tokio::sync::oneshot;

use super::{
    entry, stored_checkpoint, timeliness_text, AppendOutcome, Appended, ElectionRow, KeyOutcome,
    KeyRow, NewRow, Prior, StoreError, ELECTION_COLUMNS,
};
use crate::config::Durability;
use crate::metrics::Metrics;
use crate::notary::{Notary, Submission};

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS keys (
    key_id        TEXT PRIMARY KEY,
    employee_id   TEXT NOT NULL,
    jwk           TEXT NOT NULL,
    registered_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS elections (
    chain_index     INTEGER PRIMARY KEY,
    offer_id        TEXT NOT NULL,
    employee_id     TEXT NOT NULL,
    sequence        INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    nonce           TEXT NOT NULL,
    payload_hash    TEXT NOT NULL,
    timeliness      TEXT NOT NULL CHECK (timeliness IN ('on_time', 'late')),
    received_at_ms  INTEGER NOT NULL,
    election        TEXT NOT NULL,
    receipt_id      TEXT NOT NULL UNIQUE,
    receipt         TEXT NOT NULL,
    receipt_hash    TEXT NOT NULL,
    UNIQUE (offer_id, employee_id, idempotency_key),
    UNIQUE (offer_id, employee_id, nonce),
    UNIQUE (offer_id, employee_id, sequence)
);
CREATE TRIGGER IF NOT EXISTS elections_append_only_update BEFORE UPDATE ON elections
BEGIN SELECT RAISE(ABORT, 'elections are append-only'); END;
CREATE TRIGGER IF NOT EXISTS elections_append_only_delete BEFORE DELETE ON elections
BEGIN SELECT RAISE(ABORT, 'elections are append-only'); END;
CREATE TRIGGER IF NOT EXISTS keys_append_only_update BEFORE UPDATE ON keys
BEGIN SELECT RAISE(ABORT, 'keys are append-only'); END;
CREATE TRIGGER IF NOT EXISTS keys_append_only_delete BEFORE DELETE ON keys
BEGIN SELECT RAISE(ABORT, 'keys are append-only'); END;
CREATE TABLE IF NOT EXISTS checkpoints (
    id         INTEGER PRIMARY KEY,
    count      INTEGER NOT NULL,
    head       TEXT NOT NULL,
    checkpoint TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS checkpoints_append_only_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_append_only_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TABLE IF NOT EXISTS views (
    employee_id     TEXT PRIMARY KEY,
    first_viewed_at TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS views_append_only_update BEFORE UPDATE ON views
BEGIN SELECT RAISE(ABORT, 'views are append-only'); END;
CREATE TRIGGER IF NOT EXISTS views_append_only_delete BEFORE DELETE ON views
BEGIN SELECT RAISE(ABORT, 'views are append-only'); END;
"#;

enum Job {
    Append(Submission, oneshot::Sender<Result<Appended, StoreError>>),
    /// Sign and store a checkpoint of the chain as it is (when none is usable).
    Checkpoint(oneshot::Sender<Result<SignedCheckpoint, StoreError>>),
    Key {
        employee_id: String,
        jwk: PublicJwk,
        at: String,
        reply: oneshot::Sender<Result<KeyOutcome, StoreError>>,
    },
    /// An employee's first read of their record (a later one changes nothing).
    View {
        employee_id: String,
        at: String,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
}

pub struct SqliteStore {
    writer: Mutex<mpsc::Sender<Job>>,
    readers: Arc<Mutex<Vec<Connection>>>,
    path: String,
}

fn connect(path: &str, durability: Durability) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(
        None,
        "synchronous",
        match durability {
            Durability::Fsync => "FULL",
            Durability::None => "OFF",
        },
    )?;
    Ok(conn)
}

impl SqliteStore {
    pub fn open(
        path: &str,
        notary: Arc<Notary>,
        durability: Durability,
        batch_max: usize,
        metrics: Arc<Metrics>,
    ) -> Result<SqliteStore, StoreError> {
        let conn = connect(path, durability)?;
        conn.execute_batch(SCHEMA)?;
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer(conn, rx, notary, batch_max, &metrics))
            .map_err(|e| StoreError::Setup(format!("cannot start the SQLite writer: {e}")))?;
        Ok(SqliteStore {
            writer: Mutex::new(tx),
            readers: Arc::new(Mutex::new(Vec::new())),
            path: path.to_owned(),
        })
    }

    fn send(&self, job: Job) -> Result<(), StoreError> {
        let writer = self
            .writer
            .lock()
            .map_err(|_| StoreError::WriterGone("SQLite"))?;
        writer
            .send(job)
            .map_err(|_| StoreError::WriterGone("SQLite"))
    }

    pub async fn append(&self, sub: Submission) -> Result<Appended, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(Job::Append(sub, reply))?;
        answer.await.map_err(|_| StoreError::WriterGone("SQLite"))?
    }

    pub async fn make_checkpoint(&self) -> Result<SignedCheckpoint, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(Job::Checkpoint(reply))?;
        answer.await.map_err(|_| StoreError::WriterGone("SQLite"))?
    }

    pub async fn register_key(
        &self,
        employee_id: &str,
        jwk: &PublicJwk,
        at: &str,
    ) -> Result<KeyOutcome, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(Job::Key {
            employee_id: employee_id.to_owned(),
            jwk: jwk.clone(),
            at: at.to_owned(),
            reply,
        })?;
        answer.await.map_err(|_| StoreError::WriterGone("SQLite"))?
    }

    pub async fn record_view(&self, employee_id: &str, at: &str) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(Job::View {
            employee_id: employee_id.to_owned(),
            at: at.to_owned(),
            reply,
        })?;
        answer.await.map_err(|_| StoreError::WriterGone("SQLite"))?
    }

    pub async fn views(&self) -> Result<BTreeMap<String, String>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare("SELECT employee_id, first_viewed_at FROM views")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<BTreeMap<String, String>, _>>()?)
        })
        .await
    }

    /// Runs `read` on a reader connection, off the async threads.
    async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let readers = Arc::clone(&self.readers);
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = readers.lock().ok().and_then(|mut r| r.pop());
            let conn = match pooled {
                Some(conn) => conn,
                None => {
                    let conn = Connection::open(&path)?;
                    conn.busy_timeout(std::time::Duration::from_secs(10))?;
                    conn
                }
            };
            let result = read(&conn);
            if let Ok(mut r) = readers.lock() {
                if r.len() < 8 {
                    r.push(conn);
                }
            }
            result
        })
        .await
        .map_err(|e| StoreError::Unexpected(format!("a SQLite read failed: {e}")))?
    }

    pub async fn key(&self, key_id: &str) -> Result<Option<(String, PublicJwk)>, StoreError> {
        let key_id = key_id.to_owned();
        self.read(move |conn| {
            let row: Option<(String, String)> = conn
                .query_row(
                    "SELECT employee_id, jwk FROM keys WHERE key_id = ?1",
                    [&key_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            row.map(|(e, jwk)| Ok((e, serde_json::from_str(&jwk)?)))
                .transpose()
        })
        .await
    }

    pub async fn history(
        &self,
        offer_id: &str,
        employee_id: &str,
    ) -> Result<Vec<ElectionEntry>, StoreError> {
        let (offer_id, employee_id) = (offer_id.to_owned(), employee_id.to_owned());
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT election, receipt FROM elections WHERE offer_id = ?1 AND employee_id = ?2 ORDER BY chain_index",
            )?;
            let rows = stmt.query_map([&offer_id, &employee_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            rows.map(|row| {
                let (e, r) = row?;
                entry(&e, &r)
            })
            .collect()
        })
        .await
    }

    pub async fn receipt(&self, receipt_id: &str) -> Result<Option<SignedReceipt>, StoreError> {
        let receipt_id = receipt_id.to_owned();
        self.read(move |conn| {
            let text: Option<String> = conn
                .query_row(
                    "SELECT receipt FROM elections WHERE receipt_id = ?1",
                    [&receipt_id],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(text.map(|t| serde_json::from_str(&t)).transpose()?)
        })
        .await
    }

    pub async fn newest_checkpoint(&self) -> Result<Option<SignedCheckpoint>, StoreError> {
        self.read(|conn| Ok(stored_checkpoint(newest_checkpoint_text(conn)?)))
            .await
    }

    pub async fn election_rows(&self) -> Result<Vec<ElectionRow>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {ELECTION_COLUMNS} FROM elections ORDER BY chain_index"
            ))?;
            let rows = stmt.query_map([], |r| {
                Ok(ElectionRow {
                    chain_index: r.get(0)?,
                    offer_id: r.get(1)?,
                    employee_id: r.get(2)?,
                    sequence: r.get(3)?,
                    idempotency_key: r.get(4)?,
                    nonce: r.get(5)?,
                    payload_hash: r.get(6)?,
                    timeliness: r.get(7)?,
                    received_at_ms: r.get(8)?,
                    election: r.get(9)?,
                    receipt_id: r.get(10)?,
                    receipt: r.get(11)?,
                    receipt_hash: r.get(12)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    pub async fn key_rows(&self) -> Result<Vec<KeyRow>, StoreError> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare("SELECT key_id, employee_id, jwk FROM keys ORDER BY key_id")?;
            let rows = stmt.query_map([], |r| {
                Ok(KeyRow {
                    key_id: r.get(0)?,
                    employee_id: r.get(1)?,
                    jwk: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    pub async fn chain(&self) -> Result<Vec<SignedReceipt>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare("SELECT receipt FROM elections ORDER BY chain_index")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.map(|t| Ok(serde_json::from_str(&t?)?)).collect()
        })
        .await
    }
}

/// The writer: waits for a job, takes every other job already waiting (up to
/// `batch_max`), runs them in one IMMEDIATE transaction, commits, then answers each.
fn writer(
    mut conn: Connection,
    jobs: mpsc::Receiver<Job>,
    notary: Arc<Notary>,
    batch_max: usize,
    metrics: &Metrics,
) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < batch_max {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let started = std::time::Instant::now();
        match run_batch(&mut conn, &notary, &batch) {
            Ok(answers) => {
                metrics.batch(batch.len(), started.elapsed().as_secs_f64());
                for (job, answer) in batch.into_iter().zip(answers) {
                    match (job, answer) {
                        (Job::Append(_, reply), Answer::Append(a)) => {
                            let _ = reply.send(Ok(a));
                        }
                        (Job::Checkpoint(reply), Answer::Checkpoint(c)) => {
                            let _ = reply.send(c.ok_or_else(|| {
                                StoreError::Unexpected("the batch made no checkpoint".into())
                            }));
                        }
                        (Job::Key { reply, .. }, Answer::Key(k)) => {
                            let _ = reply.send(Ok(k));
                        }
                        (Job::View { reply, .. }, Answer::View) => {
                            let _ = reply.send(Ok(()));
                        }
                        _ => {}
                    }
                }
            }
            Err(e) => {
                for job in batch {
                    match job {
                        Job::Append(_, reply) => {
                            let _ = reply.send(Err(e.clone()));
                        }
                        Job::Key { reply, .. } => {
                            let _ = reply.send(Err(e.clone()));
                        }
                        Job::Checkpoint(reply) => {
                            let _ = reply.send(Err(e.clone()));
                        }
                        Job::View { reply, .. } => {
                            let _ = reply.send(Err(e.clone()));
                        }
                    }
                }
            }
        }
    }
}

// One answer per job of a batch, gone as soon as the batch is answered: boxing the
// larger variant would cost an allocation per election for nothing.
#[allow(clippy::large_enum_variant)]
enum Answer {
    Append(Appended),
    Key(KeyOutcome),
    Checkpoint(Option<SignedCheckpoint>),
    View,
}

fn newest_checkpoint_text(conn: &Connection) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT checkpoint FROM checkpoints ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

fn run_batch(
    conn: &mut Connection,
    notary: &Notary,
    batch: &[Job],
) -> Result<Vec<Answer>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut head: Option<(u64, String)> = tx
        .query_row(
            "SELECT chain_index, receipt_hash FROM elections ORDER BY chain_index DESC LIMIT 1",
            [],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
        )
        .optional()?;
    let mut answers = Vec::with_capacity(batch.len());
    for job in batch {
        match job {
            Job::Append(sub, _) => {
                let p = &sub.election.payload;
                let prior = tx
                    .prepare_cached(
                        "SELECT
                           (SELECT payload_hash FROM elections WHERE offer_id = ?1 AND employee_id = ?2 AND idempotency_key = ?3),
                           (SELECT receipt FROM elections WHERE offer_id = ?1 AND employee_id = ?2 AND idempotency_key = ?3),
                           EXISTS (SELECT 1 FROM elections WHERE offer_id = ?1 AND employee_id = ?2 AND nonce = ?4),
                           (SELECT max(sequence) FROM elections WHERE offer_id = ?1 AND employee_id = ?2)",
                    )?
                    .query_row(
                        params![p.offer_id, p.employee_id, p.idempotency_key, p.nonce],
                        |r| {
                            let hash: Option<String> = r.get(0)?;
                            let receipt: Option<String> = r.get(1)?;
                            Ok(Prior {
                                same_key: hash.zip(receipt),
                                nonce_used: r.get(2)?,
                                latest_sequence: r.get::<_, Option<i64>>(3)?.map(|s| s as u64),
                            })
                        },
                    )?;
                if let Some(outcome) = prior.decide(sub)? {
                    answers.push(Answer::Append(Appended {
                        outcome,
                        checkpoint: None,
                    }));
                    continue;
                }
                let (index, previous) = match &head {
                    Some((i, h)) => (i + 1, h.as_str()),
                    None => (1, GENESIS_HASH),
                };
                let row = NewRow::new(notary, sub, index, previous)?;
                tx.prepare_cached(
                    "INSERT INTO elections (chain_index, offer_id, employee_id, sequence, idempotency_key, nonce,
                       payload_hash, timeliness, received_at_ms, election, receipt_id, receipt, receipt_hash)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                )?
                .execute(params![
                    row.chain_index as i64,
                    p.offer_id,
                    p.employee_id,
                    p.sequence as i64,
                    p.idempotency_key,
                    p.nonce,
                    sub.payload_hash,
                    timeliness_text(sub.timeliness),
                    sub.received_at.timestamp_millis(),
                    row.election_json,
                    row.receipt.receipt.receipt_id,
                    row.receipt_json,
                    row.receipt_hash,
                ])?;
                head = Some((row.chain_index, row.receipt_hash));
                answers.push(Answer::Append(Appended {
                    outcome: AppendOutcome::Stored(row.receipt),
                    checkpoint: None,
                }));
            }
            // Filled in below, once the batch's chain head is known.
            Job::Checkpoint(_) => answers.push(Answer::Checkpoint(None)),
            Job::View {
                employee_id, at, ..
            } => {
                tx.prepare_cached(
                    "INSERT INTO views (employee_id, first_viewed_at) VALUES (?1, ?2) ON CONFLICT (employee_id) DO NOTHING",
                )?
                .execute(params![employee_id, at])?;
                answers.push(Answer::View);
            }
            Job::Key {
                employee_id,
                jwk,
                at,
                ..
            } => {
                let key_id = jwk.thumbprint();
                let existing: Option<(String, String)> = tx
                    .query_row(
                        "SELECT employee_id, registered_at FROM keys WHERE key_id = ?1",
                        [&key_id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                answers.push(Answer::Key(match existing {
                    Some((owner, registered_at)) if &owner == employee_id => {
                        KeyOutcome::AlreadyRegistered { registered_at }
                    }
                    Some((owner, _)) => KeyOutcome::TakenBy(owner),
                    None => {
                        tx.execute(
                            "INSERT INTO keys (key_id, employee_id, jwk, registered_at) VALUES (?1, ?2, ?3, ?4)",
                            params![key_id, employee_id, serde_json::to_string(jwk)?, at],
                        )?;
                        KeyOutcome::Registered {
                            registered_at: at.clone(),
                        }
                    }
                }));
            }
        }
    }
    // The checkpoint of the chain as this transaction leaves it, stored by the same
    // transaction: it can never name a count or head that is not committed.
    if batch
        .iter()
        .any(|j| matches!(j, Job::Append(..) | Job::Checkpoint(_)))
    {
        let newest = stored_checkpoint(newest_checkpoint_text(&tx)?);
        let (checkpoint, new) =
            notary.checkpoint_for(head.as_ref().map(|(i, h)| (*i, h.as_str())), newest);
        if new {
            tx.execute(
                "INSERT INTO checkpoints (count, head, checkpoint) VALUES (?1, ?2, ?3)",
                params![
                    checkpoint.checkpoint.count as i64,
                    checkpoint.checkpoint.head,
                    serde_json::to_string(&checkpoint)?
                ],
            )?;
        }
        for answer in &mut answers {
            match answer {
                Answer::Append(a) => a.checkpoint = Some(checkpoint.clone()),
                Answer::Checkpoint(c) => *c = Some(checkpoint.clone()),
                Answer::Key(_) | Answer::View => {}
            }
        }
    }
    tx.commit()?;
    Ok(answers)
}
