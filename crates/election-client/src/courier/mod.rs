//! Signing and exactly-once delivery, as a state machine. [`Courier::step`] takes one
//! [`Event`] (something the platform saw, or an effect it finished) and returns the
//! [`Command`]s the platform is to carry out, in order. Every decision is made here: what
//! is due, retries and their backoff, superseding, which answer counts, what is stored,
//! shown and told to the host. The platform (`src/platform/courier.rs` in the widget)
//! only runs the commands and reports back, so every sequence is tested natively
//! (`tests.rs`).
//!
//! Exactly once rests on the contract: every retry of an election carries its
//! idempotency key, so a response lost after the backend committed gets the same receipt
//! the second time instead of a second election.
//!
//! Three flows, each with a small state of its own:
//! - starting (`learn.rs`): read the outbox and the kept checkpoint, then learn what an
//!   HTTP backend holds (its key, its chain, the employee's record);
//! - a pass (`pass.rs`): under the Web Lock every tab shares, re-read the outbox, then
//!   send each due election in sequence order, checking every answer (`checks.rs`);
//!   after a `sequence_not_increasing` refusal the pass learns the record again;
//! - signing (`sign.rs`): the key, the payload, the signature, the outbox.

mod checks;
mod io;
mod learn;
mod pass;
mod reply;
mod sign;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use election_core::contract::{PublicJwk, SignedCheckpoint};
use election_core::{Holder, Offer};

use crate::delivery::{self, DeliveryConfig, OutboxEntry, Transport};
use crate::device::DeviceError;

pub use io::{Answer, Ask, Check, Command, Env, Event, KeyInfo, Read, Request, SignRequest};
pub use reply::{read_json, reply_outcome};

/// Performance measures for `make bench`: building, canonicalizing and signing an
/// election; and one delivery attempt, from the request to the receipt verified.
pub const SIGN_MEASURE: &str = "election-widget:sign";
pub const SIGN_MARK: &str = "election-widget:sign-start";
pub const DELIVER_MEASURE: &str = "election-widget:deliver";
pub const DELIVER_MARK: &str = "election-widget:deliver-start";

/// What the employee can do with an entry of the outbox (the outbox's panel emits it; the
/// platform's courier carries it out).
#[derive(Debug, Clone, PartialEq)]
pub enum EntryAction {
    /// Send a waiting election now, or ask again after a receipt that did not hold.
    Retry(String),
    DownloadReceipt(String),
    DownloadElection(String),
    /// The newest checkpoint of the receiver's chain this device has seen.
    DownloadCheckpoint,
}

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

/// One employee's outbox for one offer, and what is under way for it.
pub struct Courier {
    offer: Rc<Offer>,
    holder: Rc<Holder>,
    transport: Transport,
    /// Where a `post-message` delivery goes (`None`: the frame's parent is not allowed).
    host_origin: Option<String>,
    prefix: String,
    env: Env,
    entries: Vec<OutboxEntry>,
    /// Entries the store refused (kept in memory, and shown as such).
    unsaved: Vec<String>,
    /// Saves issued and not yet answered, by entry: memory is newer than the store.
    saving: BTreeMap<String, u32>,
    receiver_key: Option<PublicJwk>,
    /// The newest verified checkpoint seen (also stored, beside the outbox).
    checkpoint: Option<SignedCheckpoint>,
    key: Option<KeyInfo>,
    key_asked: bool,
    /// What is shown, less the entries (added when shown).
    view: OutboxView,
    shown: Option<OutboxView>,
    closed: bool,
    starting: Option<learn::Starting>,
    learn: Option<learn::Learn>,
    pass: Option<pass::Pass>,
    /// The keys still to be tried in this pass, and the attempt under way.
    due: VecDeque<String>,
    attempt: Option<pass::Attempt>,
    /// Another pass is wanted when this one ends (`true`: forced).
    again: Option<bool>,
    signing: Option<sign::SignFlow>,
    out: Vec<Command>,
}

impl Courier {
    /// A courier for `holder`'s outbox under `offer`, delivering by `config`; nothing
    /// happens until [`Event::Started`].
    pub fn new(
        offer: Rc<Offer>,
        holder: Rc<Holder>,
        config: &DeliveryConfig,
        host_origin: Option<String>,
    ) -> Courier {
        let prefix = delivery::outbox_prefix(&offer.id, &holder.employee.id);
        Courier {
            receiver_key: config.receiver_key().cloned(),
            transport: config.transport.clone(),
            offer,
            holder,
            host_origin,
            prefix,
            env: Env {
                now_ms: 0.0,
                jitter: 0.5,
                online: true,
            },
            entries: Vec::new(),
            unsaved: Vec::new(),
            saving: BTreeMap::new(),
            checkpoint: None,
            key: None,
            key_asked: false,
            view: OutboxView::default(),
            shown: None,
            closed: false,
            starting: None,
            learn: None,
            pass: None,
            due: VecDeque::new(),
            attempt: None,
            again: None,
            signing: None,
            out: Vec::new(),
        }
    }

    /// Takes one event and returns what to do about it, in order.
    pub fn step(&mut self, env: Env, event: Event) -> Vec<Command> {
        self.env = env;
        match event {
            Event::Started => self.start(),
            Event::OutboxRead { read, result } => self.outbox_read(read, result),
            Event::CheckpointRead(text) => self.checkpoint_read(text),
            Event::Answered { ask, result } => match ask {
                Ask::Offer | Ask::Checkpoint | Ask::Record => self.learn_answered(ask, result),
                Ask::RegisterKey | Ask::Submit => self.pass_answered(ask, result),
            },
            Event::Verified { check, result } => {
                if self.learn.is_some() {
                    self.learn_verified(check, result)
                } else {
                    self.pass_verified(check, result)
                }
            }
            Event::KeyReady(result) => self.key_ready(result),
            Event::Signed(result) => self.signed(result),
            Event::Saved { entry_key, result } => self.saved(&entry_key, result),
            Event::LockAcquired => self.lock_acquired(),
            Event::HostReplied(result) => self.host_replied(result),
            Event::Online => self.kick(true),
            Event::OtherTab => self.other_tab(),
            Event::TimerFired => self.kick(false),
            Event::SignRequested {
                request,
                nonce,
                idempotency_key,
            } => self.sign_requested(request, nonce, idempotency_key),
            Event::RetryRequested(key) => self.retry(&key),
            Event::Closed => {
                self.closed = true;
                self.out.push(Command::WakeAt(None));
            }
        }
        self.show();
        std::mem::take(&mut self.out)
    }

    /// The outbox as it stands (what was last shown, or would be).
    pub fn entries(&self) -> &[OutboxEntry] {
        &self.entries
    }

    /// The outbox as last shown (`Command::Show`): what the employee's actions on its
    /// entries refer to. `None` before it was first shown.
    pub fn shown(&self) -> Option<&OutboxView> {
        self.shown.as_ref()
    }

    fn now(&self) -> f64 {
        self.env.now_ms
    }

    fn show(&mut self) {
        if self.closed {
            return;
        }
        let mut view = self.view.clone();
        view.entries = Rc::new(self.entries.clone());
        if self.shown.as_ref() != Some(&view) {
            self.shown = Some(view.clone());
            // First: what is shown is this page's memory, and a step's later commands
            // may wait long (a portal that has not answered yet).
            self.out.insert(0, Command::Show(view));
        }
    }

    fn find(&self, key: &str) -> Option<&OutboxEntry> {
        self.entries.iter().find(|e| e.key() == key)
    }

    /// Puts `entry` in the outbox (replacing the one with its key) and stores it.
    fn put(&mut self, entry: OutboxEntry) {
        self.save(&entry);
        match self.entries.iter_mut().find(|e| e.key() == entry.key()) {
            Some(e) => *e = entry,
            None => {
                self.entries.push(entry);
                self.entries.sort_by_key(|e| e.payload().sequence);
            }
        }
    }

    /// Stores one entry. One that cannot be written as JSON is kept in memory and said;
    /// never stored empty.
    fn save(&mut self, entry: &OutboxEntry) {
        let key = entry.key().to_owned();
        match delivery::to_json("the outbox entry", entry) {
            Ok(text) => {
                *self.saving.entry(key.clone()).or_default() += 1;
                self.out.push(Command::Save {
                    store_key: format!("{}{key}", self.prefix),
                    entry_key: key,
                    text,
                });
            }
            Err(problem) => {
                self.keep_unsaved(key);
                self.view.storage_problem = Some(problem);
            }
        }
    }

    fn keep_unsaved(&mut self, key: String) {
        if !self.unsaved.contains(&key) {
            self.unsaved.push(key);
        }
    }

    /// A save finished. A refusal (storage full, private mode) keeps the entry in
    /// memory and says so: the election is still sent while the page is open.
    fn saved(&mut self, key: &str, result: Result<(), DeviceError>) {
        if let Some(n) = self.saving.get_mut(key) {
            *n -= 1;
            if *n == 0 {
                self.saving.remove(key);
            }
        }
        match result {
            Ok(()) => self.unsaved.retain(|k| k != key),
            Err(problem) => {
                self.keep_unsaved(key.to_owned());
                self.view.storage_problem = Some(problem.to_string());
            }
        }
        self.out.push(Command::Announce);
    }

    /// The outbox as read from storage (the truth when it works), but for entries only
    /// memory has or has newer: those the store refused, and those with a save under
    /// way. Unreadable stored entries (an older format, a hand edit) are skipped.
    fn apply_read(&mut self, result: Result<Vec<String>, DeviceError>) {
        match result {
            Ok(texts) => {
                let mut stored: Vec<OutboxEntry> = texts
                    .iter()
                    .filter_map(|t| delivery::read_entry(t))
                    .collect();
                for e in &self.entries {
                    let newer = self.unsaved.iter().any(|k| k == e.key())
                        || self.saving.contains_key(e.key());
                    if !newer {
                        continue;
                    }
                    match stored.iter_mut().find(|s| s.key() == e.key()) {
                        Some(s) => *s = e.clone(),
                        None => stored.push(e.clone()),
                    }
                }
                stored.sort_by_key(|e| e.payload().sequence);
                self.entries = stored;
            }
            Err(problem) => self.view.storage_problem = Some(problem.to_string()),
        }
    }

    fn outbox_read(&mut self, read: Read, result: Result<Vec<String>, DeviceError>) {
        match read {
            Read::Start => {
                self.apply_read(result);
                self.read_checkpoint();
            }
            Read::Pass => self.pass_read(result),
            // A pass under way reads the outbox itself (after this tab's news), and its
            // own writes are newer than this read: the read is dropped.
            Read::OtherTab if self.pass.is_some() => {}
            Read::OtherTab => {
                self.apply_read(result);
                if self.starting.is_none() {
                    self.schedule();
                }
            }
        }
    }

    /// Another tab changed the outbox. During a pass, a second pass follows (it
    /// re-reads first): a read racing the pass's own writes could show, and schedule
    /// from, a stale state.
    fn other_tab(&mut self) {
        if self.pass.is_some() {
            self.again = Some(self.again.unwrap_or(false));
            return;
        }
        self.out.push(Command::ReadOutbox {
            read: Read::OtherTab,
            prefix: self.prefix.clone(),
        });
    }

    /// Stops older unconfirmed elections from being sent once a newer one is signed.
    fn supersede_older(&mut self) {
        for e in delivery::supersede(&mut self.entries) {
            self.save(&e);
        }
    }

    /// Wakes the courier when the earliest retry is due.
    fn schedule(&mut self) {
        if self.closed {
            return;
        }
        let next = self
            .entries
            .iter()
            .filter_map(|e| match e.status {
                delivery::Status::Retrying { at_ms, .. } => Some(at_ms),
                _ => None,
            })
            .min();
        self.out.push(Command::WakeAt(next.map(|at| at as f64)));
    }

    /// Asks the platform for the signing key, once however many wait for it.
    fn ask_key(&mut self) {
        if !self.key_asked {
            self.key_asked = true;
            self.out.push(Command::GetKey);
        }
    }

    fn key_ready(&mut self, result: Result<KeyInfo, DeviceError>) {
        self.key_asked = false;
        if let Ok(key) = &result {
            self.view.session_key = key.session_only.clone();
            self.key = Some(key.clone());
        }
        let problem = result.err().map(|e| e.to_string());
        self.sign_key_ready(problem.clone());
        self.pass_key_ready(problem);
    }

    /// Asks again for an election whose receipt did not hold, or sends a waiting one now.
    fn retry(&mut self, key: &str) {
        let Some(mut entry) = self.find(key).cloned() else {
            return;
        };
        if matches!(
            entry.status,
            delivery::Status::ReceiptInvalid { .. } | delivery::Status::Retrying { .. }
        ) {
            entry.status = delivery::Status::Retrying {
                at_ms: self.now() as i64,
                reason: "sending again".to_owned(),
            };
            self.put(entry);
            self.kick(true);
        }
    }

    /// The HTTP backend's base URL, when delivery is over HTTP.
    fn http_url(&self) -> Option<&str> {
        match &self.transport {
            Transport::Http { url, .. } => Some(url),
            _ => None,
        }
    }

    /// A request to the HTTP backend at `path` (none for another transport).
    fn request(&self, method: &'static str, path: &str, body: Option<String>) -> Option<Request> {
        let Transport::Http {
            url,
            headers,
            credentials,
            timeout_ms,
            ..
        } = &self.transport
        else {
            return None;
        };
        Some(Request {
            method,
            url: format!("{url}{path}"),
            headers: headers.clone(),
            body,
            credentials: credentials.clone(),
            timeout_ms: *timeout_ms,
            // The contract's public endpoints (docs/PROTOCOL.md §4, "auth: none").
            authenticated: !matches!(path, "/v1/offer" | "/v1/checkpoint"),
        })
    }
}

/// Whether an answer refuses the bearer token the host gave (401, whatever its code: an
/// expired token, one the backend does not know): the host is then asked for a fresh
/// token and the request sent once more with it, before the answer counts.
pub fn token_refused(status: u16) -> bool {
    status == 401
}
