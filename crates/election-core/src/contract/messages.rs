//! The other bodies of the HTTP interface (`docs/PROTOCOL.md` §4): the answer to a
//! submission ([`SubmitResponse`], and the header that asks for its second version), an
//! employee's history, the offer as the receiver serves it, its clock, and the answer to a
//! receipt check.

use serde::{Deserialize, Serialize};

use super::checkpoint::SignedCheckpoint;
use super::keys::ReceiverKey;
use super::payload::SignedElection;
use super::receipt::SignedReceipt;

/// The answer to `POST /v1/elections` (also the body of a `deadline_passed` error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SubmitResponse {
    pub receipt: SignedReceipt,
    /// True when this is the answer to a retry of an election already stored.
    pub replayed: bool,
    /// A signed checkpoint of the chain that includes this receipt (its `count` is at
    /// least the receipt's `chain_index`). Sent only to a client that asks with the
    /// request header `Election-Contract: 2` ([`CONTRACT_HEADER`]): clients of the first
    /// contract parse this answer strictly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<SignedCheckpoint>,
}

/// The request header by which a client says it reads the second version of the
/// contract's answers (`Election-Contract: 2`): the submit answer then carries a
/// [`SignedCheckpoint`].
pub const CONTRACT_HEADER: &str = "election-contract";
/// The value of [`CONTRACT_HEADER`] that asks for checkpoints.
pub const CONTRACT_VERSION_2: &str = "2";

/// The body of `GET /v1/time`: the receiver's clock, for the widget's countdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ServerTime {
    pub now_ms: i64,
}

/// A stored election with its receipt: one entry of an employee's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ElectionEntry {
    pub election: SignedElection,
    pub receipt: SignedReceipt,
}

/// The body of `GET /v1/elections`: the election that governs (the on-time one with the
/// highest sequence) and every election received, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ElectionHistory {
    pub employee_id: String,
    pub governing: Option<ElectionEntry>,
    pub history: Vec<ElectionEntry>,
}

/// The body of `GET /v1/offer`: what a client needs to build an election this receiver
/// accepts, and the key its receipts are signed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OfferInfo {
    pub offer_id: String,
    pub offer_version: u64,
    pub disclosure_digest: String,
    pub deadline: String,
    pub received_by: String,
    pub receiver_key: ReceiverKey,
}

/// The answer to `POST /v1/receipts/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReceiptVerification {
    /// The signature is this receiver's, over exactly this receipt.
    pub signature_valid: bool,
    /// This receiver holds a receipt identical to this one.
    pub stored: bool,
    pub problems: Vec<String>,
}
