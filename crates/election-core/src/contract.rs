//! The election contract: what the widget sends, what a backend answers, and how either
//! side proves it. One definition, used by the widget (building and signing elections),
//! by the reference receiver (checking them and signing receipts), and by anyone who
//! implements the contract in their own backend and checks it against the test vectors in
//! `docs/vectors/`. `docs/PROTOCOL.md` is the prose; the JSON Schemas in `docs/schemas/`
//! are generated from these types.
//!
//! - Canonical bytes are RFC 8785 (JCS) JSON, so both sides hash and sign the same bytes
//!   whatever their JSON library prints.
//! - Signatures are ECDSA P-256 with SHA-256 in a detached JWS (RFC 7515 appendix F):
//!   `BASE64URL(header)..BASE64URL(r||s)`, where `r||s` is the raw 64-byte form that
//!   WebCrypto produces, over the signing input `BASE64URL(header) "." BASE64URL(payload)`.
//! - A receipt names the SHA-256 of the election's canonical bytes, the receiver's own
//!   receive time, whether that was on time, and the hash of the previous receipt, so the
//!   receipts form a chain in which nothing can be dropped or reordered unnoticed.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::disclosure::{canonical, offer_digest, AckStatus, Acknowledgment, Digest, Disclosure};
use crate::{rules, Election, Holder, Offer};

/// The `contract` value of an election payload.
pub const ELECTION_CONTRACT: &str = "election/v1";
/// The `contract` value of a receipt.
pub const RECEIPT_CONTRACT: &str = "receipt/v1";
/// The only JWS algorithm: ECDSA P-256 with SHA-256.
pub const JWS_ALG: &str = "ES256";
/// The largest sequence number: JSON numbers are exact only up to 2^53.
pub const MAX_SEQUENCE: u64 = (1 << 53) - 1;
/// The hash a chain's first receipt names as its predecessor.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An employee's election, as signed. Every field is covered by the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ElectionPayload {
    /// Always `"election/v1"`.
    pub contract: String,
    pub offer_id: String,
    pub offer_version: u64,
    /// SHA-256 (lower-case hex) of the offer's legal texts as the employee was shown them
    /// (`election_core::disclosure::offer_digest`).
    pub disclosure_digest: String,
    pub employee_id: String,
    /// One decision per eligible grant, sorted by grant id, each grant once.
    pub decisions: Vec<GrantDecision>,
    /// The documents the employee acknowledged, with the digests they saw.
    pub acknowledgments: Vec<Acknowledgment>,
    /// 1 for the employee's first election, higher for each change or withdrawal. The
    /// receiver accepts only a sequence above every one it has from the employee.
    pub sequence: u64,
    /// At least 16 random bytes, base64url without padding; never used twice.
    pub nonce: String,
    /// Chosen by the client once per election and reused on every retry of it, so a
    /// response lost after the server committed cannot make a second election.
    pub idempotency_key: String,
    /// The device's time when signed (RFC 3339). Informational only: the receiver's own
    /// receive time decides whether the election was on time.
    pub client_time: String,
    /// The signing key: its RFC 7638 JWK thumbprint.
    pub key_id: String,
    /// The employee's full name as they typed it to sign: their intent to sign.
    pub signed_name: String,
}

/// What the employee decided for one grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GrantDecision {
    pub grant_id: String,
    pub decision: Decision,
    /// Options tendered: the grant's outstanding options when exchanged, 0 when kept.
    pub options: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Exchange,
    Keep,
}

/// An election and its detached JWS: the body of `POST /v1/elections`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SignedElection {
    pub payload: ElectionPayload,
    /// Detached JWS (ES256) over the payload's canonical bytes.
    pub signature: String,
}

/// A public P-256 key as a JWK (RFC 7517), as WebCrypto exports it. Only the members that
/// define the key are kept; `ext`, `key_ops` and the like are ignored on input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublicJwk {
    /// `"EC"`.
    pub kty: String,
    /// `"P-256"`.
    pub crv: String,
    /// The x coordinate, 32 bytes, base64url.
    pub x: String,
    /// The y coordinate, 32 bytes, base64url.
    pub y: String,
}

impl PublicJwk {
    /// The RFC 7638 thumbprint: SHA-256 of the canonical required members, base64url.
    /// This is a key's `key_id` (and JWS `kid`) everywhere in the contract.
    pub fn thumbprint(&self) -> String {
        // RFC 7638 orders the members lexicographically with no whitespace, which is
        // exactly what JCS produces for these four strings.
        B64.encode(Sha256::digest(canonical(self)))
    }

    /// Problems with this key's form; empty when it is a P-256 point encoding. (Whether
    /// the point is on the curve is checked where it is used, with the `crypto` feature.)
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.kty != "EC" {
            problems.push(format!("jwk.kty must be \"EC\", not {:?}", self.kty));
        }
        if self.crv != "P-256" {
            problems.push(format!("jwk.crv must be \"P-256\", not {:?}", self.crv));
        }
        for (name, value) in [("x", &self.x), ("y", &self.y)] {
            match B64.decode(value) {
                Ok(bytes) if bytes.len() == 32 => {}
                Ok(bytes) => {
                    problems.push(format!("jwk.{name} must be 32 bytes, not {}", bytes.len()))
                }
                Err(_) => problems.push(format!("jwk.{name} is not base64url without padding")),
            }
        }
        problems
    }
}

/// The body of `POST /v1/keys`: the employee's public signing key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct KeyRegistration {
    pub jwk: PublicJwk,
}

/// The answer to a key registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisteredKey {
    pub employee_id: String,
    pub key_id: String,
    pub registered_at: String,
}

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

/// Every error the receiver returns: a stable code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    pub error: ErrorDetail,
    /// Present with `deadline_passed`: the receipt of the late election, which is
    /// stored (it proves when it arrived) but never governs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<SignedReceipt>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    /// Each problem found, where there are several (an invalid election, say).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReceiverKey {
    pub key_id: String,
    pub jwk: PublicJwk,
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

/// The JCS canonical bytes of a contract value: what is hashed and signed.
pub fn canonical_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    canonical(value)
}

/// SHA-256 of an election payload's canonical bytes: a receipt's `payload_hash`.
pub fn payload_hash(payload: &ElectionPayload) -> Digest {
    Digest(Sha256::digest(canonical(payload)).into())
}

/// SHA-256 of a receipt's canonical bytes: what the next receipt names as its predecessor.
pub fn receipt_hash(receipt: &Receipt) -> Digest {
    Digest(Sha256::digest(canonical(receipt)).into())
}

/// SHA-256 of a checkpoint's canonical bytes (for logs and comparison; the signature is
/// over the canonical bytes themselves, as for receipts).
pub fn checkpoint_hash(checkpoint: &Checkpoint) -> Digest {
    Digest(Sha256::digest(canonical(checkpoint)).into())
}

/// The protected header of every JWS in the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct JwsHeader {
    alg: String,
    kid: String,
}

/// The encoded header and the signing input of a detached JWS over `payload`:
/// `BASE64URL(header) "." BASE64URL(payload)`. A browser signs the input with WebCrypto
/// and appends `".." + BASE64URL(signature)` to the header with [`detached_jws`].
pub fn jws_signing_input(key_id: &str, payload: &[u8]) -> (String, String) {
    let header = B64.encode(canonical(&JwsHeader {
        alg: JWS_ALG.to_owned(),
        kid: key_id.to_owned(),
    }));
    let input = format!("{header}.{}", B64.encode(payload));
    (header, input)
}

/// A detached JWS from its encoded header and the raw 64-byte `r||s` signature.
pub fn detached_jws(encoded_header: &str, signature: &[u8]) -> String {
    format!("{encoded_header}..{}", B64.encode(signature))
}

/// Why a signature does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// Not `header..signature`, or not base64url, or not JSON.
    Malformed(String),
    /// The header names another algorithm than ES256.
    Algorithm(String),
    /// The header's `kid` is not the key it is checked against.
    KeyId { header: String, expected: String },
    /// The key is not a P-256 public key.
    BadKey(String),
    /// The signature is well formed but does not verify: the signed bytes differ.
    Invalid,
}

impl std::fmt::Display for SignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignatureError::Malformed(why) => write!(f, "the signature is malformed: {why}"),
            SignatureError::Algorithm(alg) => {
                write!(f, "the signature uses {alg:?}; only ES256 is accepted")
            }
            SignatureError::KeyId { header, expected } => write!(
                f,
                "the signature names key {header:?}, but the election names key {expected:?}"
            ),
            SignatureError::BadKey(why) => write!(f, "the public key is unusable: {why}"),
            SignatureError::Invalid => write!(
                f,
                "the signature does not match the signed content (it was altered or signed with another key)"
            ),
        }
    }
}

impl std::error::Error for SignatureError {}

/// A detached JWS taken apart: its encoded header (checked to be ES256 naming `kid`) and
/// the raw `r||s` signature, for a verifier that brings its own ECDSA (the browser's
/// WebCrypto verifies `header "." BASE64URL(payload)` against them).
pub fn open_jws(jws: &str, kid: &str) -> Result<(String, Vec<u8>), SignatureError> {
    let mut parts = jws.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SignatureError::Malformed(
            "a detached JWS has three parts, header..signature".into(),
        ));
    };
    if !payload.is_empty() {
        return Err(SignatureError::Malformed(
            "the payload part must be empty (the JWS is detached)".into(),
        ));
    }
    let header_bytes = B64
        .decode(header)
        .map_err(|_| SignatureError::Malformed("the header is not base64url".into()))?;
    let parsed: JwsHeader = serde_json::from_slice(&header_bytes).map_err(|e| {
        SignatureError::Malformed(format!("the header is not {{\"alg\",\"kid\"}} JSON: {e}"))
    })?;
    if parsed.alg != JWS_ALG {
        return Err(SignatureError::Algorithm(parsed.alg));
    }
    if parsed.kid != kid {
        return Err(SignatureError::KeyId {
            header: parsed.kid,
            expected: kid.to_owned(),
        });
    }
    let signature = B64
        .decode(signature)
        .map_err(|_| SignatureError::Malformed("the signature is not base64url".into()))?;
    if signature.len() != 64 {
        return Err(SignatureError::Malformed(format!(
            "an ES256 signature is 64 bytes (r||s), not {}",
            signature.len()
        )));
    }
    Ok((header.to_owned(), signature))
}

/// What a detached JWS over `payload` signs, and its raw `r||s` signature, for a
/// verifier that brings its own ECDSA (the widget verifies receipts with WebCrypto). The
/// header is checked as by [`open_jws`] and used exactly as sent.
pub fn detached_signing_input(
    jws: &str,
    kid: &str,
    payload: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), SignatureError> {
    let (header, signature) = open_jws(jws, kid)?;
    Ok((
        format!("{header}.{}", B64.encode(payload)).into_bytes(),
        signature,
    ))
}

/// Problems with an election payload's form, each naming its field; empty when well formed.
/// (Whether it fits the offer and the employee's grants is the receiver's next check.)
pub fn payload_problems(payload: &ElectionPayload) -> Vec<String> {
    let mut problems = Vec::new();
    if payload.contract != ELECTION_CONTRACT {
        problems.push(format!(
            "payload.contract must be {ELECTION_CONTRACT:?}, not {:?}",
            payload.contract
        ));
    }
    for (field, value) in [
        ("offer_id", &payload.offer_id),
        ("employee_id", &payload.employee_id),
    ] {
        if value.trim().is_empty() || value.len() > 200 {
            problems.push(format!("payload.{field} must be 1 to 200 characters"));
        }
    }
    if !is_hex_digest(&payload.disclosure_digest) {
        problems.push("payload.disclosure_digest must be 64 lower-case hex digits".into());
    }
    if payload.sequence == 0 || payload.sequence > MAX_SEQUENCE {
        problems.push(format!(
            "payload.sequence must be from 1 to {MAX_SEQUENCE}, not {}",
            payload.sequence
        ));
    }
    match B64.decode(&payload.nonce) {
        Ok(bytes) if (16..=64).contains(&bytes.len()) => {}
        _ => problems.push("payload.nonce must be 16 to 64 random bytes, base64url".into()),
    }
    let key = &payload.idempotency_key;
    if !(16..=128).contains(&key.len())
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        problems
            .push("payload.idempotency_key must be 16 to 128 letters, digits, '-' or '_'".into());
    }
    if DateTime::parse_from_rfc3339(&payload.client_time).is_err() {
        problems.push(format!(
            "payload.client_time must be an RFC 3339 time, not {:?}",
            payload.client_time
        ));
    }
    match B64.decode(&payload.key_id) {
        Ok(bytes) if bytes.len() == 32 => {}
        _ => {
            problems.push("payload.key_id must be a JWK SHA-256 thumbprint (43 characters)".into())
        }
    }
    let name = payload.signed_name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        problems.push(
            "payload.signed_name must be the employee's typed name, 1 to 200 characters".into(),
        );
    }
    for (i, pair) in payload.decisions.windows(2).enumerate() {
        if pair[0].grant_id >= pair[1].grant_id {
            problems.push(format!(
                "payload.decisions[{}]: grants must be sorted by grant_id, each once ({:?} after {:?})",
                i + 1,
                pair[1].grant_id,
                pair[0].grant_id
            ));
        }
    }
    for (i, d) in payload.decisions.iter().enumerate() {
        match d.decision {
            Decision::Keep if d.options != 0 => problems.push(format!(
                "payload.decisions[{i}]: a kept grant tenders 0 options, not {}",
                d.options
            )),
            Decision::Exchange if d.options == 0 => problems.push(format!(
                "payload.decisions[{i}]: an exchanged grant tenders its options, not 0"
            )),
            _ => {}
        }
    }
    problems
}

fn is_hex_digest(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
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
/// [`GENESIS_HASH`]). Signatures are checked separately ([`verify_receipt`]).
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

/// What identifies one signing of an election: chosen by the client, not derived from
/// the election's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signing {
    pub sequence: u64,
    pub nonce: String,
    pub idempotency_key: String,
    pub client_time: String,
    pub key_id: String,
    pub signed_name: String,
}

impl ElectionPayload {
    /// The payload for `election` under `offer`: a decision for each of the holder's
    /// eligible grants (in grant-id order), the offer's disclosure digest, and the
    /// acknowledgments given.
    pub fn build(
        offer: &Offer,
        holder: &Holder,
        election: &Election,
        acknowledgments: Vec<Acknowledgment>,
        signing: Signing,
    ) -> ElectionPayload {
        let mut decisions: Vec<GrantDecision> = holder
            .grants
            .iter()
            .filter(|g| rules::eligibility(offer, g).is_ok())
            .map(|g| match election.tendered.get(&g.id) {
                Some(&options) if options > 0 => GrantDecision {
                    grant_id: g.id.clone(),
                    decision: Decision::Exchange,
                    options,
                },
                _ => GrantDecision {
                    grant_id: g.id.clone(),
                    decision: Decision::Keep,
                    options: 0,
                },
            })
            .collect();
        decisions.sort_by(|a, b| a.grant_id.cmp(&b.grant_id));
        let mut acknowledgments = acknowledgments;
        acknowledgments.sort_by(|a, b| a.document_id.cmp(&b.document_id));
        ElectionPayload {
            contract: ELECTION_CONTRACT.to_owned(),
            offer_id: offer.id.clone(),
            offer_version: offer.version,
            disclosure_digest: offer_digest(offer).hex(),
            employee_id: holder.employee.id.clone(),
            decisions,
            acknowledgments,
            sequence: signing.sequence,
            nonce: signing.nonce,
            idempotency_key: signing.idempotency_key,
            client_time: signing.client_time,
            key_id: signing.key_id,
            signed_name: signing.signed_name,
        }
    }

    /// The election this payload makes: the grants it exchanges.
    pub fn election(&self) -> Election {
        Election {
            offer_id: self.offer_id.clone(),
            offer_version: self.offer_version,
            employee_id: self.employee_id.clone(),
            tendered: self
                .decisions
                .iter()
                .filter(|d| d.decision == Decision::Exchange)
                .map(|d| (d.grant_id.clone(), d.options))
                .collect(),
        }
    }

    /// True when the payload exchanges nothing: the employee keeps every grant.
    pub fn is_withdrawal(&self) -> bool {
        self.decisions.iter().all(|d| d.decision == Decision::Keep)
    }
}

/// Why a well-formed payload does not fit the offer a receiver serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// Another offer altogether.
    UnknownOffer(String),
    /// This offer, but an earlier or later version of it.
    StaleVersion { sent: u64, current: u64 },
    /// The employee saw other legal texts than the offer's.
    Disclosure { sent: String, current: String },
    /// A document not acknowledged, or acknowledged as it stood before a change.
    NotAcknowledged(Vec<String>),
    /// Decisions for grants of the employee's that are not eligible for the offer: a
    /// payload has a decision for each eligible grant and for no other.
    IneligibleGrantDecision {
        /// The grant ids, in the payload's order.
        grants: Vec<String>,
        /// For each, why it is not eligible, in words.
        reasons: Vec<String>,
    },
    /// The decisions break the offer's rules or do not match the employee's grants.
    Rules(Vec<String>),
}

/// Checks a well-formed payload against the offer and the employee's grants as the
/// receiver has them, in the order a person would want to hear about it: the offer, its
/// version, the texts shown, the acknowledgments, then the rules.
///
/// `disclosure` is [`Disclosure::of`] the offer, computed once by the caller: hashing the
/// legal texts on every election would be most of a receiver's work.
pub fn check_against(
    offer: &Offer,
    disclosure: &Disclosure,
    holder: &Holder,
    payload: &ElectionPayload,
) -> Result<(), Mismatch> {
    if payload.offer_id != offer.id {
        return Err(Mismatch::UnknownOffer(payload.offer_id.clone()));
    }
    if payload.offer_version != offer.version {
        return Err(Mismatch::StaleVersion {
            sent: payload.offer_version,
            current: offer.version,
        });
    }
    let current = disclosure.offer.hex();
    if payload.disclosure_digest != current {
        return Err(Mismatch::Disclosure {
            sent: payload.disclosure_digest.clone(),
            current,
        });
    }
    let missing: Vec<String> = offer
        .documents
        .iter()
        .filter(|doc| {
            let ack = payload
                .acknowledgments
                .iter()
                .find(|a| a.document_id == doc.id);
            disclosure.status(&doc.id, ack) != AckStatus::Current
        })
        .map(|doc| format!("{} ({})", doc.title, doc.id))
        .collect();
    if !missing.is_empty() {
        return Err(Mismatch::NotAcknowledged(missing));
    }
    let mut ineligible = Vec::new();
    let mut reasons = Vec::new();
    for d in &payload.decisions {
        let Some(grant) = holder.grants.iter().find(|g| g.id == d.grant_id) else {
            continue;
        };
        if let Err(why) = rules::eligibility(offer, grant) {
            let words: Vec<String> = why.iter().map(|r| r.describe(offer)).collect();
            reasons.push(format!(
                "grant {} is not eligible ({}), so it takes no decision",
                grant.id,
                words.join("; ")
            ));
            ineligible.push(grant.id.clone());
        }
    }
    if !ineligible.is_empty() {
        return Err(Mismatch::IneligibleGrantDecision {
            grants: ineligible,
            reasons,
        });
    }
    let mut problems: Vec<String> = payload
        .election()
        .check(offer, holder)
        .iter()
        .map(|v| v.describe(offer))
        .collect();
    let listed: std::collections::BTreeSet<&str> = payload
        .decisions
        .iter()
        .map(|d| d.grant_id.as_str())
        .collect();
    for grant in &holder.grants {
        if rules::eligibility(offer, grant).is_ok() && !listed.contains(grant.id.as_str()) {
            problems.push(format!(
                "eligible grant {} has no decision (exchange or keep)",
                grant.id
            ));
        }
    }
    for d in &payload.decisions {
        if d.decision == Decision::Keep && !holder.grants.iter().any(|g| g.id == d.grant_id) {
            problems.push(format!(
                "grant {} is not one of the employee's grants",
                d.grant_id
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Mismatch::Rules(problems))
    }
}

#[cfg(feature = "crypto")]
pub use crypto::*;

/// Signing and verifying with RustCrypto's `p256`. Native only: the browser has WebCrypto.
#[cfg(feature = "crypto")]
mod crypto {
    use super::*;
    use p256::ecdsa::signature::{Signer as _, Verifier as _};
    use p256::ecdsa::{Signature, SigningKey, VerifyingKey};

    /// The key a JWK describes, checked to be a point on P-256.
    pub fn verifying_key(jwk: &PublicJwk) -> Result<VerifyingKey, SignatureError> {
        let problems = jwk.problems();
        if !problems.is_empty() {
            return Err(SignatureError::BadKey(problems.join("; ")));
        }
        let mut sec1 = Vec::with_capacity(65);
        sec1.push(0x04);
        for part in [&jwk.x, &jwk.y] {
            sec1.extend(
                B64.decode(part)
                    .map_err(|e| SignatureError::BadKey(e.to_string()))?,
            );
        }
        VerifyingKey::from_sec1_bytes(&sec1)
            .map_err(|_| SignatureError::BadKey("the point is not on the P-256 curve".into()))
    }

    /// The JWK of a verifying key.
    pub fn public_jwk(key: &VerifyingKey) -> PublicJwk {
        let point = key.to_sec1_point(false);
        let bytes = point.as_bytes();
        PublicJwk {
            kty: "EC".into(),
            crv: "P-256".into(),
            x: B64.encode(&bytes[1..33]),
            y: B64.encode(&bytes[33..65]),
        }
    }

    /// Verifies a detached JWS over `payload` made by the key `jwk`, whose thumbprint the
    /// header must name.
    pub fn verify_detached(
        jws: &str,
        payload: &[u8],
        jwk: &PublicJwk,
    ) -> Result<(), SignatureError> {
        let key = verifying_key(jwk)?;
        let (header, raw) = open_jws(jws, &jwk.thumbprint())?;
        let signature = Signature::from_slice(&raw)
            .map_err(|_| SignatureError::Malformed("r or s is out of range".into()))?;
        let input = format!("{header}.{}", B64.encode(payload));
        key.verify(input.as_bytes(), &signature)
            .map_err(|_| SignatureError::Invalid)
    }

    /// Verifies an employee's signed election against their registered key: the payload
    /// must name that key and the signature must be over its canonical bytes.
    ///
    /// Returns the payload's hash ([`payload_hash`]), from the same canonical bytes.
    pub fn verify_election(
        signed: &SignedElection,
        jwk: &PublicJwk,
    ) -> Result<Digest, SignatureError> {
        let kid = jwk.thumbprint();
        if signed.payload.key_id != kid {
            return Err(SignatureError::KeyId {
                header: signed.payload.key_id.clone(),
                expected: kid,
            });
        }
        let bytes = canonical(&signed.payload);
        verify_detached(&signed.signature, &bytes, jwk)?;
        Ok(Digest(Sha256::digest(&bytes).into()))
    }

    /// Verifies a receipt's signature against the receiver's key, offline.
    pub fn verify_receipt(
        signed: &SignedReceipt,
        receiver: &PublicJwk,
    ) -> Result<(), SignatureError> {
        if signed.receipt.key_id != receiver.thumbprint() {
            return Err(SignatureError::KeyId {
                header: signed.receipt.key_id.clone(),
                expected: receiver.thumbprint(),
            });
        }
        verify_detached(&signed.signature, &canonical(&signed.receipt), receiver)
    }

    /// Verifies a checkpoint's signature against the receiver's key, offline.
    pub fn verify_checkpoint(
        signed: &SignedCheckpoint,
        receiver: &PublicJwk,
    ) -> Result<(), SignatureError> {
        if signed.checkpoint.key_id != receiver.thumbprint() {
            return Err(SignatureError::KeyId {
                header: signed.checkpoint.key_id.clone(),
                expected: receiver.thumbprint(),
            });
        }
        verify_detached(&signed.signature, &canonical(&signed.checkpoint), receiver)
    }

    /// A P-256 private key that signs detached JWSs: the receiver's receipt key, or a
    /// test client's. Signatures are deterministic (RFC 6979), so test vectors reproduce.
    pub struct Signer {
        key: SigningKey,
        jwk: PublicJwk,
        kid: String,
    }

    impl Signer {
        /// From the 32-byte private scalar.
        pub fn from_bytes(secret: &[u8]) -> Result<Signer, SignatureError> {
            let key = SigningKey::from_slice(secret).map_err(|_| {
                SignatureError::BadKey(
                    "a P-256 private key is 32 bytes below the group order".into(),
                )
            })?;
            let jwk = public_jwk(key.verifying_key());
            let kid = jwk.thumbprint();
            Ok(Signer { key, jwk, kid })
        }

        pub fn jwk(&self) -> &PublicJwk {
            &self.jwk
        }

        pub fn key_id(&self) -> &str {
            &self.kid
        }

        /// The private scalar, for storing the key.
        pub fn secret_bytes(&self) -> [u8; 32] {
            self.key.to_bytes().into()
        }

        /// A detached JWS over `payload`.
        pub fn sign_detached(&self, payload: &[u8]) -> String {
            let (header, input) = jws_signing_input(&self.kid, payload);
            let signature: Signature = self.key.sign(input.as_bytes());
            detached_jws(&header, &signature.to_bytes())
        }

        /// A signed election (the payload's `key_id` should be this key's).
        pub fn sign_election(&self, payload: ElectionPayload) -> SignedElection {
            let signature = self.sign_detached(&canonical(&payload));
            SignedElection { payload, signature }
        }

        /// A signed receipt.
        pub fn sign_receipt(&self, receipt: Receipt) -> SignedReceipt {
            let signature = self.sign_detached(&canonical(&receipt));
            SignedReceipt { receipt, signature }
        }

        /// A signed checkpoint.
        pub fn sign_checkpoint(&self, checkpoint: Checkpoint) -> SignedCheckpoint {
            let signature = self.sign_detached(&canonical(&checkpoint));
            SignedCheckpoint {
                checkpoint,
                signature,
            }
        }
    }
}
