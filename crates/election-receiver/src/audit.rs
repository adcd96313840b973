//! What `election-receiver verify-chain` checks: that the database still holds exactly
//! what the receiver signed. Someone with access to the database can drop the
//! append-only triggers; this audit is what they cannot get past.
//!
//! - Every receipt: its signature (the receiver's key), its place in the one hash chain,
//!   and every column of its row against it.
//! - Every election: its canonical payload hashes to its receipt's `payload_hash`, it
//!   names the receipt's employee, offer, sequence and idempotency key, and its signature
//!   verifies with the key **registered** to that employee.
//! - Every key registration: the JWK's thumbprint is its key id, it is a P-256 point,
//!   and no key id is registered twice.
//! - With a checkpoint kept from earlier (`--checkpoint FILE`): its signature, and that
//!   the chain still holds what it committed to (at least `count` receipts, the one at
//!   chain index `count` hashing to `head`). Only this catches the newest receipts
//!   deleted: the chain that is left is unbroken.

use std::collections::BTreeMap;
use std::fmt;

use election_core::contract::{
    check_covers, payload_hash, receipt_hash, verify_checkpoint, verify_election, verify_receipt,
    verifying_key, PublicJwk, Receipt, SignedCheckpoint, SignedElection, SignedReceipt,
    GENESIS_HASH,
};

use crate::store::{ElectionRow, KeyRow, Store, StoreError};

/// One thing found wrong: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `receipt R0000000003 (chain index 3)`, `key <id>`, `checkpoint (count 5)`.
    pub place: String,
    pub what: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.what)
    }
}

/// What the audit looked at and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    pub receipts: usize,
    pub keys: usize,
    /// The checkpoint checked, when one was given.
    pub checkpoint: Option<SignedCheckpoint>,
    pub problems: Vec<Problem>,
}

impl Audit {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// One line for a clean audit.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "{} receipts, one unbroken chain, every signature valid, every election as receipted; {} keys, each its own thumbprint",
            self.receipts, self.keys
        );
        if let Some(c) = &self.checkpoint {
            line.push_str(&format!(
                "; the checkpoint of {} ({} receipts, head {}) holds",
                c.checkpoint.at, c.checkpoint.count, c.checkpoint.head
            ));
        }
        line
    }
}

/// Reads everything the store holds and audits it against the receiver's key.
pub async fn audit_store(
    store: &Store,
    receiver: &PublicJwk,
    checkpoint: Option<&SignedCheckpoint>,
) -> Result<Audit, StoreError> {
    let rows = store.election_rows().await?;
    let keys = store.key_rows().await?;
    Ok(audit(&rows, &keys, receiver, checkpoint))
}

/// The audit itself, over rows as stored (pure: no database).
pub fn audit(
    rows: &[ElectionRow],
    keys: &[KeyRow],
    receiver: &PublicJwk,
    checkpoint: Option<&SignedCheckpoint>,
) -> Audit {
    let mut problems = Vec::new();
    let registered = check_keys(keys, &mut problems);
    let mut receipts: Vec<Receipt> = Vec::with_capacity(rows.len());
    let mut previous = GENESIS_HASH.to_owned();
    for (i, row) in rows.iter().enumerate() {
        let expected_index = i as u64 + 1;
        let place = format!(
            "receipt {} (chain index {})",
            row.receipt_id, row.chain_index
        );
        let mut problem = |what: String| {
            problems.push(Problem {
                place: place.clone(),
                what,
            })
        };
        let signed: SignedReceipt = match serde_json::from_str(&row.receipt) {
            Ok(r) => r,
            Err(e) => {
                problem(format!("the stored receipt is not a signed receipt: {e}"));
                previous = row.receipt_hash.clone();
                continue;
            }
        };
        let r = &signed.receipt;
        if r.chain_index != expected_index {
            problem(format!(
                "the receipt is at chain index {} where {expected_index} was expected: a receipt before it is missing or out of place",
                r.chain_index
            ));
        }
        if r.previous_receipt_hash != previous {
            problem(format!(
                "names {} as the previous receipt's hash, but the receipt before it hashes to {previous}",
                r.previous_receipt_hash
            ));
        }
        if let Err(e) = verify_receipt(&signed, receiver) {
            problem(format!("the receiver's signature does not hold: {e}"));
        }
        let hash = receipt_hash(r).hex();
        for (column, stored, receipted) in [
            (
                "chain_index",
                row.chain_index.to_string(),
                r.chain_index.to_string(),
            ),
            ("receipt_id", row.receipt_id.clone(), r.receipt_id.clone()),
            ("receipt_hash", row.receipt_hash.clone(), hash.clone()),
            ("offer_id", row.offer_id.clone(), r.offer_id.clone()),
            (
                "employee_id",
                row.employee_id.clone(),
                r.employee_id.clone(),
            ),
            ("sequence", row.sequence.to_string(), r.sequence.to_string()),
            (
                "idempotency_key",
                row.idempotency_key.clone(),
                r.idempotency_key.clone(),
            ),
            (
                "payload_hash",
                row.payload_hash.clone(),
                r.payload_hash.clone(),
            ),
            (
                "timeliness",
                row.timeliness.clone(),
                serde_json::to_value(r.timeliness)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            ),
            (
                "received_at_ms",
                row.received_at_ms.to_string(),
                r.received_at_ms.to_string(),
            ),
        ] {
            if stored != receipted {
                problem(format!(
                    "the row's {column} is {stored:?} but its signed receipt says {receipted:?}"
                ));
            }
        }
        match serde_json::from_str::<SignedElection>(&row.election) {
            Err(e) => problem(format!("the stored election is not a signed election: {e}")),
            Ok(election) => {
                for what in check_election(&election, r, &row.nonce, &registered) {
                    problem(what);
                }
            }
        }
        previous = hash;
        receipts.push(signed.receipt);
    }
    if let Some(signed) = checkpoint {
        let place = format!("checkpoint (count {})", signed.checkpoint.count);
        if let Err(e) = verify_checkpoint(signed, receiver) {
            problems.push(Problem {
                place: place.clone(),
                what: format!("the receiver's signature does not hold: {e}"),
            });
        }
        if let Err(what) = check_covers(&signed.checkpoint, &receipts) {
            problems.push(Problem { place, what });
        }
    }
    Audit {
        receipts: rows.len(),
        keys: keys.len(),
        checkpoint: checkpoint.cloned(),
        problems,
    }
}

/// Every key registration checked; the usable ones by key id (employee, JWK).
fn check_keys(
    keys: &[KeyRow],
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, (String, PublicJwk)> {
    let mut registered: BTreeMap<String, (String, PublicJwk)> = BTreeMap::new();
    let mut owners: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for key in keys {
        owners
            .entry(key.key_id.as_str())
            .or_default()
            .push(key.employee_id.as_str());
        let place = format!("key {} (employee {})", key.key_id, key.employee_id);
        let jwk: PublicJwk = match serde_json::from_str(&key.jwk) {
            Ok(jwk) => jwk,
            Err(e) => {
                problems.push(Problem {
                    place,
                    what: format!("the stored key is not a JWK: {e}"),
                });
                continue;
            }
        };
        let thumbprint = jwk.thumbprint();
        if thumbprint != key.key_id {
            problems.push(Problem {
                place,
                what: format!(
                    "the stored JWK's thumbprint is {thumbprint}, not its key id: the key was replaced"
                ),
            });
            continue;
        }
        if let Err(e) = verifying_key(&jwk) {
            problems.push(Problem {
                place,
                what: e.to_string(),
            });
            continue;
        }
        registered.insert(key.key_id.clone(), (key.employee_id.clone(), jwk));
    }
    for (key_id, employees) in owners {
        if employees.len() > 1 {
            registered.remove(key_id);
            problems.push(Problem {
                place: format!("key {key_id}"),
                what: format!(
                    "registered {} times (to {}): a key belongs to one employee, once",
                    employees.len(),
                    employees.join(", ")
                ),
            });
        }
    }
    registered
}

/// What is wrong with a stored election against its receipt and the registered keys.
fn check_election(
    election: &SignedElection,
    receipt: &Receipt,
    nonce_column: &str,
    registered: &BTreeMap<String, (String, PublicJwk)>,
) -> Vec<String> {
    let p = &election.payload;
    let mut found = Vec::new();
    let hash = payload_hash(p).hex();
    if hash != receipt.payload_hash {
        found.push(format!(
            "the stored election hashes to {hash}, but its receipt names {}: the election was altered after it was receipted",
            receipt.payload_hash
        ));
    }
    for (field, stored, receipted) in [
        ("offer_id", p.offer_id.clone(), receipt.offer_id.clone()),
        (
            "employee_id",
            p.employee_id.clone(),
            receipt.employee_id.clone(),
        ),
        (
            "sequence",
            p.sequence.to_string(),
            receipt.sequence.to_string(),
        ),
        (
            "idempotency_key",
            p.idempotency_key.clone(),
            receipt.idempotency_key.clone(),
        ),
    ] {
        if stored != receipted {
            found.push(format!(
                "the stored election's {field} is {stored:?} but its receipt says {receipted:?}"
            ));
        }
    }
    if p.nonce != nonce_column {
        found.push(format!(
            "the row's nonce is {nonce_column:?} but the stored election's is {:?}",
            p.nonce
        ));
    }
    match registered.get(&p.key_id) {
        None => found.push(format!(
            "the election is signed with key {}, which is not (validly) registered",
            p.key_id
        )),
        Some((owner, _)) if *owner != p.employee_id => found.push(format!(
            "the election is signed with key {}, which is registered to {owner}, not to {}",
            p.key_id, p.employee_id
        )),
        Some((_, jwk)) => {
            if let Err(e) = verify_election(election, jwk) {
                found.push(format!(
                    "the employee's signature does not hold with their registered key: {e}"
                ));
            }
        }
    }
    found
}

/// `verify-chain`: opens the database of `config` and audits it, with the checkpoint in
/// the file `checkpoint` (a signed checkpoint as `GET /v1/checkpoint` serves it) when
/// given. `Err` only when the audit could not run (settings, database, checkpoint file).
pub async fn verify_chain(
    config: &crate::config::Config,
    checkpoint: Option<&std::path::Path>,
) -> Result<Audit, String> {
    verify_offer_chain(config, checkpoint, None).await
}

/// [`verify_chain`] of one offer's chain where the receiver serves several: `offer` names
/// it by id (`None`: the first offer's).
pub async fn verify_offer_chain(
    config: &crate::config::Config,
    checkpoint: Option<&std::path::Path>,
    offer: Option<&str>,
) -> Result<Audit, String> {
    let checkpoint: Option<SignedCheckpoint> = match checkpoint {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the checkpoint {}: {e}", path.display()))?;
            Some(serde_json::from_str(&text).map_err(|e| {
                format!(
                    "the checkpoint {} is not a signed checkpoint (as GET /v1/checkpoint serves it): {e}",
                    path.display()
                )
            })?)
        }
    };
    let states = crate::prepare_all(config).await?;
    let state = match offer {
        None => &states[0],
        Some(id) => states.iter().find(|s| s.offer.id == id).ok_or_else(|| {
            let ids: Vec<&str> = states.iter().map(|s| s.offer.id.as_str()).collect();
            format!(
                "this receiver serves no offer {id}; it serves {}",
                ids.join(", ")
            )
        })?,
    };
    audit_store(&state.store, state.notary.signer.jwk(), checkpoint.as_ref())
        .await
        .map_err(|e| format!("cannot read the database: {e}"))
}
