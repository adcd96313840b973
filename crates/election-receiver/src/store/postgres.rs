//! PostgreSQL, for several receiver instances behind a load balancer. Each instance
//! batches its own submissions like the SQLite writer; a transaction-scoped advisory lock
//! makes the batches of all instances take turns at the head of the receipt chain, and
//! uniqueness constraints make idempotency hold across instances.

use std::sync::Arc;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use election_core::contract::{
    ElectionEntry, ElectionPayload, PublicJwk, SignedCheckpoint, SignedReceipt, GENESIS_HASH,
};
use tokio::sync::{mpsc, oneshot};
use tokio_postgres::NoTls;

use super::{
    entry, stored_checkpoint, timeliness_text, AppendOutcome, Appended, BatchOverlay, ElectionRow,
    KeyOutcome, KeyRow, NewRow, Prior, StoreError, ELECTION_COLUMNS,
};
use crate::config::Durability;
use crate::metrics::Metrics;
use crate::notary::{Notary, Submission};

/// The advisory lock every instance's batch holds while it extends the chain.
const CHAIN_LOCK: i64 = 0x656c_6563_7469_6f6e; // "election"

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS keys (
    key_id        TEXT PRIMARY KEY,
    employee_id   TEXT NOT NULL,
    jwk           TEXT NOT NULL,
    registered_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS elections (
    chain_index     BIGINT PRIMARY KEY,
    offer_id        TEXT NOT NULL,
    employee_id     TEXT NOT NULL,
    sequence        BIGINT NOT NULL,
    idempotency_key TEXT NOT NULL,
    nonce           TEXT NOT NULL,
    payload_hash    TEXT NOT NULL,
    timeliness      TEXT NOT NULL CHECK (timeliness IN ('on_time', 'late')),
    received_at_ms  BIGINT NOT NULL,
    election        TEXT NOT NULL,
    receipt_id      TEXT NOT NULL UNIQUE,
    receipt         TEXT NOT NULL,
    receipt_hash    TEXT NOT NULL,
    UNIQUE (offer_id, employee_id, idempotency_key),
    UNIQUE (offer_id, employee_id, nonce),
    UNIQUE (offer_id, employee_id, sequence)
);
CREATE OR REPLACE FUNCTION election_receiver_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
CREATE OR REPLACE TRIGGER elections_append_only BEFORE UPDATE OR DELETE ON elections
    FOR EACH ROW EXECUTE FUNCTION election_receiver_append_only();
CREATE OR REPLACE TRIGGER elections_no_truncate BEFORE TRUNCATE ON elections
    FOR EACH STATEMENT EXECUTE FUNCTION election_receiver_append_only();
CREATE OR REPLACE TRIGGER keys_append_only BEFORE UPDATE OR DELETE ON keys
    FOR EACH ROW EXECUTE FUNCTION election_receiver_append_only();
CREATE OR REPLACE TRIGGER keys_no_truncate BEFORE TRUNCATE ON keys
    FOR EACH STATEMENT EXECUTE FUNCTION election_receiver_append_only();
CREATE TABLE IF NOT EXISTS checkpoints (
    id         BIGSERIAL PRIMARY KEY,
    count      BIGINT NOT NULL,
    head       TEXT NOT NULL,
    checkpoint TEXT NOT NULL
);
CREATE OR REPLACE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION election_receiver_append_only();
CREATE OR REPLACE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION election_receiver_append_only();
CREATE TABLE IF NOT EXISTS views (
    employee_id     TEXT PRIMARY KEY,
    first_viewed_at TEXT NOT NULL
);
CREATE OR REPLACE TRIGGER views_append_only BEFORE UPDATE OR DELETE ON views
    FOR EACH ROW EXECUTE FUNCTION election_receiver_append_only();
CREATE OR REPLACE TRIGGER views_no_truncate BEFORE TRUNCATE ON views
    FOR EACH STATEMENT EXECUTE FUNCTION election_receiver_append_only();
"#;

type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

pub struct PgStore {
    pool: Pool,
    notary: Arc<Notary>,
    writer: mpsc::UnboundedSender<(Submission, Reply<Appended>)>,
}

impl PgStore {
    pub async fn open(
        url: &str,
        notary: Arc<Notary>,
        durability: Durability,
        batch_max: usize,
        metrics: Arc<Metrics>,
    ) -> Result<PgStore, StoreError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Setup(format!("the PostgreSQL URL is invalid: {e}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(8)
            .build()
            .map_err(|e| StoreError::Setup(format!("PostgreSQL pool: {e}")))?;
        {
            let mut client = get(&pool).await?;
            let tx = client.transaction().await?;
            // Instances starting together must not race to create the tables.
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CHAIN_LOCK])
                .await?;
            tx.batch_execute(SCHEMA).await?;
            tx.commit().await?;
        }
        let (writer, jobs) = mpsc::unbounded_channel();
        tokio::spawn(write_batches(
            pool.clone(),
            jobs,
            Arc::clone(&notary),
            durability,
            batch_max,
            metrics,
        ));
        Ok(PgStore {
            pool,
            notary,
            writer,
        })
    }

    pub async fn append(&self, sub: Submission) -> Result<Appended, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.writer
            .send((sub, reply))
            .map_err(|_| StoreError::WriterGone("PostgreSQL"))?;
        answer
            .await
            .map_err(|_| StoreError::WriterGone("PostgreSQL"))?
    }

    pub async fn register_key(
        &self,
        employee_id: &str,
        jwk: &PublicJwk,
        at: &str,
    ) -> Result<KeyOutcome, StoreError> {
        let key_id = jwk.thumbprint();
        let client = get(&self.pool).await?;
        let inserted = client
            .execute(
                "INSERT INTO keys (key_id, employee_id, jwk, registered_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (key_id) DO NOTHING",
                &[&key_id, &employee_id, &serde_json::to_string(jwk)?, &at],
            )
            .await?;
        if inserted == 1 {
            return Ok(KeyOutcome::Registered {
                registered_at: at.to_owned(),
            });
        }
        let row = client
            .query_one(
                "SELECT employee_id, registered_at FROM keys WHERE key_id = $1",
                &[&key_id],
            )
            .await?;
        let owner: String = row.get(0);
        Ok(if owner == employee_id {
            KeyOutcome::AlreadyRegistered {
                registered_at: row.get(1),
            }
        } else {
            KeyOutcome::TakenBy(owner)
        })
    }

    pub async fn key(&self, key_id: &str) -> Result<Option<(String, PublicJwk)>, StoreError> {
        let client = get(&self.pool).await?;
        let row = client
            .query_opt(
                "SELECT employee_id, jwk FROM keys WHERE key_id = $1",
                &[&key_id],
            )
            .await?;
        row.map(|r| Ok((r.get(0), serde_json::from_str(r.get::<_, &str>(1))?)))
            .transpose()
    }

    pub async fn record_view(&self, employee_id: &str, at: &str) -> Result<(), StoreError> {
        let client = get(&self.pool).await?;
        client
            .execute(
                "INSERT INTO views (employee_id, first_viewed_at) VALUES ($1, $2) ON CONFLICT (employee_id) DO NOTHING",
                &[&employee_id, &at],
            )
            .await?;
        Ok(())
    }

    pub async fn views(&self) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        let client = get(&self.pool).await?;
        let rows = client
            .query("SELECT employee_id, first_viewed_at FROM views", &[])
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    pub async fn history(
        &self,
        offer_id: &str,
        employee_id: &str,
    ) -> Result<Vec<ElectionEntry>, StoreError> {
        let client = get(&self.pool).await?;
        let rows = client
            .query(
                "SELECT election, receipt FROM elections WHERE offer_id = $1 AND employee_id = $2 ORDER BY chain_index",
                &[&offer_id, &employee_id],
            )
            .await?;
        rows.iter().map(|r| entry(r.get(0), r.get(1))).collect()
    }

    pub async fn receipt(&self, receipt_id: &str) -> Result<Option<SignedReceipt>, StoreError> {
        let client = get(&self.pool).await?;
        let row = client
            .query_opt(
                "SELECT receipt FROM elections WHERE receipt_id = $1",
                &[&receipt_id],
            )
            .await?;
        Ok(row
            .map(|r| serde_json::from_str(r.get::<_, &str>(0)))
            .transpose()?)
    }

    pub async fn newest_checkpoint(&self) -> Result<Option<SignedCheckpoint>, StoreError> {
        let client = get(&self.pool).await?;
        let row = client
            .query_opt(
                "SELECT checkpoint FROM checkpoints ORDER BY id DESC LIMIT 1",
                &[],
            )
            .await?;
        Ok(stored_checkpoint(row.map(|r| r.get(0))))
    }

    /// Signs and stores a checkpoint of the chain as it is, at the chain's head (under
    /// the lock every instance's batch holds).
    pub async fn make_checkpoint(&self) -> Result<SignedCheckpoint, StoreError> {
        let mut client = get(&self.pool).await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CHAIN_LOCK])
            .await?;
        let head = chain_head(&tx).await?;
        let newest = newest_checkpoint_in(&tx).await?;
        let checkpoint = checkpoint_in(&tx, &self.notary, &head, newest).await?;
        tx.commit().await?;
        Ok(checkpoint)
    }

    pub async fn election_rows(&self) -> Result<Vec<ElectionRow>, StoreError> {
        let client = get(&self.pool).await?;
        let rows = client
            .query(
                &format!("SELECT {ELECTION_COLUMNS} FROM elections ORDER BY chain_index"),
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| ElectionRow {
                chain_index: r.get(0),
                offer_id: r.get(1),
                employee_id: r.get(2),
                sequence: r.get(3),
                idempotency_key: r.get(4),
                nonce: r.get(5),
                payload_hash: r.get(6),
                timeliness: r.get(7),
                received_at_ms: r.get(8),
                election: r.get(9),
                receipt_id: r.get(10),
                receipt: r.get(11),
                receipt_hash: r.get(12),
            })
            .collect())
    }

    pub async fn key_rows(&self) -> Result<Vec<KeyRow>, StoreError> {
        let client = get(&self.pool).await?;
        let rows = client
            .query(
                "SELECT key_id, employee_id, jwk FROM keys ORDER BY key_id",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| KeyRow {
                key_id: r.get(0),
                employee_id: r.get(1),
                jwk: r.get(2),
            })
            .collect())
    }

    pub async fn chain(&self) -> Result<Vec<SignedReceipt>, StoreError> {
        let client = get(&self.pool).await?;
        let rows = client
            .query("SELECT receipt FROM elections ORDER BY chain_index", &[])
            .await?;
        rows.iter()
            .map(|r| Ok(serde_json::from_str(r.get::<_, &str>(0))?))
            .collect()
    }
}

/// The chain's newest receipt: its index and hash.
async fn chain_head(
    tx: &deadpool_postgres::Transaction<'_>,
) -> Result<Option<(i64, String)>, StoreError> {
    Ok(tx
        .query_opt(CHAIN_HEAD, &[])
        .await?
        .map(|r| (r.get(0), r.get(1))))
}

/// Every new row of a batch in one statement, column by column.
const INSERT_ELECTIONS: &str =
    "INSERT INTO elections (chain_index, offer_id, employee_id, sequence, idempotency_key, nonce,
       payload_hash, timeliness, received_at_ms, election, receipt_id, receipt, receipt_hash)
     SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[],
       $6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[], $11::text[],
       $12::text[], $13::text[])";
const INSERT_CHECKPOINT: &str =
    "INSERT INTO checkpoints (count, head, checkpoint) VALUES ($1, $2, $3)";
const CHAIN_HEAD: &str =
    "SELECT chain_index, receipt_hash FROM elections ORDER BY chain_index DESC LIMIT 1";
/// What the database holds for each submission of a batch (arrays of offer, employee,
/// idempotency key and nonce, in the batch's order): the stored election under the same
/// idempotency key, whether the nonce was used, the employee's highest sequence.
///
/// Each is a lookup of at most one row (`LIMIT 1`, `LATERAL`), so whatever the planner
/// knows of the table, it walks an index of the employee's own elections. Written as
/// joins and `EXISTS`, the plan made while the table was new (before any statistics, so
/// for the first minute of a busy offer, until autovacuum's first analysis) read the
/// whole table for every batch: a hashed subplan and a hash join over a sequential scan.
pub const PRIOR: &str = "SELECT k.payload_hash, k.receipt,
       (SELECT true FROM elections e
         WHERE e.offer_id = t.o AND e.employee_id = t.w AND e.nonce = t.n LIMIT 1) IS NOT NULL,
       (SELECT e.sequence FROM elections e
         WHERE e.offer_id = t.o AND e.employee_id = t.w ORDER BY e.sequence DESC LIMIT 1)
     FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(o, w, k, n, i)
     LEFT JOIN LATERAL (SELECT k.payload_hash, k.receipt FROM elections k
         WHERE k.offer_id = t.o AND k.employee_id = t.w AND k.idempotency_key = t.k LIMIT 1) k ON true
     ORDER BY t.i";
const NEWEST_CHECKPOINT: &str = "SELECT checkpoint FROM checkpoints ORDER BY id DESC LIMIT 1";

/// The checkpoint of the chain ending at `head`, stored in `tx` when new: committed with
/// the receipts it counts, so it never names a count or head that is not committed.
async fn checkpoint_in(
    tx: &deadpool_postgres::Transaction<'_>,
    notary: &Notary,
    head: &Option<(i64, String)>,
    newest: Option<String>,
) -> Result<SignedCheckpoint, StoreError> {
    let (checkpoint, new) = notary.checkpoint_for(
        head.as_ref().map(|(i, h)| (*i as u64, h.as_str())),
        stored_checkpoint(newest),
    );
    if new {
        tx.execute(
            INSERT_CHECKPOINT,
            &[
                &(checkpoint.checkpoint.count as i64),
                &checkpoint.checkpoint.head,
                &serde_json::to_string(&checkpoint)?,
            ],
        )
        .await?;
    }
    Ok(checkpoint)
}

/// The newest stored checkpoint's JSON.
async fn newest_checkpoint_in(
    tx: &deadpool_postgres::Transaction<'_>,
) -> Result<Option<String>, StoreError> {
    Ok(tx
        .query_opt(NEWEST_CHECKPOINT, &[])
        .await?
        .map(|r| r.get::<_, String>(0)))
}

async fn get(pool: &Pool) -> Result<deadpool_postgres::Object, StoreError> {
    pool.get()
        .await
        .map_err(|e| StoreError::Unreachable(e.to_string()))
}

async fn write_batches(
    pool: Pool,
    mut jobs: mpsc::UnboundedReceiver<(Submission, Reply<Appended>)>,
    notary: Arc<Notary>,
    durability: Durability,
    batch_max: usize,
    metrics: Arc<Metrics>,
) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < batch_max {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let subs: Vec<&Submission> = batch.iter().map(|(s, _)| s).collect();
        let started = std::time::Instant::now();
        match run_batch(&pool, &notary, durability, &subs).await {
            Ok(answers) => {
                metrics.batch(subs.len(), started.elapsed().as_secs_f64());
                for ((_, reply), answer) in batch.into_iter().zip(answers) {
                    let _ = reply.send(Ok(answer));
                }
            }
            Err(e) => {
                for (_, reply) in batch {
                    let _ = reply.send(Err(e.clone()));
                }
            }
        }
    }
}

async fn run_batch(
    pool: &Pool,
    notary: &Notary,
    durability: Durability,
    batch: &[&Submission],
) -> Result<Vec<Appended>, StoreError> {
    let mut client = get(pool).await?;
    let tx = client.transaction().await?;
    if durability == Durability::None {
        tx.batch_execute("SET LOCAL synchronous_commit = off")
            .await?;
    }
    // What the database holds for every submission of the batch, asked in one statement
    // over arrays: the stored election under the same idempotency key, whether the nonce
    // was used, the employee's highest sequence.
    let prior_query = tx.prepare_cached(PRIOR).await?;
    let column = |f: fn(&ElectionPayload) -> &str| -> Vec<&str> {
        batch.iter().map(|sub| f(&sub.election.payload)).collect()
    };
    let columns = [
        column(|p| &p.offer_id),
        column(|p| &p.employee_id),
        column(|p| &p.idempotency_key),
        column(|p| &p.nonce),
    ];
    // The lock, then everything read under it, pipelined: with every statement prepared
    // (once per connection), tokio-postgres sends the four executions in this order as
    // each is first polled, and PostgreSQL runs them in order, so all four are read under
    // the lock and the batch waits one round trip instead of four.
    let lock = tx
        .prepare_cached("SELECT pg_advisory_xact_lock($1)")
        .await?;
    let head_query = tx.prepare_cached(CHAIN_HEAD).await?;
    let newest_query = tx.prepare_cached(NEWEST_CHECKPOINT).await?;
    let prior_params: [&(dyn tokio_postgres::types::ToSql + Sync); 4] =
        [&columns[0], &columns[1], &columns[2], &columns[3]];
    let (_, head, rows, newest) = futures::try_join!(
        tx.execute(&lock, &[&CHAIN_LOCK]),
        tx.query_opt(&head_query, &[]),
        tx.query(&prior_query, &prior_params),
        tx.query_opt(&newest_query, &[]),
    )?;
    let mut head: Option<(i64, String)> = head.map(|r| (r.get(0), r.get(1)));
    let newest: Option<String> = newest.map(|r| r.get(0));
    if rows.len() != batch.len() {
        return Err(StoreError::Unexpected(format!(
            "PostgreSQL answered {} rows for a batch of {}",
            rows.len(),
            batch.len()
        )));
    }
    let mut overlay = BatchOverlay::default();
    let mut answers = Vec::with_capacity(batch.len());
    let mut rows_to_insert = Vec::new();
    for (sub, row) in batch.iter().zip(rows) {
        let hash: Option<String> = row.get(0);
        let receipt: Option<String> = row.get(1);
        let mut prior = Prior {
            same_key: hash.zip(receipt),
            nonce_used: row.get(2),
            latest_sequence: row.get::<_, Option<i64>>(3).map(|s| s as u64),
        };
        overlay.apply(sub, &mut prior);
        if let Some(outcome) = prior.decide(sub)? {
            answers.push(outcome);
            continue;
        }
        let (index, previous) = match &head {
            Some((i, h)) => (*i as u64 + 1, h.as_str()),
            None => (1, GENESIS_HASH),
        };
        let new = NewRow::new(notary, sub, index, previous)?;
        overlay.record(sub, &new.receipt_json);
        head = Some((new.chain_index as i64, new.receipt_hash.clone()));
        answers.push(AppendOutcome::Stored(new.receipt.clone()));
        rows_to_insert.push((*sub, new));
    }
    // The checkpoint of the chain as this batch leaves it, signed before anything is
    // written, so the new rows and the checkpoint go in one round trip, pipelined.
    let (checkpoint, new_checkpoint) = notary.checkpoint_for(
        head.as_ref().map(|(i, h)| (*i as u64, h.as_str())),
        stored_checkpoint(newest),
    );
    let checkpoint_json = serde_json::to_string(&checkpoint)?;
    let insert = tx.prepare_cached(INSERT_ELECTIONS).await?;
    let insert_checkpoint = tx.prepare_cached(INSERT_CHECKPOINT).await?;
    let text = |f: for<'a> fn(&'a Submission, &'a NewRow) -> &'a str| -> Vec<&str> {
        rows_to_insert
            .iter()
            .map(|(sub, new)| f(sub, new))
            .collect()
    };
    let number = |f: fn(&Submission, &NewRow) -> i64| -> Vec<i64> {
        rows_to_insert
            .iter()
            .map(|(sub, new)| f(sub, new))
            .collect()
    };
    let (indexes, sequences, received) = (
        number(|_, new| new.chain_index as i64),
        number(|sub, _| sub.election.payload.sequence as i64),
        number(|sub, _| sub.received_at.timestamp_millis()),
    );
    let texts = [
        text(|sub, _| &sub.election.payload.offer_id),
        text(|sub, _| &sub.election.payload.employee_id),
        text(|sub, _| &sub.election.payload.idempotency_key),
        text(|sub, _| &sub.election.payload.nonce),
        text(|sub, _| &sub.payload_hash),
        text(|sub, _| timeliness_text(sub.timeliness)),
        text(|_, new| &new.election_json),
        text(|_, new| &new.receipt.receipt.receipt_id),
        text(|_, new| &new.receipt_json),
        text(|_, new| &new.receipt_hash),
    ];
    let row_params: [&(dyn tokio_postgres::types::ToSql + Sync); 13] = [
        &indexes, &texts[0], &texts[1], &sequences, &texts[2], &texts[3], &texts[4], &texts[5],
        &received, &texts[6], &texts[7], &texts[8], &texts[9],
    ];
    let count = checkpoint.checkpoint.count as i64;
    let checkpoint_params: [&(dyn tokio_postgres::types::ToSql + Sync); 3] =
        [&count, &checkpoint.checkpoint.head, &checkpoint_json];
    futures::try_join!(
        async {
            if rows_to_insert.is_empty() {
                return Ok(0);
            }
            tx.execute(&insert, &row_params).await
        },
        async {
            if !new_checkpoint {
                return Ok(0);
            }
            tx.execute(&insert_checkpoint, &checkpoint_params).await
        },
    )?;
    tx.commit().await?;
    Ok(answers
        .into_iter()
        .map(|outcome| Appended {
            outcome,
            checkpoint: Some(checkpoint.clone()),
        })
        .collect())
}
