//! Checkpoints of the receipt chain (`docs/PROTOCOL.md` §3.1): the receiver's signed
//! statement of how long the chain is and how it ends ([`Checkpoint`]), whether one
//! checkpoint can follow another ([`checkpoint_extends`]), and whether a stored chain
//! still holds what a checkpoint committed to ([`check_covers`]).

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::receipt::{check_chain, receipt_hash, Receipt, GENESIS_HASH};
use crate::disclosure::{canonical, Digest};

/// The `contract` value of a checkpoint.
pub const CHECKPOINT_CONTRACT: &str = "checkpoint/v1";

/// The receiver's signed statement of how long its receipt chain is and how it ends. A
/// hash chain alone cannot show that its newest receipts were deleted; a checkpoint
/// kept by anyone (an employee's device, an auditor) can: the database must still hold
/// `count` receipts, the one at chain index `count` hashing to `head`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// Always `"checkpoint/v1"`.
    pub contract: String,
    /// Who keeps the chain: the offer's issuer, as receipts name it.
    pub received_by: String,
    pub offer_id: String,
    /// The receiver's signing key (JWK thumbprint), as receipts name it.
    pub key_id: String,
    /// How many receipts the chain holds (the highest chain index).
    pub count: u64,
    /// [`receipt_hash`] of the receipt at chain index `count`; [`GENESIS_HASH`] when
    /// `count` is 0. The next receipt names this as its `previous_receipt_hash`.
    pub head: String,
    /// When it was signed, in milliseconds since 1970 (UTC), by the receiver's clock.
    pub at_ms: i64,
    /// The same instant, RFC 3339 in UTC with milliseconds.
    pub at: String,
}

/// A checkpoint and the receiver's detached JWS over its canonical bytes: the body of
/// `GET /v1/checkpoint`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SignedCheckpoint {
    pub checkpoint: Checkpoint,
    pub signature: String,
}

/// Why `newer` cannot be a later state of the chain `older` describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointProblem {
    /// Another receiver, offer or key: the two are not about one chain.
    OtherChain {
        field: &'static str,
        older: String,
        newer: String,
    },
    /// The chain got shorter: receipts were deleted.
    Shorter { older: u64, newer: u64 },
    /// The same length, another head: the chain was rewritten.
    OtherHead { count: u64 },
    /// Signed earlier than the older checkpoint.
    Earlier { older_ms: i64, newer_ms: i64 },
}

impl std::fmt::Display for CheckpointProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckpointProblem::OtherChain {
                field,
                older,
                newer,
            } => write!(
                f,
                "the checkpoints are of different chains: {field} is {older:?}, then {newer:?}"
            ),
            CheckpointProblem::Shorter { older, newer } => write!(
                f,
                "the chain had {older} receipts and now has {newer}: receipts were removed"
            ),
            CheckpointProblem::OtherHead { count } => write!(
                f,
                "both checkpoints count {count} receipts but end in different receipts: the chain was rewritten"
            ),
            CheckpointProblem::Earlier { older_ms, newer_ms } => write!(
                f,
                "the newer checkpoint is dated {newer_ms} ms, before the older one ({older_ms} ms)"
            ),
        }
    }
}

/// Whether `newer` can be a later state of the chain `older` describes, as far as two
/// checkpoints show: the same receiver, offer and key; a count no smaller; the same head
/// when the count is equal; signed no earlier. (That a longer chain really extends the
/// older head needs the receipts between them: [`check_covers`].)
pub fn checkpoint_extends(older: &Checkpoint, newer: &Checkpoint) -> Result<(), CheckpointProblem> {
    for (field, a, b) in [
        ("contract", &older.contract, &newer.contract),
        ("received_by", &older.received_by, &newer.received_by),
        ("offer_id", &older.offer_id, &newer.offer_id),
        ("key_id", &older.key_id, &newer.key_id),
    ] {
        if a != b {
            return Err(CheckpointProblem::OtherChain {
                field,
                older: a.clone(),
                newer: b.clone(),
            });
        }
    }
    if newer.count < older.count {
        return Err(CheckpointProblem::Shorter {
            older: older.count,
            newer: newer.count,
        });
    }
    if newer.count == older.count && newer.head != older.head {
        return Err(CheckpointProblem::OtherHead { count: newer.count });
    }
    if newer.at_ms < older.at_ms {
        return Err(CheckpointProblem::Earlier {
            older_ms: older.at_ms,
            newer_ms: newer.at_ms,
        });
    }
    Ok(())
}

/// Checks that `receipts` (a chain as stored, in chain order from index 1) still hold
/// what `checkpoint` committed to: at least `count` receipts, one unbroken chain up to
/// index `count`, and the receipt there hashing to `head`. Receipts after `count` are
/// not looked at (check them with [`check_chain`]).
pub fn check_covers(checkpoint: &Checkpoint, receipts: &[Receipt]) -> Result<(), String> {
    let count = checkpoint.count;
    let held = receipts.len() as u64;
    if held < count {
        return Err(format!(
            "the checkpoint counts {count} receipts but the chain holds {held}: receipts after chain index {held} were removed"
        ));
    }
    let upto = &receipts[..count as usize];
    check_chain(upto).map_err(|b| {
        format!(
            "the chain up to the checkpoint's receipt {count} breaks at chain index {}: {}",
            b.chain_index, b.why
        )
    })?;
    let head = upto
        .last()
        .map_or_else(|| GENESIS_HASH.to_owned(), |r| receipt_hash(r).hex());
    if head != checkpoint.head {
        return Err(format!(
            "the receipt at chain index {count} hashes to {head}, but the checkpoint names {}: the chain was rewritten",
            checkpoint.head
        ));
    }
    Ok(())
}

/// SHA-256 of a checkpoint's canonical bytes (for logs and comparison; the signature is
/// over the canonical bytes themselves, as for receipts).
pub fn checkpoint_hash(checkpoint: &Checkpoint) -> Digest {
    Digest(Sha256::digest(canonical(checkpoint)).into())
}
