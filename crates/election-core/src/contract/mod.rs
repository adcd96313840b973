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
//!
//! The contract is one module, written in files by concern; everything is used from
//! here (`election_core::contract::X`):
//!
//! - `payload.rs`: the signed election, how it is built, the checks of its form;
//! - `jws.rs`: detached JWS, the canonical bytes that are signed, [`SignatureError`];
//! - `receipt.rs`: receipts, their timeliness and their chain;
//! - `checkpoint.rs`: signed checkpoints of the chain;
//! - `keys.rs`: public keys (JWK), their registration, the receiver's key;
//! - `messages.rs`: the other bodies of the HTTP interface;
//! - `error.rs`: the error body and its codes ([`ErrorCode`]);
//! - `check.rs`: a payload checked against the offer and the employee's grants;
//! - `governing.rs`: which election is in effect ([`governing`]);
//! - `crypto.rs` (feature `crypto`): signing and verifying with `p256`, or `ring` (feature
//!   `ring`).

mod check;
mod checkpoint;
#[cfg(feature = "crypto")]
mod crypto;
mod error;
mod governing;
mod jws;
mod keys;
mod messages;
mod payload;
mod receipt;

pub use check::{check_against, Mismatch};
pub use checkpoint::{
    check_covers, checkpoint_extends, checkpoint_hash, Checkpoint, CheckpointProblem,
    SignedCheckpoint, CHECKPOINT_CONTRACT,
};
#[cfg(feature = "crypto")]
pub use crypto::{
    public_jwk, verify_checkpoint, verify_detached, verify_detached_by, verify_election,
    verify_election_by, verify_receipt, verifying_key, Backend, Signer,
};
pub use error::{ErrorBody, ErrorCode, ErrorDetail};
pub use governing::{governing, Governs};
pub use jws::{
    canonical_bytes, detached_jws, detached_signing_input, jws_signing_input, open_jws,
    SignatureError, JWS_ALG,
};
pub use keys::{base64url_len, KeyRegistration, PublicJwk, ReceiverKey, RegisteredKey};
pub use messages::{
    ElectionEntry, ElectionHistory, OfferInfo, ReceiptVerification, ServerTime, SubmitResponse,
    CONTRACT_HEADER, CONTRACT_VERSION_2,
};
pub use payload::{
    payload_hash, payload_problems, Decision, ElectionPayload, GrantDecision, SignedElection,
    Signing, ELECTION_CONTRACT, MAX_SEQUENCE,
};
pub use receipt::{
    check_chain, receipt_hash, receipt_time, ChainBreak, Receipt, SignedReceipt, Timeliness,
    GENESIS_HASH, RECEIPT_CONTRACT,
};
