//! Delivering a signed election, as rules with no browser in them: how a company's
//! backend is named in the configuration ([`settings`]), what the outbox keeps about each
//! election ([`outbox`]), how a backend's answer is read and when to try again
//! ([`answer`]), what a receipt and its checkpoint must say to count ([`receipts`]), and
//! what stands between the employee and signing ([`readiness`]). Which election governs
//! is the contract's one rule (`election_core::contract::governing`) over
//! [`OutboxEntry`]. The sequencing of attempts is the [courier](crate::courier); the
//! browser side (keys, IndexedDB, the network) is the widget's `platform`.

mod answer;
#[cfg(test)]
mod fixtures;
mod outbox;
mod readiness;
mod receipts;
mod settings;

pub use answer::{
    backoff_ms, classify, parse_retry_after, Outcome, BACKOFF_BASE_MS, BACKOFF_CAP_MS,
    RETRY_AFTER_CAP_MS,
};
pub use outbox::{
    file_name, next_sequence, on_new_terms, outbox_prefix, read_entry, supersede, OutboxEntry,
    Status, Verification,
};
pub use readiness::{name_matches, sign_blockers, Readiness};
pub use receipts::{
    checkpoint_key, checkpoint_problems, checkpoint_step, receipt_problems, CheckpointStep,
};
pub use settings::{DeliveryConfig, Transport, DEFAULT_TIMEOUT_MS};

/// `value` as JSON text; a value that cannot be written is an error that names it (and
/// the caller stores, sends or downloads nothing), never an empty string.
pub fn to_json(what: &str, value: &impl serde::Serialize) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| {
        format!("{what} could not be written as JSON ({e}); nothing was stored or sent")
    })
}
