//! What the receiver proves: the [`Receipt`] of an election and its signed form, whether
//! it was on time ([`Timeliness`]), and the chain receipts form ([`receipt_hash`],
//! [`check_chain`]).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::disclosure::{canonical, Digest};

/// The `contract` value of a receipt.
pub const RECEIPT_CONTRACT: &str = "receipt/v1";
/// The hash a chain's first receipt names as its predecessor.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Whether the receiver had the election before the offer's deadline, by its own clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    OnTime,
    Late,
}

/// What the receiver proves it received, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Always `"receipt/v1"`.
    pub contract: String,
    pub receipt_id: String,
    /// Who received it: the offer's issuer, as the offer names it.
    pub received_by: String,
    pub offer_id: String,
    pub offer_version: u64,
    pub employee_id: String,
    pub sequence: u64,
    pub idempotency_key: String,
    /// SHA-256 (hex) of the election payload's canonical bytes.
    pub payload_hash: String,
    /// The receiver's clock when the request arrived, RFC 3339 in UTC with milliseconds.
    pub received_at: String,
    /// The same instant in milliseconds since 1970 (UTC).
    pub received_at_ms: i64,
    /// The offer's deadline the receive time was compared with (RFC 3339).
    pub deadline: String,
    pub timeliness: Timeliness,
    /// The receipt's place in the receiver's chain, from 1.
    pub chain_index: u64,
    /// [`receipt_hash`] of the receipt before this one; [`GENESIS_HASH`] for the first.
    pub previous_receipt_hash: String,
    /// The receiver's signing key (JWK thumbprint).
    pub key_id: String,
}

/// A receipt and the receiver's detached JWS over its canonical bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SignedReceipt {
    pub receipt: Receipt,
    pub signature: String,
}

/// SHA-256 of a receipt's canonical bytes: what the next receipt names as its predecessor.
pub fn receipt_hash(receipt: &Receipt) -> Digest {
    Digest(Sha256::digest(canonical(receipt)).into())
}

/// An RFC 3339 UTC time with milliseconds, as receipts carry it.
pub fn receipt_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Why a list of receipts is not one unbroken chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub chain_index: u64,
    pub why: String,
}

/// Checks that `receipts`, in chain order from the first, form one chain: indexes 1, 2, …
/// with no gap, each naming the hash of the one before (the first naming
/// [`GENESIS_HASH`]). Signatures are checked separately (`verify_receipt`, feature `crypto`).
pub fn check_chain(receipts: &[Receipt]) -> Result<(), ChainBreak> {
    let mut previous = GENESIS_HASH.to_owned();
    for (i, r) in receipts.iter().enumerate() {
        let expected_index = i as u64 + 1;
        if r.chain_index != expected_index {
            return Err(ChainBreak {
                chain_index: r.chain_index,
                why: format!("expected chain index {expected_index}"),
            });
        }
        if r.previous_receipt_hash != previous {
            return Err(ChainBreak {
                chain_index: r.chain_index,
                why: format!(
                    "names {} as the previous receipt's hash, but that receipt hashes to {previous}",
                    r.previous_receipt_hash
                ),
            });
        }
        previous = receipt_hash(r).hex();
    }
    Ok(())
}
