//! The courier's vocabulary: the [`Event`]s the platform sends it and the [`Command`]s
//! it returns, with the values they carry.

use std::collections::BTreeMap;

use election_core::contract::PublicJwk;
use election_core::disclosure::Acknowledgment;
use election_core::{DeliveryEvent, Election};

use super::OutboxView;
use crate::device::DeviceError;
use crate::fetch::NetError;

/// What to sign: the election, the acknowledgments it carries, the name typed.
#[derive(Debug, Clone, PartialEq)]
pub struct SignRequest {
    pub election: Election,
    pub acknowledgments: Vec<Acknowledgment>,
    pub signed_name: String,
}

/// What the platform knows at each step: the trusted clock's time, a random number in
/// `[0, 1)` for the backoff's jitter, and whether the browser believes it is online.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Env {
    pub now_ms: f64,
    pub jitter: f64,
    pub online: bool,
}

/// The employee's signing key as the courier knows it (its private half stays with the
/// platform, which WebCrypto will not let export it).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyInfo {
    pub key_id: String,
    pub jwk: PublicJwk,
    /// The backends this key is registered with.
    pub registered: Vec<String>,
    /// Why the key lasts only as long as this page, when it does.
    pub session_only: Option<String>,
}

/// One HTTP request to the backend.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: &'static str,
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
    pub credentials: String,
    pub timeout_ms: u32,
    /// Whether the endpoint takes the employee's credentials (the host's bearer token is
    /// asked for and sent); `GET /v1/offer` and `GET /v1/checkpoint` take none.
    pub authenticated: bool,
}

/// A backend's answer: status, `Retry-After`, body.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: String,
}

/// Why the outbox is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// At start.
    Start,
    /// At the start of a pass, holding the lock.
    Pass,
    /// Another tab announced a change.
    OtherTab,
}

/// Which request an answer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// `GET /v1/offer`: the receiver's key.
    Offer,
    /// `GET /v1/checkpoint`: the receiver's chain now.
    Checkpoint,
    /// `GET /v1/elections`: the employee's record.
    Record,
    /// `POST /v1/keys`.
    RegisterKey,
    /// `POST /v1/elections`.
    Submit,
}

/// Which signature a verification is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Receipt,
    Checkpoint,
}

/// What the platform tells the courier.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The courier was made: read the outbox and begin.
    Started,
    /// A [`Command::ReadOutbox`] finished: the stored entries (JSON text), or why the
    /// store could not be read.
    OutboxRead {
        read: Read,
        result: Result<Vec<String>, DeviceError>,
    },
    /// A [`Command::ReadCheckpoint`] finished: the kept checkpoint's text, if any.
    CheckpointRead(Option<String>),
    /// A [`Command::Fetch`] finished: the answer, or why none came.
    Answered {
        ask: Ask,
        result: Result<Answer, NetError>,
    },
    /// A [`Command::Verify`] finished.
    Verified {
        check: Check,
        result: Result<bool, DeviceError>,
    },
    /// A [`Command::GetKey`] finished.
    KeyReady(Result<KeyInfo, DeviceError>),
    /// A [`Command::Sign`] finished: the raw signature.
    Signed(Result<Vec<u8>, DeviceError>),
    /// A [`Command::Save`] finished.
    Saved {
        entry_key: String,
        result: Result<(), DeviceError>,
    },
    /// A [`Command::AcquireLock`] was granted.
    LockAcquired,
    /// The host's `delivery-result` for a [`Command::PostToHost`] (JSON text), or why
    /// none came.
    HostReplied(Result<String, DeviceError>),
    /// The network came back.
    Online,
    /// Another tab (or another widget on the page) changed the outbox.
    OtherTab,
    /// The time a [`Command::WakeAt`] named came.
    TimerFired,
    /// The employee asked to sign; `nonce` and `idempotency_key` are fresh random values.
    SignRequested {
        request: SignRequest,
        nonce: String,
        idempotency_key: String,
    },
    /// The employee asked to send an election again now.
    RetryRequested(String),
    /// The component is gone: an attempt under way finishes and is stored; nothing more
    /// starts, and nothing more is shown.
    Closed,
}

/// What the courier asks the platform to do. A step's commands are carried out in
/// order (a request after a save waits for it); those of different steps may overlap.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Read every stored entry under `prefix`; answer [`Event::OutboxRead`].
    ReadOutbox {
        read: Read,
        prefix: String,
    },
    /// Read the kept checkpoint; answer [`Event::CheckpointRead`].
    ReadCheckpoint {
        store_key: String,
    },
    /// Store an entry; answer [`Event::Saved`].
    Save {
        entry_key: String,
        store_key: String,
        text: String,
    },
    /// Store the newest checkpoint (a refusal is not reported: it is kept for the page).
    SaveCheckpoint {
        store_key: String,
        text: String,
    },
    /// Tell the other tabs that the outbox changed.
    Announce,
    /// Send a request; answer [`Event::Answered`].
    Fetch {
        ask: Ask,
        request: Request,
    },
    /// Check an ECDSA P-256 signature (raw `r||s`) over `input`; answer
    /// [`Event::Verified`].
    Verify {
        check: Check,
        key: PublicJwk,
        signature: Vec<u8>,
        input: Vec<u8>,
    },
    /// Find or make the employee's signing key; answer [`Event::KeyReady`].
    GetKey,
    /// Sign `input` with the signing key; answer [`Event::Signed`].
    Sign {
        input: Vec<u8>,
    },
    /// Remember that the key is registered with the backend at `url`.
    MarkRegistered {
        url: String,
    },
    /// Take the Web Lock the tabs share; answer [`Event::LockAcquired`].
    AcquireLock,
    ReleaseLock,
    /// Post `message` (JSON text) to the host at `target`, and wait up to `timeout_ms`
    /// for its `delivery-result` for `idempotency_key` from one of `accepted`; answer
    /// [`Event::HostReplied`].
    PostToHost {
        message: String,
        target: String,
        accepted: Vec<String>,
        idempotency_key: String,
        timeout_ms: u32,
    },
    /// Offer `text` (JSON) to the employee as a file.
    Download {
        name: String,
        text: String,
    },
    /// Tell the host page.
    Emit(DeliveryEvent),
    /// Show the outbox.
    Show(OutboxView),
    /// Send [`Event::TimerFired`] at this time (replacing any earlier wake-up); `None`
    /// cancels it.
    WakeAt(Option<f64>),
    /// A performance mark, and a measure from a mark.
    Mark(&'static str),
    Measure {
        name: &'static str,
        mark: &'static str,
    },
}
