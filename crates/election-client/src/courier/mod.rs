//! Signing and exactly-once delivery, as a state machine.

use std::rc::Rc;

use election_core::contract::SignedCheckpoint;

use crate::delivery::OutboxEntry;

/// What the component shows of the outbox.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OutboxView {
    /// The outbox has been read (until then, nothing is said about it).
    pub loaded: bool,
    /// Every election, oldest first.
    pub entries: Rc<Vec<OutboxEntry>>,
    /// Why signed elections are kept only in this page's memory, when they are.
    pub storage_problem: Option<String>,
    /// Why the signing key lasts only for this page, when it does.
    pub session_key: Option<String>,
    /// What could not be learned from the backend (its record, its key).
    pub backend_problem: Option<String>,
    /// A signature is being made.
    pub signing: bool,
    /// Why the last attempt to sign failed.
    pub sign_problem: Option<String>,
    /// The newest checkpoint of the receiver's chain this device has seen, verified with
    /// the receiver's key (it can be downloaded: it proves what the receiver held).
    pub checkpoint: Option<Rc<SignedCheckpoint>>,
    /// Why a later checkpoint from the receiver does not extend the one kept (receipts
    /// removed or rewritten): shown as a warning, never hidden.
    pub checkpoint_warning: Option<String>,
}
