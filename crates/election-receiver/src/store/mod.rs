//! Where elections are kept: one small interface, two databases.
//!
//! - SQLite, the embedded default: one file, one writer thread.
//! - PostgreSQL, where several receiver instances run behind a load balancer.
//!
//! Both keep every election append-only (triggers refuse UPDATE and DELETE), and both
//! commit elections in batches (group commit): each writer takes every submission waiting
//! for it, decides them in one transaction in arrival order, commits once (one fsync for
//! the batch) and only then answers. A receipt is never sent for an election that is not
//! committed. The database decides idempotency and the receipt chain: uniqueness
//! constraints and, in PostgreSQL, a transaction-scoped advisory lock that makes the
//! batches of all instances take their turn at the chain's head.

mod postgres;
mod sqlite;

use std::sync::Arc;

use election_core::contract::{
    receipt_hash, ElectionEntry, PublicJwk, SignedCheckpoint, SignedElection, SignedReceipt,
    Timeliness,
};

use crate::config::Durability;
use crate::metrics::Metrics;
use crate::notary::{Notary, Submission};

pub use self::postgres::PgStore;
/// The statement the PostgreSQL writer reads a batch's prior state with: public for the
/// test of its plan.
#[doc(hidden)]
pub use self::postgres::PRIOR as POSTGRES_PRIOR_QUERY;
pub use self::sqlite::SqliteStore;

/// What became of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppendOutcome {
    /// Stored now, with this receipt.
    Stored(SignedReceipt),
    /// Stored before (a retry): the receipt it was given then.
    Replayed(SignedReceipt),
    /// The idempotency key was used before for another payload.
    IdempotencyConflict,
    /// The nonce was used before by another election.
    NonceReplayed,
    /// The employee already has an election with this sequence number or a higher one.
    SequenceNotIncreasing { latest: u64 },
}

/// What became of a submission, with the checkpoint its batch committed: the chain's
/// newest state, which includes the submission's receipt when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    pub outcome: AppendOutcome,
    pub checkpoint: Option<SignedCheckpoint>,
}

/// One stored election row, every column as stored, for an audit (`verify-chain`) that
/// compares each with the election and receipt it claims to describe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionRow {
    pub chain_index: i64,
    pub offer_id: String,
    pub employee_id: String,
    pub sequence: i64,
    pub idempotency_key: String,
    pub nonce: String,
    pub payload_hash: String,
    pub timeliness: String,
    pub received_at_ms: i64,
    /// The signed election, as JSON.
    pub election: String,
    pub receipt_id: String,
    /// The signed receipt, as JSON.
    pub receipt: String,
    pub receipt_hash: String,
}

/// One stored key registration, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    pub key_id: String,
    pub employee_id: String,
    /// The public JWK, as JSON.
    pub jwk: String,
}

/// The columns of [`ElectionRow`], in its order, for both databases' audit query.
const ELECTION_COLUMNS: &str = "chain_index, offer_id, employee_id, sequence, idempotency_key, nonce, payload_hash, timeliness, received_at_ms, election, receipt_id, receipt, receipt_hash";

/// A stored checkpoint's JSON, or nothing when it cannot be read: an unreadable row must
/// not stop the receiver from signing the next one (the audit reports the chain itself).
fn stored_checkpoint(text: Option<String>) -> Option<SignedCheckpoint> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

/// What became of a key registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOutcome {
    Registered {
        registered_at: String,
    },
    /// The same key was registered to the same employee before.
    AlreadyRegistered {
        registered_at: String,
    },
    /// The key belongs to another employee.
    TakenBy(String),
}

/// The database failed or is unreachable: nothing was stored, and the client may retry.
/// Cloned to every submission of a failed batch, so the sources are shared.
#[derive(Debug, Clone)]
pub enum StoreError {
    /// SQLite failed a statement.
    Sqlite(Arc<rusqlite::Error>),
    /// PostgreSQL failed a statement.
    Postgres(Arc<tokio_postgres::Error>),
    /// No connection to PostgreSQL could be had.
    Unreachable(String),
    /// The database cannot be opened as the settings give it.
    Setup(String),
    /// The writer (SQLite's thread, PostgreSQL's task) is gone: the receiver is stopping
    /// or the writer failed.
    WriterGone(&'static str),
    /// A stored record is not valid JSON.
    Corrupt(Arc<serde_json::Error>),
    /// The database answered something impossible.
    Unexpected(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Sqlite(e) => write!(f, "SQLite: {e}"),
            StoreError::Postgres(e) => write!(f, "PostgreSQL: {e}"),
            StoreError::Unreachable(why) => write!(f, "PostgreSQL is unreachable: {why}"),
            StoreError::Setup(why) | StoreError::Unexpected(why) => f.write_str(why),
            StoreError::WriterGone(db) => write!(f, "the {db} writer stopped"),
            StoreError::Corrupt(e) => write!(f, "a stored record is not valid JSON: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(Arc::new(e))
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        StoreError::Postgres(Arc::new(e))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(Arc::new(e))
    }
}

/// A store, chosen by the database URL.
#[derive(Clone)]
pub enum Store {
    Sqlite(Arc<SqliteStore>),
    Postgres(Arc<PgStore>),
}

/// What a writer knows about an employee when it decides a submission, read inside the
/// batch's transaction.
#[derive(Debug, Default)]
struct Prior {
    /// The payload hash and receipt stored under the same idempotency key.
    same_key: Option<(String, String)>,
    nonce_used: bool,
    latest_sequence: Option<u64>,
}

impl Prior {
    /// The decision every backend makes the same way, before it stores anything.
    fn decide(self, sub: &Submission) -> Result<Option<AppendOutcome>, StoreError> {
        if let Some((hash, receipt)) = self.same_key {
            return Ok(Some(if hash == sub.payload_hash {
                AppendOutcome::Replayed(serde_json::from_str(&receipt)?)
            } else {
                AppendOutcome::IdempotencyConflict
            }));
        }
        if self.nonce_used {
            return Ok(Some(AppendOutcome::NonceReplayed));
        }
        if let Some(latest) = self.latest_sequence {
            if sub.election.payload.sequence <= latest {
                return Ok(Some(AppendOutcome::SequenceNotIncreasing { latest }));
            }
        }
        Ok(None)
    }
}

/// What the earlier submissions of a batch stored, for a writer that reads the database's
/// state for the whole batch at once (PostgreSQL pipelines those reads): the decision for
/// a later submission must see the earlier ones of its own batch too.
#[derive(Default)]
struct BatchOverlay {
    /// (offer, employee, idempotency key) → (payload hash, receipt JSON).
    keys: std::collections::HashMap<(String, String, String), (String, String)>,
    nonces: std::collections::HashSet<(String, String, String)>,
    sequences: std::collections::HashMap<(String, String), u64>,
}

impl BatchOverlay {
    fn apply(&self, sub: &Submission, prior: &mut Prior) {
        let p = &sub.election.payload;
        let who = (p.offer_id.clone(), p.employee_id.clone());
        if prior.same_key.is_none() {
            prior.same_key = self
                .keys
                .get(&(who.0.clone(), who.1.clone(), p.idempotency_key.clone()))
                .cloned();
        }
        prior.nonce_used |= self
            .nonces
            .contains(&(who.0.clone(), who.1.clone(), p.nonce.clone()));
        if let Some(&seq) = self.sequences.get(&who) {
            prior.latest_sequence = Some(prior.latest_sequence.map_or(seq, |s| s.max(seq)));
        }
    }

    fn record(&mut self, sub: &Submission, receipt_json: &str) {
        let p = &sub.election.payload;
        let (offer, employee) = (p.offer_id.clone(), p.employee_id.clone());
        self.keys.insert(
            (offer.clone(), employee.clone(), p.idempotency_key.clone()),
            (sub.payload_hash.clone(), receipt_json.to_owned()),
        );
        self.nonces
            .insert((offer.clone(), employee.clone(), p.nonce.clone()));
        let seq = self.sequences.entry((offer, employee)).or_insert(0);
        *seq = (*seq).max(p.sequence);
    }
}

/// The row a new election becomes.
struct NewRow {
    chain_index: u64,
    receipt: SignedReceipt,
    receipt_json: String,
    receipt_hash: String,
    election_json: String,
}

impl NewRow {
    fn new(
        notary: &Notary,
        sub: &Submission,
        chain_index: u64,
        previous: &str,
    ) -> Result<NewRow, StoreError> {
        let receipt = notary.receipt(sub, chain_index, previous);
        Ok(NewRow {
            chain_index,
            receipt_json: serde_json::to_string(&receipt)?,
            receipt_hash: receipt_hash(&receipt.receipt).hex(),
            election_json: serde_json::to_string(&sub.election)?,
            receipt,
        })
    }
}

fn timeliness_text(t: Timeliness) -> &'static str {
    match t {
        Timeliness::OnTime => "on_time",
        Timeliness::Late => "late",
    }
}

fn entry(election: &str, receipt: &str) -> Result<ElectionEntry, StoreError> {
    Ok(ElectionEntry {
        election: serde_json::from_str::<SignedElection>(election)?,
        receipt: serde_json::from_str(receipt)?,
    })
}

impl Store {
    /// Opens (and creates or migrates) the database at `url`.
    pub async fn open(
        url: &str,
        notary: Arc<Notary>,
        durability: Durability,
        batch_max: usize,
        metrics: Arc<Metrics>,
    ) -> Result<Store, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Store::Postgres(Arc::new(
                PgStore::open(url, notary, durability, batch_max, metrics).await?,
            )))
        } else {
            let path = url.strip_prefix("sqlite:").unwrap_or(url);
            Ok(Store::Sqlite(Arc::new(SqliteStore::open(
                path, notary, durability, batch_max, metrics,
            )?)))
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgresql",
        }
    }

    pub async fn register_key(
        &self,
        employee_id: &str,
        jwk: &PublicJwk,
        at: &str,
    ) -> Result<KeyOutcome, StoreError> {
        match self {
            Store::Sqlite(s) => s.register_key(employee_id, jwk, at).await,
            Store::Postgres(s) => s.register_key(employee_id, jwk, at).await,
        }
    }

    /// The employee a key belongs to, and the key.
    pub async fn key(&self, key_id: &str) -> Result<Option<(String, PublicJwk)>, StoreError> {
        match self {
            Store::Sqlite(s) => s.key(key_id).await,
            Store::Postgres(s) => s.key(key_id).await,
        }
    }

    /// Decides and (when accepted) stores a submission; answers once it is committed.
    pub async fn append(&self, sub: Submission) -> Result<AppendOutcome, StoreError> {
        Ok(self.append_with_checkpoint(sub).await?.outcome)
    }

    /// [`Store::append`], with the signed checkpoint committed by the same transaction.
    pub async fn append_with_checkpoint(&self, sub: Submission) -> Result<Appended, StoreError> {
        match self {
            Store::Sqlite(s) => s.append(sub).await,
            Store::Postgres(s) => s.append(sub).await,
        }
    }

    /// The newest checkpoint of the chain, signed by this receiver's key. One is made
    /// (in a transaction at the chain's head) when none is stored yet or the newest is by
    /// another key: a database written before checkpoints, or a new receiver key.
    pub async fn checkpoint(&self, notary: &Notary) -> Result<SignedCheckpoint, StoreError> {
        let newest = match self {
            Store::Sqlite(s) => s.newest_checkpoint().await?,
            Store::Postgres(s) => s.newest_checkpoint().await?,
        };
        match newest {
            Some(c) if notary.is_mine(&c.checkpoint) => Ok(c),
            _ => match self {
                Store::Sqlite(s) => s.make_checkpoint().await,
                Store::Postgres(s) => s.make_checkpoint().await,
            },
        }
    }

    /// Every election row in chain order, as stored, for an audit.
    pub async fn election_rows(&self) -> Result<Vec<ElectionRow>, StoreError> {
        match self {
            Store::Sqlite(s) => s.election_rows().await,
            Store::Postgres(s) => s.election_rows().await,
        }
    }

    /// Every key registration, as stored, for an audit.
    pub async fn key_rows(&self) -> Result<Vec<KeyRow>, StoreError> {
        match self {
            Store::Sqlite(s) => s.key_rows().await,
            Store::Postgres(s) => s.key_rows().await,
        }
    }

    /// Records an employee's first read of their record (a later one changes nothing).
    pub async fn record_view(&self, employee_id: &str, at: &str) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => s.record_view(employee_id, at).await,
            Store::Postgres(s) => s.record_view(employee_id, at).await,
        }
    }

    /// Each employee who has read their record → when they first did.
    pub async fn views(&self) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        match self {
            Store::Sqlite(s) => s.views().await,
            Store::Postgres(s) => s.views().await,
        }
    }

    /// Every election an employee made under an offer, oldest first.
    pub async fn history(
        &self,
        offer_id: &str,
        employee_id: &str,
    ) -> Result<Vec<ElectionEntry>, StoreError> {
        match self {
            Store::Sqlite(s) => s.history(offer_id, employee_id).await,
            Store::Postgres(s) => s.history(offer_id, employee_id).await,
        }
    }

    pub async fn receipt(&self, receipt_id: &str) -> Result<Option<SignedReceipt>, StoreError> {
        match self {
            Store::Sqlite(s) => s.receipt(receipt_id).await,
            Store::Postgres(s) => s.receipt(receipt_id).await,
        }
    }

    /// Every receipt in chain order, for an audit of the whole chain.
    pub async fn chain(&self) -> Result<Vec<SignedReceipt>, StoreError> {
        match self {
            Store::Sqlite(s) => s.chain().await,
            Store::Postgres(s) => s.chain().await,
        }
    }
}
